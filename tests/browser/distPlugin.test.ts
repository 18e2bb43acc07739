/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * Issue 3: the BUILT plugin in real Chromium — `dist/module.js` (app) and
 * `dist/datasource/module.js` (nested data source), the AMD files `npm run build` emits and Grafana
 * loads, served under /public/plugins/<id>/ and loaded by the harness's AMD loader with every
 * webpack external bound to the harness's React / @grafana/* instances (page `dist-plugin`).
 * Against a FakeGrafana: the Tenants page (lazy chunks through the public-path trick) parses a spec
 * and plans, the config page shows the org's settings, and the data source's config editor and
 * query editor work, including the "limited to tenant" line. A missing dist/ or an unprovided
 * external fails with a message naming the fix.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { DEFAULT_PLUGIN_DIST_DIR, PLUGIN_PUBLIC_PATH } from './harness/server';
import { launchBrowser, type BrowserSession } from './support/browser';
import { ADMIN_AUTH, seedAsAdmin } from './support/seedGrafana';

const APP_ID = 'mtlabs-tenancy-app';
const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';
const TIMEOUT = 60_000;
const BUILT_FILES = ['plugin.json', 'module.js', 'datasource/plugin.json', 'datasource/module.js'];

const ONE_TENANT = `version: 1
label: tenant
defaults:
  datasource:
    mode: proxy
    tenantVia: query-param
    url: http://proxy.invalid:9091
tenants:
  - id: acme
    labelValues: [acme]
    orgName: Acme
    teams:
      - name: acme-ops
        members: [{ login: alice }]
`;

let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;
/** Every response for the built plugin's files, as `<status> <path>`. */
const pluginResponses: string[] = [];

const asAdmin = (method: string, url: string, body?: unknown) => seedAsAdmin(fake)(method, url, body);

beforeAll(async () => {
  const missing = BUILT_FILES.filter((f) => !existsSync(path.join(DEFAULT_PLUGIN_DIST_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `The built plugin is missing ${missing.map((f) => `dist/${f}`).join(', ')}: run npm run build first ` +
        `(this test loads the webpack output Grafana loads, not the sources)`
    );
  }
  fake = new FakeGrafana();
  fake.installPlugin({ id: WRAPPER_TYPE, type: 'datasource', name: 'Tenant wrapper (Prometheus)' });
  const alice = fake.createUser({ login: 'alice', role: 'Viewer' });
  const { teamId } = await asAdmin('POST', '/api/teams', { name: 'team-a' });
  await asAdmin('POST', `/api/teams/${teamId}/members`, { userId: alice.id });
  await asAdmin('POST', `/api/plugins/${APP_ID}/settings`, {
    enabled: true,
    pinned: true,
    jsonData: { tenantLabel: 'customer' },
  });
  await asAdmin('POST', '/api/datasources', {
    name: 'Central Prometheus',
    type: 'prometheus',
    uid: 'prom',
    access: 'proxy',
    url: 'http://prometheus.invalid:9090',
  });
  await asAdmin('POST', '/api/datasources', {
    name: 'Tenant wrapper',
    type: WRAPPER_TYPE,
    uid: 'tenant-wrapper',
    access: 'proxy',
    jsonData: { targetUid: 'prom', tenantLabel: 'tenant', teamMappings: [{ team: 'team-a', values: ['a'] }] },
  });
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
  browser = await launchBrowser({ viewport: { width: 1400, height: 1000 } });
  browser.page.on('response', (res) => {
    const { pathname } = new URL(res.url());
    if (pathname.startsWith(PLUGIN_PUBLIC_PATH)) {
      pluginResponses.push(`${res.status()} ${pathname.slice(PLUGIN_PUBLIC_PATH.length)}`);
    }
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

async function openAs(login: 'admin' | 'alice', params: Record<string, string>) {
  const { context } = browser!;
  await context.clearCookies();
  if (login !== 'admin') {
    await context.addCookies([{ name: 'grafana_session', value: fake.sessionFor(login), url: harness!.url }]);
  }
  pluginResponses.length = 0;
  await browser!.open(harness!.pageUrl('dist-plugin', params));
}

async function source(page: Page) {
  const el = page.getByTestId('dist-plugin-source');
  await el.waitFor({ timeout: TIMEOUT });
  return { uri: await el.getAttribute('data-module-uri'), text: (await el.textContent()) ?? '' };
}

test('dist/module.js: the root page redirects to Tenants, whose lazy chunks load beside the module and which plans', async () => {
  const { page } = browser!;
  await openAs('admin', { view: 'app', path: `/a/${APP_ID}` });
  await page.getByTestId('tenants-page').waitFor({ timeout: TIMEOUT });
  const loaded = await source(page);
  expect(loaded.uri).toBe(`${harness!.url}${PLUGIN_PUBLIC_PATH}module.js`);
  for (const external of ['module', 'react', '@grafana/data', '@grafana/ui', '@grafana/runtime']) {
    expect(loaded.text).toContain(external);
  }
  // webpack's chunk loader took its public path from module.uri: the chunks came from dist/.
  const chunks = pluginResponses.filter((r) => /^\d{3} \d+\.js$/.test(r));
  expect(chunks.length).toBeGreaterThan(0);
  expect(chunks.every((r) => r.startsWith('200 '))).toBe(true);
  expect(pluginResponses).toContain('200 module.js');

  await page.getByTestId('spec-text').fill('version: 1\ntenants:\n  - id: a\n    labelValues: []\n    orgName: A\n');
  await page.getByTestId('spec-error').first().waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('spec-error').first().textContent()).toContain('tenants[0].labelValues');

  await page.getByTestId('spec-text').fill(ONE_TENANT);
  await page.getByText('Valid spec, 1 tenant').waitFor({ timeout: TIMEOUT });
  await page.getByRole('button', { name: 'Plan' }).click();
  const card = page.getByTestId('plan-tenant-acme');
  await card.waitFor({ timeout: TIMEOUT });
  expect(await card.locator('[data-action="create"]').count()).toBeGreaterThan(0);
  browser!.assertHealthy();
  await browser!.screenshot('dist-app-tenants');
});

test('dist/module.js: the config page shows the org settings Grafana passes in the plugin meta', async () => {
  const { page } = browser!;
  await openAs('admin', { view: 'config' });
  await page.getByTestId('app-config').waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('dist-config-title').textContent()).toBe('Configuration');
  expect(await page.getByText('Security model').count()).toBe(1);
  // jsonData seeded through POST /api/plugins/<id>/settings, not the default "tenant".
  expect(await page.locator('#tenancy-tenant-label').inputValue()).toBe('customer');
  browser!.assertHealthy();
  await browser!.screenshot('dist-app-config');
});

test('dist/datasource/module.js: config editor edits jsonData; query editor shows the tenant line', async () => {
  const { page } = browser!;
  await openAs('alice', { view: 'datasource', uid: 'tenant-wrapper', expr: 'up{job="api"}' });
  await page.getByTestId('dist-ds-config-editor').waitFor({ timeout: TIMEOUT });
  const loaded = await source(page);
  expect(loaded.uri).toBe(`${harness!.url}${PLUGIN_PUBLIC_PATH}datasource/module.js`);

  await page.getByText('Team → tenant mapping').waitFor({ timeout: TIMEOUT });
  expect(await page.getByLabel('Team name 1').inputValue()).toBe('team-a');
  await page.getByRole('button', { name: 'Add team' }).click();
  await page.getByLabel('Team name 2').fill('platform');
  await page.getByTestId('dist-ds-config-json').filter({ hasText: '"team":"platform"' }).waitFor({ timeout: TIMEOUT });

  await page.getByText('This query will be limited to tenant = "a" (teams: team-a).').waitFor({ timeout: TIMEOUT });
  expect(await page.locator('[data-testid="dist-ds-query-editor"] .cm-content').textContent()).toBe('up{job="api"}');
  browser!.assertHealthy();
  await browser!.screenshot('dist-datasource');
});

describe('fails closed', () => {
  let emptyDist: string;
  let broken: HarnessServer | undefined;

  beforeAll(async () => {
    emptyDist = mkdtempSync(path.join(os.tmpdir(), 'tenancy-dist-'));
    broken = await startHarness({ grafanaUrl: grafana!.url, grafanaAuth: ADMIN_AUTH, pluginDistDir: emptyDist });
  });

  afterAll(async () => {
    await broken?.stop();
    rmSync(emptyDist, { recursive: true, force: true });
  });

  /** Opens the page in a second tab (the session's tab must stay error-free) and returns its first error. */
  async function firstPageError(url: string): Promise<string> {
    const tab = await browser!.context.newPage();
    try {
      const error = tab.waitForEvent('pageerror', { timeout: TIMEOUT });
      await tab.goto(url);
      return (await error).message;
    } finally {
      await tab.close();
    }
  }

  test.each([
    ['a missing dist/', {}, /plugin\.json not found in .*: run npm run build first/],
    [
      'an external the harness does not provide',
      {
        'plugin.json': JSON.stringify({ id: APP_ID, type: 'app', name: 'x' }),
        'module.js': 'define(["jquery", "react"], function () { return {}; });',
      },
      /needs the external "jquery", which the harness does not provide/,
    ],
    [
      'a module whose plugin is not an AppPlugin',
      {
        'plugin.json': JSON.stringify({ id: APP_ID, type: 'app', name: 'x' }),
        'module.js': 'define(["module"], function () { return { plugin: {} }; });',
      },
      /exports "plugin" as Object, not an AppPlugin/,
    ],
  ])('%s', async (_name, files: Record<string, string>, message) => {
    for (const [file, text] of Object.entries(files)) {
      writeFileSync(path.join(emptyDist, file), text);
    }
    expect(await firstPageError(broken!.pageUrl('dist-plugin', { view: 'app' }))).toMatch(message);
  });
});
