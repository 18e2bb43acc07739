/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * The tenant wrapper's query editor in real Chromium when its target is a Loki data source: the
 * target's type in Grafana's data source list picks a LogQL field with Loki's options (query type,
 * line limit) instead of the PromQL editor, and shows the tenant the query will be pinned to.
 * Users, teams and data sources live in a FakeGrafana.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { seedAsAdmin, seedViewersAndTeams } from './support/seedGrafana';

const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';

let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

const asAdmin = (method: string, url: string, body?: unknown) => seedAsAdmin(fake)(method, url, body);

beforeAll(async () => {
  fake = new FakeGrafana();
  fake.installPlugin({ id: WRAPPER_TYPE, type: 'datasource', name: 'Tenant wrapper' });
  await seedViewersAndTeams(fake, asAdmin, ['alice', 'eve'], { 'team-a': ['alice'] });
  await asAdmin('POST', '/api/datasources', {
    name: 'Central Loki',
    type: 'loki',
    uid: 'loki',
    access: 'proxy',
    url: 'http://127.0.0.1:9/',
  });
  await asAdmin('POST', '/api/datasources', {
    name: 'Tenant wrapper',
    type: WRAPPER_TYPE,
    uid: 'tenant-wrapper',
    access: 'proxy',
    jsonData: { targetUid: 'loki', tenantLabel: 'tenant', teamMappings: [{ team: 'team-a', values: ['a'] }] },
  });
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url });
  browser = await launchBrowser({ viewport: { width: 1280, height: 1200 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

async function openAs(login: string, expr: string) {
  const { context } = browser!;
  await context.clearCookies();
  await context.addCookies([{ name: 'grafana_session', value: fake.sessionFor(login), url: harness!.url }]);
  await browser!.open(harness!.pageUrl('wrapper-editors', { from: '1704067200', to: '1704070800', expr }));
  await browser!.page.getByTestId('wrapper-query-editor').waitFor({ timeout: 30_000 });
}

const queryJson = async () =>
  JSON.parse((await browser!.page.getByTestId('wrapper-query-json').textContent()) ?? '{}') as {
    query: Record<string, unknown>;
    runs: number;
  };

test('a Loki target gets the LogQL field, Loki options and the tenant line', async () => {
  await openAs('alice', '{app="api"} |= "error"');
  const { page } = browser!;
  await page.getByText('This query will be limited to tenant = "a" (teams: team-a).').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('tenantwrapper-promql-editor').count()).toBe(0);
  const editor = page.locator('[data-testid="tenantwrapper-logql-editor"] .cm-content');
  expect(await editor.textContent()).toBe('{app="api"} |= "error"');

  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' | logfmt');
  await page.getByLabel('Line limit').fill('25');
  await page.getByRole('radio', { name: 'Instant' }).click({ force: true });
  const { query, runs } = await queryJson();
  expect(query).toMatchObject({ expr: '{app="api"} |= "error" | logfmt', maxLines: 25, queryType: 'instant' });
  expect(runs).toBeGreaterThan(0);
  browser!.assertHealthy();
  await browser!.screenshot('wrapper-loki-query-editor');
}, 60_000);

test('a user in no mapped team sees the denial with the fix', async () => {
  await openAs('eve', '{app="api"}');
  const { page } = browser!;
  await page
    .getByText('Ask an admin to add you to a team mapped in data source "Tenant wrapper"')
    .waitFor({ timeout: 20_000 });
  const sent = (await page.evaluate(() => window.__harnessBackendRequests ?? [])) as Array<{ url: string }>;
  expect(sent.filter((r) => r.url.includes('/resources/') || r.url.startsWith('/api/datasources/proxy/'))).toEqual([]);
}, 60_000);
