import path from 'node:path';
import nunjucks from 'nunjucks';
import { paths } from './paths.ts';

const root = path.resolve(import.meta.dirname, '../..');

const londonDateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** The one Nunjucks environment: our layouts, each module's views, and the GOV.UK Frontend macros. */
export function createViewEnvironment(): nunjucks.Environment {
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [
        path.join(root, 'src/views'),
        path.join(root, 'src/modules'),
        path.join(root, 'node_modules/govuk-frontend/dist'),
      ],
      { noCache: false },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  environment.addGlobal('paths', paths);
  environment.addGlobal('serviceName', 'Working Connections');
  environment.addFilter('dateTime', (value: Date | string | null | undefined) =>
    value ? londonDateTime.format(new Date(value)).replace(' at ', ', ') : '',
  );
  environment.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2));
  // Plain text with its web addresses made into links; everything else escaped.
  environment.addFilter('linkify', (value: unknown) => {
    const escapeHtml = environment.getFilter('escape') as (text: string) => { toString(): string };
    const escaped = escapeHtml(String(value ?? '')).toString();
    return new nunjucks.runtime.SafeString(
      escaped.replace(/https?:\/\/[^\s<"']+/g, (url: string) => `<a class="govuk-link" href="${url}">${url}</a>`),
    );
  });
  return environment;
}
