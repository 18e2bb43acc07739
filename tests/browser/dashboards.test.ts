/**
 * The bundled dashboards rendered through the tenant wrapper in real Chromium: the harness page
 * `dashboard-queries` runs every panel, annotation and variable query of every dashboard through
 * TenantWrapperDataSource (tenant from the signed-in user's teams via GET /api/user/teams of a
 * FakeGrafana). The PromQL dashboards' wrapper forwards to real Prometheus 2.42 holding tenants a
 * and b; the logs dashboard's wrapper forwards to a recording fake Loki (no Loki binary here) with
 * streams of tenants a, b and c, which answers by the stream selectors it receives. Each query must
 * return tenant a's data for a user of team-a and nothing of another tenant — also with
 * `var-tenant=b`; what reached Loki is re-parsed with lezer-logql and checked pinned.
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startTenantFixture, FIXTURE_CLUSTERS, type TenantFixture } from '../support/tenantFixture';
import { startFakeLoki, streamsByLevel, type FakeLoki } from '../wrapper/support/fakeLoki';
import { lokiProblems } from '../wrapper/support/lokiPinning';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import {
  seedAsAdmin,
  seedViewersAndTeams,
  seedWrapperOverLoki,
  seedWrapperOverPrometheus,
} from './support/seedGrafana';

interface QueryOutcome {
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  dashboard: string;
  language: 'prometheus' | 'loki';
  series?: Array<{ labels: Record<string, string>; points: number }>;
  lines?: string[];
  values?: string[];
  error?: string;
}
interface PageResults {
  dashboards: string[];
  outcomes: QueryOutcome[];
  sent: string[];
  sentLoki: string[];
}

const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';
const CLUSTERS_OF_B = new Set(FIXTURE_CLUSTERS.b);
/** The fake Loki's streams: tenants a, b, c, one stream per app and level; every line names its tenant. */
const LOKI_STREAMS = streamsByLevel();
const LOGS_PANELS = 5;
const LOGS_VARIABLES = ['tenant', 'app', 'level'];

let fixture: TenantFixture | undefined;
let loki: FakeLoki | undefined;
let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

const asAdmin = (method: string, url: string, body?: unknown) => seedAsAdmin(fake)(method, url, body);

beforeAll(async () => {
  fixture = await startTenantFixture();
  loki = await startFakeLoki(LOKI_STREAMS);
  fake = new FakeGrafana();
  fake.installPlugin({ id: WRAPPER_TYPE, type: 'datasource', name: 'Tenant wrapper (Prometheus)' });
  await seedViewersAndTeams(fake, asAdmin, ['alice', 'bob', 'eve'], { 'team-a': ['alice', 'bob'], 'team-b': ['bob'] });
  await seedWrapperOverPrometheus(asAdmin, fixture.url, [
    { team: 'team-a', values: ['a'] },
    { team: 'team-b', values: ['b'] },
  ]);
  await seedWrapperOverLoki(asAdmin, loki.url, [
    { team: 'team-a', values: ['a'] },
    { team: 'team-b', values: ['b'] },
  ]);
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, prometheusUrl: fixture.url, lokiUrl: loki.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
  await loki?.stop();
  await fixture?.stop();
});

/**
 * Opens the page as `login` (its Grafana session cookie) with the given variable values; the fake
 * Loki's record then holds exactly this run's requests.
 */
async function runAs(login: string, vars: Record<string, string> = {}): Promise<PageResults> {
  const { context, page } = browser!;
  loki!.requests.length = 0;
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

const promOutcomes = (r: PageResults) => r.outcomes.filter((o) => o.language === 'prometheus');
const logsOutcomes = (r: PageResults) => r.outcomes.filter((o) => o.language === 'loki');
const uniq = (xs: string[]) => [...new Set(xs)].sort();
const labelSets = (xs: Array<Record<string, string>>) => uniq(xs.map((l) => JSON.stringify(l)));

/** What tenant(s) `tenants` may see of the fake Loki, computed from the fixture (not from its answers). */
function lokiExpectations(tenants: string[]) {
  const own = LOKI_STREAMS.filter((s) => tenants.includes(s.labels.tenant));
  return {
    streams: labelSets(own.map((s) => s.labels)),
    lines: own.flatMap((s) => s.lines.map(([, line]) => line)).sort(),
    values: Object.fromEntries(LOGS_VARIABLES.map((name) => [name, uniq(own.map((s) => s.labels[name]))])),
  };
}

/** Per logs query: its error, the streams (label sets) it returned, its lines or its variable values. */
function logsView(o: QueryOutcome) {
  return {
    where: o.where,
    error: o.error,
    streams: labelSets((o.series ?? []).map((x) => x.labels)),
    lines: o.lines ? [...o.lines].sort() : undefined,
    values: o.values ? [...o.values].sort() : undefined,
  };
}

/** The view every logs query must have for a viewer of `tenants`. */
function expectedLogsView(o: QueryOutcome, tenants: string[]) {
  const want = lokiExpectations(tenants);
  const variable = o.kind === 'variable' ? o.where.split(' ').pop()! : undefined;
  return {
    where: o.where,
    error: undefined,
    streams: variable ? [] : want.streams,
    lines: o.where.includes('"Logs"') ? want.lines : undefined,
    values: variable ? want.values[variable] : undefined,
  };
}

/** Whatever a logs query returned that `tenants` may not see: other tenants' streams, lines and label values. */
function foreignLogs(o: QueryOutcome, tenants: string[]): string[] {
  const allowed = lokiExpectations(tenants);
  const variable = o.kind === 'variable' ? o.where.split(' ').pop()! : undefined;
  return [
    ...(o.series ?? []).filter((x) => !tenants.includes(x.labels.tenant)).map((x) => JSON.stringify(x.labels)),
    ...(o.lines ?? []).filter((line) => !tenants.some((t) => line.includes(` tenant=${t} `))),
    ...(o.values ?? []).filter((v) => !variable || !allowed.values[variable].includes(v)),
  ];
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
  const dir = path.resolve(__dirname, '..', '..', 'src', 'dashboards');
  const bundled = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { uid: string }).uid);
  expect(bundled.length).toBe(4);
  expect([...results.dashboards].sort()).toEqual([...bundled].sort());
  // Every dashboard ran panel queries, through the wrapper of its own language.
  const panelsOf = (uid: string) => results.outcomes.filter((o) => o.dashboard === uid && o.kind === 'panel');
  expect(bundled.filter((uid) => panelsOf(uid).length === 0)).toEqual([]);
  expect(results.outcomes.filter((o) => o.kind === 'panel').length).toBeGreaterThanOrEqual(30);
  expect(logsOutcomes(results).map((o) => o.dashboard)).toEqual(
    logsOutcomes(results).map(() => 'mtlabs-tenant-logs-overview')
  );
  expect(logsOutcomes(results).filter((o) => o.kind === 'panel').length).toBe(LOGS_PANELS);
  expect(
    logsOutcomes(results)
      .filter((o) => o.kind === 'variable')
      .map((o) => o.where.split(' ').pop())
  ).toEqual(LOGS_VARIABLES);
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

test("the logs dashboard as a user of team-a: every selector that reached Loki is pinned to a, every answer is tenant a's", async () => {
  const results = await runAs('alice', { tenant: 'a' });
  const logs = logsOutcomes(results);
  expect(logs.map(logsView)).toEqual(logs.map((o) => expectedLogsView(o, ['a'])));
  // Tenant a's fixture has streams, lines and more than one app and level: the checks above can see a leak.
  const want = lokiExpectations(['a']);
  expect([want.streams.length, want.values.app.length, want.values.level.length]).toEqual([4, 2, 2]);
  expect(lokiExpectations(['a', 'b', 'c']).values.app).toEqual(['api', 'db', 'web']);
  // What reached the fake Loki: one query per panel, one label-values call per variable, all pinned.
  const paths = loki!.requests.map((r) => r.path.replace(/\/label\/\w+\/values$/, '/label/<name>/values'));
  expect(paths.sort()).toEqual(
    [
      ...Array(4).fill('/loki/api/v1/query_range'),
      '/loki/api/v1/query',
      ...Array(3).fill('/loki/api/v1/label/<name>/values'),
    ].sort()
  );
  expect(lokiProblems(loki!.requests, 'tenant', ['a'])).toEqual([]);
  expect(results.sentLoki.length).toBe(LOGS_PANELS);
});

test('var-tenant=b in the URL changes no panel and shows nothing of tenant b to a user of team-a', async () => {
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
  // The logs dashboard: every selector that reached Loki pinned to a; its panels return exactly
  // tenant a's streams and lines. Its variables' stream selectors get the tenant matcher added to
  // the forced `tenant=~"b"` (prom-label-proxy's match[] rule), so they list nothing — never b's.
  expect(lokiProblems(loki!.requests, 'tenant', ['a'])).toEqual([]);
  expect(loki!.requests.length).toBe(LOGS_PANELS + LOGS_VARIABLES.length);
  const logs = logsOutcomes(forced);
  expect(logs.map((o) => ({ where: o.where, foreign: foreignLogs(o, ['a']) }))).toEqual(
    logs.map((o) => ({ where: o.where, foreign: [] }))
  );
  const panels = (r: PageResults) => logsOutcomes(r).filter((o) => o.kind === 'panel');
  expect(panels(forced).map(logsView)).toEqual(panels(own).map(logsView));
  expect(panels(forced).map(logsView)).toEqual(panels(forced).map((o) => expectedLogsView(o, ['a'])));
  expect(logs.find((o) => o.where.endsWith('variable tenant'))?.values).toEqual(['a']);
});

test('a forced cluster of tenant b returns no series at all', async () => {
  const forced = await runAs('alice', { tenant: 'b', cluster: 'b-1' });
  // The logs dashboard has no cluster variable (its forced tenant is covered above).
  const panels = promOutcomes(forced).filter((o) => o.kind !== 'variable');
  expect(panels.map((o) => ({ where: o.where, error: o.error, series: o.series }))).toEqual(
    panels.map((o) => ({ where: o.where, error: undefined, series: [] }))
  );
});

test('a user of team-a and team-b sees both tenants in the tenant variable', async () => {
  const results = await runAs('bob', { tenant: 'a' });
  const tenantVar = results.outcomes.filter((o) => o.where.endsWith('variable tenant'));
  expect(tenantVar.map((o) => o.values?.sort())).toEqual(tenantVar.map(() => ['a', 'b']));
  expect(tenantVar.map((o) => o.language).sort()).toEqual(['loki', 'prometheus', 'prometheus', 'prometheus']);
  expect(lokiProblems(loki!.requests, 'tenant', ['a', 'b'])).toEqual([]);
  expect(logsOutcomes(results).map((o) => ({ where: o.where, foreign: foreignLogs(o, ['a', 'b']) }))).toEqual(
    logsOutcomes(results).map((o) => ({ where: o.where, foreign: [] }))
  );
});

test('a user in no mapped team gets an error from every query and no data (fail closed)', async () => {
  const results = await runAs('eve', { tenant: 'a' });
  expect(results.sent).toEqual([]);
  expect(loki!.requests.map((r) => `${r.path}?${r.query}`)).toEqual([]);
  expect(results.sentLoki).toEqual([]);
  expect(logsOutcomes(results).length).toBe(LOGS_PANELS + LOGS_VARIABLES.length);
  expect(results.outcomes.filter((o) => !o.error || o.series?.length || o.values?.length).map((o) => o.where)).toEqual(
    []
  );
});
