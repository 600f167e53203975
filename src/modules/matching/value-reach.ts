import { TIERS, type Tier } from '../organisations/tiers.ts';

// How large an opportunity each tier can realistically take on, in one place. Buyers commonly expect a
// contract to be no more than about half of a supplier's yearly turnover, and grants to small groups stretch
// that a little, so each limit is a few times the top of the tier's income band: a £2m contract is out of reach
// for a one-staff group, but a £5,000 grant is not. Large organisations (tier 5) have no limit.
export const VALUE_REACH_PENCE: Readonly<Record<Tier, number | null>> = {
  1: 5_000_00,
  2: 25_000_00,
  3: 100_000_00,
  4: 1_000_000_00,
  5: null,
};

/** The same limits as an SQL expression over a tier column, so ranking can score value inside the query. */
export function valueReachSql(tierColumn: string): string {
  const cases = TIERS.map(({ tier }) => `WHEN ${tier} THEN ${VALUE_REACH_PENCE[tier] ?? 'NULL'}`).join(' ');
  return `(CASE ${tierColumn} ${cases} END)`;
}
