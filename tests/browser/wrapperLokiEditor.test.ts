/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * The tenant wrapper's query editor in real Chromium when its target is a Loki data source: the
 * target's type in Grafana's data source list picks a LogQL field with Loki's options (query type,
 * line limit) instead of the PromQL editor, and shows the tenant the query will be pinned to.
 * Label suggestions inside stream selectors come from the fake Loki (tests/wrapper/support/
 * fakeLoki.ts) behind the target's resource route, through the wrapper's pinned metadata calls.
 * Users, teams and data sources live in a FakeGrafana.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { fixtureStreams, startFakeLoki, type FakeLoki, type FixtureStream } from '../wrapper/support/fakeLoki';
import { lokiProblems } from '../wrapper/support/lokiPinning';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { seedAsAdmin, seedViewersAndTeams } from './support/seedGrafana';

const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';

/** A stream only tenant b has, with a label no tenant-a stream carries. */
const TENANT_B_ONLY: FixtureStream = {
  labels: { tenant: 'b', app: 'billing', b_only: 'yes' },
  lines: [['1704067260000000000', 'level=info app=billing tenant=b msg="started"']],
};

let loki: FakeLoki | undefined;
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
  loki = await startFakeLoki([...fixtureStreams(), TENANT_B_ONLY]);
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, lokiUrl: loki.url });
  browser = await launchBrowser({ viewport: { width: 1280, height: 1200 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
  await loki?.stop();
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

test("label suggestions: tenant a's label names after `{`, tenant a's apps after `app=\"`, all pinned", async () => {
  loki!.requests.length = 0;
  await openAs('alice', '');
  const { page } = browser!;
  await page.getByText('This query will be limited to tenant = "a" (teams: team-a).').waitFor({ timeout: 20_000 });
  const editor = page.locator('[data-testid="tenantwrapper-logql-editor"] .cm-content');
  const options = page.locator('.cm-tooltip-autocomplete li');

  await editor.click();
  await page.keyboard.type('{');
  await options.first().waitFor({ timeout: 20_000 });
  // Tenant a's streams carry app, env, pod (and tenant, which the wrapper pins itself);
  // `b_only` exists only in a tenant-b stream.
  expect(await options.allTextContents()).toEqual(['app', 'env', 'pod']);
  await browser!.screenshot('wrapper-loki-label-names');

  await page.keyboard.type('app="');
  await page.locator('.cm-tooltip-autocomplete li', { hasText: 'web' }).waitFor({ timeout: 20_000 });
  // Tenant b's apps are api, db, billing; tenant c's api: only a's apps may show.
  expect(await options.allTextContents()).toEqual(['api', 'web']);
  await browser!.screenshot('wrapper-loki-label-values');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  expect(await editor.textContent()).toBe('{app="web"}');
  expect((await queryJson()).query).toMatchObject({ expr: '{app="web"}' });

  const asked = loki!.requests.filter((r) => r.path !== '/loki/api/v1/query_range' && r.path !== '/loki/api/v1/query');
  expect(asked.map((r) => r.path)).toEqual(
    expect.arrayContaining(['/loki/api/v1/labels', '/loki/api/v1/label/app/values'])
  );
  expect(loki!.requests.length).toBeGreaterThan(0);
  expect(lokiProblems(loki!.requests, 'tenant', ['a'])).toEqual([]);
  browser!.assertHealthy();
}, 60_000);

test('a user in no mapped team sees the denial with the fix and gets no suggestions', async () => {
  loki!.requests.length = 0;
  await openAs('eve', '{app="api"}');
  const { page } = browser!;
  await page
    .getByText('Ask an admin to add you to a team mapped in data source "Tenant wrapper"')
    .waitFor({ timeout: 20_000 });
  const editor = page.locator('[data-testid="tenantwrapper-logql-editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' or {');
  await page.keyboard.press('Control+Space');
  // Give a would-be completion request time to go out and come back.
  await page.waitForTimeout(1000);
  expect(await page.locator('.cm-tooltip-autocomplete li').count()).toBe(0);
  expect(loki!.requests).toEqual([]);
  const sent = (await page.evaluate(() => window.__harnessBackendRequests ?? [])) as Array<{ url: string }>;
  expect(sent.filter((r) => r.url.includes('/resources/') || r.url.startsWith('/api/datasources/proxy/'))).toEqual([]);
}, 60_000);
