/**
 * The bundled dashboards rendered through the tenant wrapper in real Chromium: the harness page
 * `dashboard-queries` runs every panel, annotation and variable query of every dashboard through
 * TenantWrapperDataSource (tenant from the signed-in user's teams via GET /api/user/teams of a
 * FakeGrafana), which forwards to real Prometheus 2.42 holding tenants a and b. Each query must
 * return tenant a's data for a user of team-a and nothing of tenant b — also with `var-tenant=b`.
 */
import { readdirSync } from 'fs';
import path from 'path';

import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startTenantFixture, FIXTURE_CLUSTERS, type TenantFixture } from '../support/tenantFixture';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { seedAsAdmin, seedViewersAndTeams, seedWrapperOverPrometheus } from './support/seedGrafana';

interface QueryOutcome {
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  series?: Array<{ labels: Record<string, string>; points: number }>;
  values?: string[];
  error?: string;
}
interface PageResults {
  dashboards: string[];
  outcomes: QueryOutcome[];
  sent: string[];
}

const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';
const CLUSTERS_OF_B = new Set(FIXTURE_CLUSTERS.b);

let fixture: TenantFixture | undefined;
let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

const asAdmin = (method: string, url: string, body?: unknown) => seedAsAdmin(fake)(method, url, body);

beforeAll(async () => {
  fixture = await startTenantFixture();
  fake = new FakeGrafana();
  fake.installPlugin({ id: WRAPPER_TYPE, type: 'datasource', name: 'Tenant wrapper (Prometheus)' });
  await seedViewersAndTeams(fake, asAdmin, ['alice', 'bob', 'eve'], { 'team-a': ['alice', 'bob'], 'team-b': ['bob'] });
  await seedWrapperOverPrometheus(asAdmin, fixture.url, [
    { team: 'team-a', values: ['a'] },
    { team: 'team-b', values: ['b'] },
  ]);
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, prometheusUrl: fixture.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
  await fixture?.stop();
});

/** Opens the page as `login` (its Grafana session cookie) with the given variable values. */
async function runAs(login: string, vars: Record<string, string> = {}): Promise<PageResults> {
  const { context, page } = browser!;
  await context.clearCookies();
  await context.addCookies([{ name: 'grafana_session', value: fake.sessionFor(login), url: harness!.url }]);
  await browser!.open(
    harness!.pageUrl('dashboard-queries', { from: String(fixture!.start), to: String(fixture!.end), ...vars })
  );
  const done = page.locator('[data-testid="dashboard-query-results"], [data-testid="dashboard-query-failure"]');
  await done.first().waitFor({ state: 'attached', timeout: 60_000 });
  const failure = await page.locator('[data-testid="dashboard-query-failure"]').count();
  if (failure > 0) {
    throw new Error(
      `dashboard-queries page failed: ${await page.locator('[data-testid="dashboard-query-failure"]').textContent()}`
    );
  }
  browser!.assertHealthy();
  return JSON.parse((await page.locator('[data-testid="dashboard-query-results"]').textContent()) ?? '') as PageResults;
}

function bLeaks(o: QueryOutcome): string[] {
  const fromSeries = (o.series ?? [])
    .filter((s) => s.labels.tenant === 'b' || CLUSTERS_OF_B.has(s.labels.cluster))
    .map((s) => JSON.stringify(s.labels));
  const fromValues = (o.values ?? []).filter((v) => v === 'b' || CLUSTERS_OF_B.has(v));
  return [...fromSeries, ...fromValues];
}

function summary(o: QueryOutcome) {
  return {
    where: o.where,
    error: o.error,
    hasData: (o.series?.length ?? 0) + (o.values?.length ?? 0) > 0,
    bLeaks: bLeaks(o),
  };
}

test('the page covers every bundled dashboard', async () => {
  const results = await runAs('alice', { tenant: 'a' });
  const uids = readdirSync(path.resolve(__dirname, '..', '..', 'src', 'dashboards')).filter((f) => f.endsWith('.json'));
  expect(results.dashboards.length).toBe(uids.length);
  expect(results.outcomes.filter((o) => o.kind === 'panel').length).toBeGreaterThanOrEqual(30);
});

test("a user of team-a gets tenant a's data from every query and nothing of tenant b", async () => {
  const results = await runAs('alice', { tenant: 'a' });
  await browser!.screenshot('dashboards-through-wrapper');
  expect(results.outcomes.map(summary)).toEqual(
    results.outcomes.map((o) => ({ where: o.where, error: undefined, hasData: true, bLeaks: [] }))
  );
  const tenantVar = results.outcomes.filter((o) => o.where.endsWith('variable tenant'));
  expect(tenantVar.map((o) => o.values)).toEqual(tenantVar.map(() => ['a']));
  // Everything that reached Prometheus carried the tenant matcher the wrapper added.
  expect(results.sent.length).toBeGreaterThan(0);
  expect(results.sent.filter((q) => !q.includes('tenant="a"'))).toEqual([]);
});

test('var-tenant=b in the URL changes nothing for a user of team-a', async () => {
  const own = await runAs('alice', { tenant: 'a' });
  const forced = await runAs('alice', { tenant: 'b' });
  expect(forced.outcomes.map((o) => ({ where: o.where, bLeaks: bLeaks(o) }))).toEqual(
    forced.outcomes.map((o) => ({ where: o.where, bLeaks: [] }))
  );
  // Panels and annotations: the same series as with the viewer's own tenant.
  const shape = (r: PageResults) =>
    r.outcomes.filter((o) => o.kind !== 'variable').map((o) => ({ where: o.where, error: o.error, series: o.series }));
  expect(shape(own).filter((o) => o.error || !o.series?.length)).toEqual([]);
  expect(shape(forced)).toEqual(shape(own));
});

test('a forced cluster of tenant b returns no series at all', async () => {
  const forced = await runAs('alice', { tenant: 'b', cluster: 'b-1' });
  const panels = forced.outcomes.filter((o) => o.kind !== 'variable');
  expect(panels.map((o) => ({ where: o.where, error: o.error, series: o.series }))).toEqual(
    panels.map((o) => ({ where: o.where, error: undefined, series: [] }))
  );
});

test('a user of team-a and team-b sees both tenants in the tenant variable', async () => {
  const results = await runAs('bob', { tenant: 'a' });
  const tenantVar = results.outcomes.filter((o) => o.where.endsWith('variable tenant'));
  expect(tenantVar.map((o) => o.values?.sort())).toEqual(tenantVar.map(() => ['a', 'b']));
});

test('a user in no mapped team gets an error from every query and no data (fail closed)', async () => {
  const results = await runAs('eve', { tenant: 'a' });
  expect(results.sent).toEqual([]);
  expect(results.outcomes.filter((o) => !o.error || o.series?.length || o.values?.length).map((o) => o.where)).toEqual(
    []
  );
});
