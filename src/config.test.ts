import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('development defaults need no settings at all', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.databaseUrl, undefined);
  assert.ok(config.dataDir.endsWith('/data'));
  assert.equal(config.baseUrl, 'http://localhost:3000');
  assert.ok(config.sessionSecret.length >= 32);
});

test('every setting is read', () => {
  const config = loadConfig({
    PORT: '8080',
    DATA_DIR: '/var/lib/wc',
    DATABASE_URL: 'postgres://wc@db/wc',
    SMTP_URL: 'smtp://mail:25',
    BASE_URL: 'https://connections.example.org/',
    SESSION_SECRET: 'x'.repeat(40),
  });
  assert.equal(config.port, 8080);
  assert.equal(config.dataDir, '/var/lib/wc');
  assert.equal(config.databaseUrl, 'postgres://wc@db/wc');
  assert.equal(config.smtpUrl, 'smtp://mail:25');
  assert.equal(config.baseUrl, 'https://connections.example.org');
  assert.equal(config.sessionSecret, 'x'.repeat(40));
  assert.equal(config.secureCookies, true);
});

test('bad values are all listed at once, each saying what to fix', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'mail', SESSION_SECRET: 'short' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /PORT: PORT must be a whole number/);
      assert.match(error.message, /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//);
      assert.match(error.message, /SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//);
      assert.match(error.message, /SESSION_SECRET must be at least 32 characters/);
      return true;
    },
  );
});

test('production refuses to start without a session secret and a base URL', () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /SESSION_SECRET: must be set in production/);
      assert.match(error.message, /BASE_URL: must be set in production/);
      return true;
    },
  );
  const config = loadConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: 's'.repeat(32),
    BASE_URL: 'https://wc.example.org',
  });
  assert.equal(config.env, 'production');
});

test('plain HTTP on a public host turns secure cookies off; localhost keeps them', () => {
  assert.equal(loadConfig({ BASE_URL: 'http://intranet.example:3000' }).secureCookies, false);
  assert.equal(loadConfig({ BASE_URL: 'http://localhost:3000' }).secureCookies, true);
});
