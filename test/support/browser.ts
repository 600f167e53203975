import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Mailer } from '../../src/platform/mail.ts';
import { openTestDatabase, testConfig } from './test-app.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. CI sets REQUIRE_BROWSER so that they must. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.REQUIRE_BROWSER) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) to run the browser tests`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No network here: Chromium must not try to reach its update and sync services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The real service on a real port, as a browser sees it. */
export async function startServer(env: Record<string, string> = {}, mailer?: Mailer) {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const database = await openTestDatabase();
  const app = await buildApp({ config: testConfig({ BASE_URL: baseUrl, ...env }), database, mailer });
  await app.listen({ port, host: 'localhost' });
  return {
    baseUrl,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Fails with every WCAG 2.2 A/AA violation axe finds on the page as it is now. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await analyseSettledPage(page);
  const summary = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(summary, [], `${label} (${page.url()}) has accessibility violations`);
}

/**
 * A click that submits a form or follows a link returns once the navigation has begun, so axe can start on a
 * document that is being replaced. Such a run fails with no document or a destroyed context; it is run again
 * once the new page has loaded, a few times at most, so a real failure still shows.
 */
async function analyseSettledPage(page: Page, attemptsLeft = 3) {
  await page.waitForLoadState('load');
  try {
    return await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  } catch (error) {
    const replaced = /documentElement|Execution context was destroyed|navigat/i.test(String(error));
    if (!replaced || attemptsLeft <= 1) throw error;
    await page.waitForTimeout(100);
    return analyseSettledPage(page, attemptsLeft - 1);
  }
}

type Person = { email: string; password: string };

/** Signs in through the form on the page, which then sends the person on to `next`. */
export async function signIn(page: Page, baseUrl: string, person: Person, next: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email address').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
}

/** A page in a browser context of its own (its own cookies), signed in as the person and on `next`. */
export async function signedInPage(browser: Browser, baseUrl: string, person: Person, next: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await signIn(page, baseUrl, person, next);
  return page;
}
