/** @jest-environment node */
import { createProxy, parseProxyArgs, type Proxy } from '../../proxy';
import { silentLogger } from '../../proxy/log';
import {
  createEnforcer,
  enforceGrafanaQuery,
  enforceQuery,
  enforceSeriesSelector,
  type Enforcer,
} from '../../src/promql';
import { startTenantFixture, FIXTURE_CLUSTERS, FIXTURE_STEP, type TenantFixture } from '../support/tenantFixture';
import { contextFor, type Selection } from './support/context';
import { dashboardQueries, loadDashboards, type DashboardQuery } from './support/dashboards';
import { interpolate } from './support/interpolate';
import { canonical, instantQuery, labelValues, rangeQuery, type Series } from './support/prometheusApi';
import { parseVariableQuery } from './support/promqlTree';

/**
 * The bundled dashboards against real Prometheus 2.42 holding tenants a and b (two clusters each)
 * and untenanted series: every query enforced for viewer a returns tenant a's data and nothing of b,
 * also when the URL forces `var-tenant=b` or one of b's clusters; the tenant variable offers only the
 * viewer's tenants. The queries go to the Prometheus HTTP API exactly as the enforcing proxy would
 * forward them.
 */

jest.setTimeout(120_000);

const dashboards = loadDashboards('prometheus').map((d) => d.json);
const byUid = new Map(dashboards.map((d) => [d.uid, d]));
const all = dashboards.flatMap((d) => dashboardQueries(d));
const panelQueries = all.filter((q) => q.kind !== 'variable').map((q) => [q.where, q] as [string, DashboardQuery]);
const variableQueries = all.filter((q) => q.kind === 'variable').map((q) => [q.where, q] as [string, DashboardQuery]);

const STEP = 60;
const RANGE = { rangeSeconds: 3600, intervalSeconds: STEP, scrapeIntervalSeconds: FIXTURE_STEP };
const VIEWER_A = createEnforcer({ label: 'tenant', values: ['a'] });
const CLUSTERS_OF_B = new Set(FIXTURE_CLUSTERS.b);

let fixture: TenantFixture;
/** The enforcing proxy of a tenant org for tenant a (prom-label-proxy flags), in front of the fixture. */
let proxy: Proxy | undefined;
let proxyUrl: string;
beforeAll(async () => {
  fixture = await startTenantFixture();
  proxy = createProxy(
    parseProxyArgs([
      '--upstream',
      fixture.url,
      '--label',
      'tenant',
      '--label-value',
      'a',
      // Grafana resolves label_values() with the label values API, which prom-label-proxy serves only
      // with this flag: a tenant org's dashboards need it.
      '--enable-label-apis',
      '--insecure-listen-address',
      '127.0.0.1:0',
    ]),
    { logger: silentLogger }
  );
  proxyUrl = (await proxy.listen()).url;
});
afterAll(async () => {
  await proxy?.close();
  await fixture?.stop();
});

function textFor(q: DashboardQuery, selection: Selection, tenantOptions: readonly string[] = ['a']): string {
  return interpolate(q.expr, contextFor(byUid.get(q.dashboard)!, selection, { tenant: tenantOptions }, RANGE));
}

/** Evaluates a panel/annotation query (after interpolation) the way Grafana would request it. */
async function evaluate(q: DashboardQuery, promql: string, baseUrl = fixture.url): Promise<Series[]> {
  return q.instant
    ? instantQuery(baseUrl, promql, fixture.time)
    : rangeQuery(baseUrl, promql, fixture.start, fixture.end, STEP);
}

/** Series that show something of tenant b: its tenant label or one of its clusters. */
function leaksOfB(series: Series[]): Series[] {
  return series.filter((s) => s.metric.tenant === 'b' || CLUSTERS_OF_B.has(s.metric.cluster));
}

describe.each(panelQueries)('%s', (_where, q) => {
  it("returns tenant a's data for viewer a, and none of b's series", async () => {
    const result = await evaluate(q, enforceQuery(textFor(q, { tenant: ['a'] }), VIEWER_A));
    expect(result.length).toBeGreaterThan(0);
    expect(result.every((s) => s.values.length > 0)).toBe(true);
    expect(leaksOfB(result)).toEqual([]);
  });

  it('returns the same answer when the URL forces var-tenant=b (enforcement ignores the variable)', async () => {
    const own = await evaluate(q, enforceQuery(textFor(q, { tenant: ['a'] }), VIEWER_A));
    const forced = await evaluate(q, enforceQuery(textFor(q, { tenant: ['b'] }), VIEWER_A));
    expect(leaksOfB(forced)).toEqual([]);
    expect(canonical(forced)).toEqual(canonical(own));
  });

  it('gives the same answer when the raw Grafana text is enforced before interpolation', async () => {
    const own = await evaluate(q, enforceQuery(textFor(q, { tenant: ['a'] }), VIEWER_A));
    const rawFirst = { ...q, expr: enforceGrafanaQuery(q.expr, VIEWER_A) };
    const viaRaw = await evaluate(q, textFor(rawFirst, { tenant: ['b'] }));
    expect(canonical(viaRaw)).toEqual(canonical(own));
  });

  it("returns the same through the tenant org's enforcing proxy, var-tenant=b included", async () => {
    const own = await evaluate(q, enforceQuery(textFor(q, { tenant: ['a'] }), VIEWER_A));
    // Grafana's Prometheus data source sends the interpolated text unenforced; the proxy enforces.
    for (const tenant of ['a', 'b']) {
      const viaProxy = await evaluate(q, textFor(q, { tenant: [tenant] }), proxyUrl);
      expect(leaksOfB(viaProxy)).toEqual([]);
      expect(canonical(viaProxy)).toEqual(canonical(own));
    }
  });

  it("returns nothing when the URL forces one of b's clusters", async () => {
    const forced = await evaluate(q, enforceQuery(textFor(q, { tenant: ['b'], cluster: ['b-1'] }), VIEWER_A));
    expect(forced).toEqual([]);
  });

  it("would show b's data without enforcement (the checks above can fail)", async () => {
    const own = canonical(await evaluate(q, enforceQuery(textFor(q, { tenant: ['a'] }), VIEWER_A)));
    const forcedB = await evaluate(q, textFor(q, { tenant: ['b'] }));
    const bothTenants = await evaluate(q, textFor(q, {}, ['a', 'b']));
    const showsOthers =
      leaksOfB(forcedB).length + leaksOfB(bothTenants).length > 0 ||
      [forcedB, bothTenants].some((r) => JSON.stringify(canonical(r)) !== JSON.stringify(own));
    expect(forcedB.length).toBeGreaterThan(0);
    // A few aggregates give the same number for a and b because the fixture's tenants are built
    // alike; for those the equality checks above cannot tell, which this pins down explicitly.
    expect({ query: q.where, showsOthers }).toEqual({ query: q.where, showsOthers: !TENANT_SYMMETRIC.has(q.where) });
  });
});

/** Queries whose answer is the same for tenants a and b in the fixture (so no leak is visible in values). */
const TENANT_SYMMETRIC = new Set([
  // Ratio of targets up: each tenant has 9 of 10 targets up.
  'mtlabs-tenant-overview panel 3 "Scrape success" A',
  // Maximum lag: every tenant's second cluster lags 4 s (tenantFixtureData: t - 3 - clusterIndex).
  'mtlabs-agent-remote-write panel 2 "Highest lag" A',
]);

/** Resolves a label_values() variable query as Grafana's Prometheus data source does (label values API with match[]). */
async function resolveVariable(
  q: DashboardQuery,
  selection: Selection,
  enforcer: Enforcer | undefined,
  tenantOptions?: readonly string[]
): Promise<string[]> {
  const v = parseVariableQuery(textFor(q, selection, tenantOptions));
  if (v.fn !== 'label_values' || v.selector === undefined) {
    throw new Error(
      `${q.where}: only label_values(selector, label) variable queries are resolved by this test; got ${q.expr}`
    );
  }
  const match = enforcer ? enforceSeriesSelector(v.selector, enforcer) : v.selector;
  return (await labelValues(fixture.url, v.label, match, fixture.start, fixture.end)).sort();
}

describe.each(variableQueries)('%s', (_where, q) => {
  const name = q.where.split(' ').pop()!;
  const expected: Record<string, { a: string[]; ab: string[] }> = {
    tenant: { a: ['a'], ab: ['a', 'b'] },
    cluster: { a: [...FIXTURE_CLUSTERS.a], ab: [...FIXTURE_CLUSTERS.a, ...FIXTURE_CLUSTERS.b] },
  };

  it("offers viewer a only tenant a's values", async () => {
    const values = await resolveVariable(q, { tenant: ['a'] }, VIEWER_A);
    expect(values.length).toBeGreaterThan(0);
    if (expected[name]) {
      expect(values).toEqual(expected[name].a);
    }
    expect(values.filter((v) => v === 'b' || CLUSTERS_OF_B.has(v))).toEqual([]);
  });

  it("offers only tenant a's values through the tenant org's enforcing proxy, var-tenant=b included", async () => {
    for (const tenant of ['a', 'b']) {
      const v = parseVariableQuery(textFor(q, { tenant: [tenant] }));
      if (v.fn !== 'label_values') {
        throw new Error(`${q.where}: expected a label_values() query, got ${q.expr}`);
      }
      const values = await labelValues(proxyUrl, v.label, v.selector, fixture.start, fixture.end);
      expect(values.filter((x) => x === 'b' || CLUSTERS_OF_B.has(x))).toEqual([]);
      if (expected[name] && tenant === 'a') {
        expect(values.sort()).toEqual(expected[name].a);
      }
    }
  });

  it('offers nothing of b when the URL forces var-tenant=b', async () => {
    const values = await resolveVariable(q, { tenant: ['b'] }, VIEWER_A);
    expect(values.filter((v) => v === 'b' || CLUSTERS_OF_B.has(v))).toEqual([]);
  });

  it("offers a viewer in teams a and b both tenants' values", async () => {
    const both = createEnforcer({ label: 'tenant', values: ['a', 'b'] });
    const values = await resolveVariable(q, {}, both, ['a', 'b']);
    if (expected[name]) {
      expect(values).toEqual(expected[name].ab);
    }
  });

  it("would offer other tenants' values without enforcement (the checks above can fail)", async () => {
    const unenforced = await resolveVariable(q, {}, undefined, ['a', 'b']);
    const own = await resolveVariable(q, { tenant: ['a'] }, VIEWER_A);
    // Node instances are named alike in every cluster (node-1:9100, node-2:9100), so only the
    // tenant and cluster lists can show the difference.
    if (expected[name]) {
      expect(unenforced.length).toBeGreaterThan(own.length);
    } else {
      expect(unenforced).toEqual(expect.arrayContaining(own));
    }
  });
});
