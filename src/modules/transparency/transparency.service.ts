import type { Database } from '../../db/client.ts';
import * as totalsRepository from './totals.repository.ts';
import { presentTotals } from './transparency.presenter.ts';
import * as repository from './transparency.repository.ts';
import type { ContractSearch } from './transparency.schema.ts';

export const CONTRACTS_PER_PAGE = 20;

/** What the public may read of the social value ledger: published contracts only. */
export function transparencyService({ database }: { database: Database }) {
  return {
    async totals() {
      const [rows, framework] = await Promise.all([
        totalsRepository.currentTotals(database),
        totalsRepository.frameworkItems(database),
      ]);
      return presentTotals(rows, framework);
    },

    async contracts(search: ContractSearch) {
      const { rows, total } = await repository.listContracts(
        database,
        search,
        CONTRACTS_PER_PAGE,
        (search.page - 1) * CONTRACTS_PER_PAGE,
      );
      return { rows, total, pages: Math.max(1, Math.ceil(total / CONTRACTS_PER_PAGE)) };
    },

    /** A published contract with its commitments, results, evidence names and ledger hashes; undefined otherwise. */
    async contract(id: string) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
      const contract = await repository.findPublishedContract(database, id);
      if (!contract) return undefined;
      const [commitments, results, evidence, entries] = await Promise.all([
        repository.commitmentsOf(database, [id]),
        repository.resultsOf(database, [id]),
        repository.evidenceOf(database, id),
        repository.ledgerEntriesOf(database, id),
      ]);
      return { contract, commitments, results, evidence, entries };
    },

    /** Every published result, for the open data download. */
    async allResults() {
      const [contracts, commitments, results] = await Promise.all([
        repository.publishedContractNames(database),
        repository.commitmentsOf(database, null),
        repository.resultsOf(database, null),
      ]);
      return { contracts, commitments, results };
    },
  };
}
export type TransparencyService = ReturnType<typeof transparencyService>;
export type ContractDetail = NonNullable<Awaited<ReturnType<TransparencyService['contract']>>>;
