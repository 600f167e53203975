import type { OutcomeKind } from './organisation-impact.repository.ts';

// Overlaps and complementary value between organisations, from what each declares. Pure, so the rules are
// tested on their own: what they all deliver, what each adds that none of the others does, and where one
// delivers as core impact what the others only add value to.

export type Compared = { id: string; name: string; outcomes: ReadonlyMap<string, OutcomeKind> };

export function compareOrganisations(organisations: readonly Compared[], outcomeOrder: readonly string[]) {
  const rank = new Map(outcomeOrder.map((code, index) => [code, index]));
  const byOrder = (a: string, b: string) =>
    (rank.get(a) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b);
  const all = [...new Set(organisations.flatMap((organisation) => [...organisation.outcomes.keys()]))].sort(byOrder);
  const others = (id: string) => organisations.filter((organisation) => organisation.id !== id);
  return {
    outcomes: all,
    shared: all.filter((code) => organisations.every((organisation) => organisation.outcomes.has(code))),
    each: organisations.map((organisation) => {
      const codes = [...organisation.outcomes.keys()].sort(byOrder);
      return {
        id: organisation.id,
        name: organisation.name,
        adds: codes.filter((code) => others(organisation.id).every((other) => !other.outcomes.has(code))),
        coreWhereOthersAddValue: codes.filter(
          (code) =>
            organisation.outcomes.get(code) === 'core' &&
            others(organisation.id).some((other) => other.outcomes.has(code)) &&
            others(organisation.id).every((other) => other.outcomes.get(code) !== 'core'),
        ),
      };
    }),
  };
}
