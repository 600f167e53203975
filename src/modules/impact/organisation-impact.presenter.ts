import { districtName, districts } from '../geography/geography.ts';
import type {
  Declaration,
  FrameworkMeasure,
  FrameworkOutcome,
  Neighbour,
  OutcomeKind,
  ResultRow,
} from './organisation-impact.repository.ts';

export const KIND_LABELS: Record<OutcomeKind, string> = { core: 'Core impact', value_adding: 'Value-adding impact' };

export const districtOptions = districts.map((district) => ({ code: district.code, label: district.name }));

const areaNames = (codes: readonly string[]) =>
  codes.length === districts.length
    ? 'All of Kent and Medway'
    : codes
        .map(districtName)
        .sort((a, b) => a.localeCompare(b))
        .join(', ');

type TitledDeclaration = Declaration & { title: string };

/** Declarations split into core and value-adding, with area names. */
export function presentDeclarations(declarations: readonly TitledDeclaration[]) {
  const present = (item: TitledDeclaration) => ({ ...item, areas: areaNames(item.districts) });
  return {
    core: declarations.filter((item) => item.kind === 'core').map(present),
    valueAdding: declarations.filter((item) => item.kind === 'value_adding').map(present),
  };
}

/** A quantity as stored (numeric text) for people: thousands separated, no trailing zeros. */
export const formatQuantity = (quantity: string) =>
  Number(quantity).toLocaleString('en-GB', { maximumFractionDigits: 2 });

export function presentResults(rows: readonly ResultRow[], currentVersion: number | undefined) {
  return rows.map((row) => ({
    ...row,
    amount: `${formatQuantity(row.quantity)} ${row.unit}`,
    olderVersion: currentVersion !== undefined && row.version !== currentVersion ? row.version : undefined,
  }));
}

/**
 * One row per outcome of the framework for the declarations form, grouped by theme: what is saved, or what was
 * just posted when the form comes back with errors. Undeclared outcomes offer the organisation's own areas.
 */
export function declarationRows(
  outcomes: readonly FrameworkOutcome[],
  chosen: { kind: (code: string, index: number) => string; districts: (code: string, index: number) => string[] },
) {
  const themes: { code: string; title: string; rows: unknown[] }[] = [];
  outcomes.forEach((outcome, index) => {
    let theme = themes.at(-1);
    if (theme?.code !== outcome.themeCode) {
      theme = { code: outcome.themeCode, title: outcome.themeTitle, rows: [] };
      themes.push(theme);
    }
    theme.rows.push({
      index,
      code: outcome.code,
      title: outcome.title,
      description: outcome.description,
      kind: chosen.kind(outcome.code, index),
      districts: chosen.districts(outcome.code, index),
    });
  });
  return themes;
}

/** The current framework's measures as choices, each named with its outcome and unit. */
export const measureOptions = (measures: readonly FrameworkMeasure[], selected: unknown) => [
  { value: '', text: 'Choose a measure' },
  ...measures.map((measure) => ({
    value: measure.id,
    text: `${measure.outcomeTitle}: ${measure.title} (${measure.unit})`,
    selected: measure.id === selected,
  })),
];

/** Neighbours grouped under each of the organisation's outcomes, with how many more there are. */
export function presentNeighbours(
  rows: readonly (Neighbour & { total: number })[],
  declarations: readonly TitledDeclaration[],
) {
  return declarations
    .map((declaration) => {
      const near = rows.filter((row) => row.outcomeCode === declaration.outcomeCode);
      return {
        code: declaration.outcomeCode,
        title: declaration.title,
        organisations: near.map((row) => ({
          id: row.id,
          name: row.name,
          kindLabel: KIND_LABELS[row.kind],
          areas: row.shared.map(districtName).join(', '),
        })),
        more: Math.max(0, (near[0]?.total ?? 0) - near.length),
      };
    })
    .filter((group) => group.organisations.length > 0);
}
