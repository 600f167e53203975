import { paths } from '../../platform/paths.ts';
import type { Compared, compareOrganisations } from './comparison.ts';
import { KIND_LABELS } from './organisation-impact.presenter.ts';

/** The comparison as the page shows it: outcome titles, each organisation's kind per outcome, and links. */
export function presentComparison(
  compared: readonly Compared[],
  result: ReturnType<typeof compareOrganisations>,
  titles: ReadonlyMap<string, string>,
) {
  const title = (code: string) => titles.get(code) ?? code;
  const ids = compared.map((organisation) => organisation.id);
  return {
    chosen: compared.map((organisation) => ({
      id: organisation.id,
      name: organisation.name,
      removeHref: paths.impactComparison({ organisations: ids.filter((id) => id !== organisation.id) }),
    })),
    ready: compared.length >= 2,
    chosenIds: ids,
    rows: result.outcomes.map((code) => ({
      code,
      title: title(code),
      kinds: compared.map((organisation) => {
        const kind = organisation.outcomes.get(code);
        return kind ? KIND_LABELS[kind] : 'Not delivered';
      }),
    })),
    shared: result.shared.map(title),
    each: result.each.map((organisation) => ({
      ...organisation,
      adds: organisation.adds.map(title),
      coreWhereOthersAddValue: organisation.coreWhereOthersAddValue.map(title),
    })),
  };
}
