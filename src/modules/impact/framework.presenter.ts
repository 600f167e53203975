import { paths } from '../../platform/paths.ts';
import type { FrameworkTree, Measure, VersionSummary } from './framework.repository.ts';

// Framework data → what the GOV.UK macros on the framework pages need.

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const londonDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' });
const wholePounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

/** 1221 → "£12.21"; 24100 → "£241": proxies are often small, so pence are shown when there are any. */
export function proxyPounds(pence: number): string {
  return (pence % 100 === 0 ? wholePounds : pounds).format(pence / 100);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** Escaped text with its web addresses made into links: sources usually end with where they are published. */
export function linkedText(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<"'&]+/g, (url) => `<a class="govuk-link" href="${url}">${url}</a>`);
}

function measureRows(measure: Measure) {
  const proxy =
    measure.proxyValuePence === null
      ? { text: 'None given' }
      : { text: `${proxyPounds(measure.proxyValuePence)} for each unit` };
  const rows: { key: { text: string }; value: { text: string } | { html: string } }[] = [
    { key: { text: 'Unit' }, value: { text: measure.unit } },
    { key: { text: 'What counts as evidence' }, value: { text: measure.evidenceGuidance } },
    { key: { text: 'Proxy value' }, value: proxy },
  ];
  if (measure.proxyValuePence !== null) {
    rows.push({ key: { text: 'Source of the proxy value' }, value: { html: linkedText(measure.proxySource) } });
  }
  return rows;
}

export function frameworkView(tree: FrameworkTree) {
  return {
    version: tree.version,
    title: tree.title,
    source: tree.source,
    licence: tree.licence,
    published: londonDate.format(new Date(tree.createdAt)),
    jsonHref: paths.impactFramework.json({ version: tree.version }),
    csvHref: paths.impactFramework.csv({ version: tree.version }),
    counts: {
      themes: tree.themes.length,
      outcomes: tree.themes.reduce((sum, theme) => sum + theme.outcomes.length, 0),
      measures: tree.themes.reduce(
        (sum, theme) => sum + theme.outcomes.reduce((inner, outcome) => inner + outcome.measures.length, 0),
        0,
      ),
    },
    themes: tree.themes.map((theme) => ({
      code: theme.code,
      title: theme.title,
      description: theme.description,
      anchor: `theme-${theme.code}`,
      outcomes: theme.outcomes.map((outcome) => ({
        code: outcome.code,
        title: outcome.title,
        description: outcome.description,
        measures: outcome.measures.map((measure) => ({
          card: { title: { text: `${measure.code}: ${measure.title}`, headingLevel: 4 } },
          rows: measureRows(measure),
        })),
      })),
    })),
  };
}

export function versionRows(versions: VersionSummary[], shown: number | undefined) {
  return versions.map((version) => [
    {
      html:
        version.version === shown
          ? `Version ${version.version} (this page)`
          : `<a class="govuk-link" href="${paths.impactFramework.version({ version: version.version })}">Version ${version.version}</a>`,
    },
    { text: version.title },
    { text: londonDate.format(new Date(version.createdAt)) },
    { text: String(version.measures), format: 'numeric' },
  ]);
}
