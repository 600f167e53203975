import type { Database } from '../../db/client.ts';
import { formatPounds } from '../../platform/money.ts';
import { paths } from '../../platform/paths.ts';
import { contractsWon } from './ocds.repository.ts';

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/** "Contracts won" on a profile: awards in imported releases naming the organisation as a supplier. */
export async function presentContractsWon(database: Database, organisationId: string) {
  const won = await contractsWon(database, organisationId);
  return won.map((award) => ({
    title: award.title,
    buyer: award.buyer ?? 'Not given',
    value:
      award.amount === null
        ? 'Not given'
        : award.currency === 'GBP' || award.currency === null
          ? formatPounds(Math.round(award.amount * 100))
          : `${number.format(award.amount)} ${award.currency}`,
    date: award.date && !Number.isNaN(Date.parse(award.date)) ? dateFormat.format(new Date(award.date)) : 'Not given',
    href: paths.api.ocdsRecord({ ocid: award.ocid }),
  }));
}
