/** @jest-environment node */
/**
 * Label policies per identity (issue #18 item 3) through the proxy in front of real Prometheus
 * 2.42 (tests/support/tenantFixture: tenants a and b, clusters a-1 a-2 b-1 b-2, untenanted
 * series). The policy `{tenant="a", cluster="a-1"} or {cluster="b-2"}` must show clusters a-1 and
 * b-2 and nothing else on every route, whether it comes from --rule or from the tokens file.
 */
import { createHash } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { startPrometheus, waitForAlerts, type RunningPrometheus } from '../tests/support/prometheus';
import { startTenantFixture, type TenantFixture } from '../tests/support/tenantFixture';
import { parseProxyArgs } from './options';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';

const RULES = ['{tenant="a", cluster="a-1"}', '{cluster="b-2"}'];
const ALLOWED = ['a-1', 'b-2'];
const POLICY_TOKEN = 'policy-token-0123456789';
const VALUES_TOKEN = 'values-token-0123456789';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/** Rules and alerts of every cluster, each carrying a marker only its cluster may see. */
const RULE_FILE = `groups:
${['a-1', 'a-2', 'b-1', 'b-2']
  .map(
    (c) => `  - name: cluster-${c}
    interval: 1s
    rules:
      - record: marker_${c.replace('-', '_')}:sum
        expr: vector(1)
        labels: { tenant: ${c[0]}, cluster: ${c} }
      - alert: Alert_${c.replace('-', '_')}
        expr: vector(1)
        labels: { tenant: ${c[0]}, cluster: ${c} }
`
  )
  .join('')}  - name: untenanted
    interval: 1s
    rules:
      - alert: Alert_untenanted
        expr: vector(1)
`;

let dir: string;
let fixture: TenantFixture;
let rulesProm: RunningPrometheus;
const proxies: Record<string, StartedProxy> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-policy-'));
  writeFileSync(path.join(dir, 'rules.yml'), RULE_FILE);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global: { evaluation_interval: 1s }\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\n`
  );
  writeFileSync(
    path.join(dir, 'tokens.yaml'),
    JSON.stringify({
      tenants: {
        mixed: { rules: RULES, tokenSha256: [sha(POLICY_TOKEN)] },
        b: { values: ['b'], tokenSha256: [sha(VALUES_TOKEN)] },
      },
    })
  );
  [fixture, rulesProm] = await Promise.all([
    startTenantFixture(),
    startPrometheus({ configFile: path.join(dir, 'prometheus.yml') }),
  ]);
  const staticRules = { kind: 'static' as const, values: [], rules: RULES };
  const tokens = { kind: 'tokens' as const, file: path.join(dir, 'tokens.yaml') };
  [proxies.static, proxies.tokens, proxies.staticRules, proxies.tokensRules, proxies.lbac] = await Promise.all([
    startTestProxy(testProxyOptions(fixture.url, { tenant: staticRules })),
    startTestProxy(testProxyOptions(fixture.url, { tenant: tokens })),
    startTestProxy(testProxyOptions(rulesProm.url, { tenant: staticRules, rulesWithActiveAlerts: true })),
    startTestProxy(testProxyOptions(rulesProm.url, { tenant: tokens })),
    startTestProxy(testProxyOptions(fixture.url, { tenant: tokens, acceptLbacHeader: true })),
  ]);
  await waitForAlerts(rulesProm.url, 5);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(proxies).map((p) => p.proxy.close()));
  await Promise.all([fixture?.stop(), rulesProm?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The two ways the same policy reaches the proxy: --rule, and a tokens-file entry with rules. */
const SOURCES = [
  { name: '--rule', proxy: 'static', rulesProxy: 'staticRules', headers: {} },
  {
    name: 'tokens file rules',
    proxy: 'tokens',
    rulesProxy: 'tokensRules',
    headers: { Authorization: `Bearer ${POLICY_TOKEN}` },
  },
] as const;

async function api(base: string, pathAndQuery: string, headers: Record<string, string>) {
  const res = await fetch(`${base}${pathAndQuery}`, { headers });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as { data: unknown } };
}

function q(params: Record<string, string | string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      u.append(k, one);
    }
  }
  return u.toString();
}

describe.each(SOURCES)('policy from $name', (source) => {
  const base = () => proxies[source.proxy].url;

  async function clustersOf(expr: string): Promise<string[]> {
    const r = await api(base(), `/api/v1/query?${q({ query: expr, time: String(fixture.time) })}`, source.headers);
    expect({ status: r.status, text: r.text.slice(0, 300) }).toEqual({ status: 200, text: expect.any(String) });
    const result = (r.json().data as { result: Array<{ metric: Record<string, string> }> }).result;
    return [...new Set(result.map((s) => s.metric.cluster ?? '(none)'))].sort();
  }

  it.each([
    ['every up series', 'up', ALLOWED],
    ['an aggregation', 'count by (cluster) (up)', ALLOWED],
    ['a range function', 'count by (cluster) (rate(node_cpu_seconds_total[5m]))', ALLOWED],
    ['a subquery', 'max_over_time(up[10m:1m])', ALLOWED],
    // Attacks: a query naming what the policy does not allow. Query matchers on a rule's labels are
    // replaced by the rule's (prom-label-proxy semantics, per rule), so each gets at most a-1 ∪ b-2.
    ['another cluster of the allowed tenant', 'up{cluster="a-2"}', ALLOWED],
    ['the other tenant by name', 'up{tenant="b"}', ALLOWED],
    ['a negative matcher on the rule label', '{__name__="up", cluster!="a-1"}', ALLOWED],
    ['a regex across every cluster', 'up{cluster=~".+"} or up{tenant=""}', ALLOWED],
    // Rule 1 replaces tenant=""; rule 2 keeps it (it has no tenant matcher) and finds nothing.
    ['untenanted series', 'up{tenant=""}', ['a-1']],
    ['everything by name', '{__name__=~".+"}', ALLOWED],
  ])('query: %s', async (_what, expr, expected) => {
    expect(await clustersOf(expr)).toEqual(expected);
  });

  it('query_range sees only allowed clusters', async () => {
    const r = await api(
      base(),
      `/api/v1/query_range?${q({ query: 'sum by (cluster) (up)', start: String(fixture.start), end: String(fixture.end), step: '300' })}`,
      source.headers
    );
    expect(r.status).toBe(200);
    const result = (r.json().data as { result: Array<{ metric: Record<string, string> }> }).result;
    expect(result.map((s) => s.metric.cluster).sort()).toEqual(ALLOWED);
  });

  it.each([
    ['no match[]', {}, ALLOWED],
    ['match[]=up', { 'match[]': 'up' }, ALLOWED],
    ['a match[] for the other tenant', { 'match[]': '{tenant="b"}' }, ['b-2']],
    ['a match[] for a forbidden cluster', { 'match[]': 'up{cluster="a-2"}' }, []],
    ['two match[] (union, each restricted)', { 'match[]': ['up{cluster="a-1"}', 'up{cluster="b-1"}'] }, ['a-1']],
  ])('series, labels and label values with %s', async (_what, params, expected) => {
    const range = { start: String(fixture.start), end: String(fixture.end) };
    const series = await api(base(), `/api/v1/series?${q({ ...range, 'match[]': 'up', ...params })}`, source.headers);
    expect(series.status).toBe(200);
    const seen = (series.json().data as Array<Record<string, string>>).map((s) => s.cluster ?? '(none)');
    expect([...new Set(seen)].sort()).toEqual(expected);
    const values = await api(base(), `/api/v1/label/cluster/values?${q({ ...range, ...params })}`, source.headers);
    expect(values.status).toBe(200);
    const clusters = values.json().data as string[];
    // With no match[], every allowed series counts (not only up); the clusters are the same.
    expect(clusters.sort()).toEqual(expected);
    const labels = await api(base(), `/api/v1/labels?${q({ ...range, ...params })}`, source.headers);
    expect(labels.status).toBe(200);
    if (expected.length > 0) {
      expect(labels.json().data).toEqual(expect.arrayContaining(['cluster', 'tenant']));
    }
  });

  it('federate exports only allowed series', async () => {
    // Federation reads the newest samples, so it asks the Prometheus whose recording rules run now.
    const rulesBase = proxies[source.rulesProxy].url;
    const r = await api(
      rulesBase,
      `/federate?${q({ 'match[]': ['{__name__=~"marker_.*"}', '{tenant="b"}'] })}`,
      source.headers
    );
    expect(r.status).toBe(200);
    const clusters = new Set([...r.text.matchAll(/cluster="([^"]*)"/g)].map((m) => m[1]));
    const lines = r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => /cluster="(a-1|b-2)"/.test(l))).toBe(true);
    expect([...clusters].sort()).toEqual(ALLOWED);
  });

  it('metadata lists only metric names of allowed series', async () => {
    // The rules Prometheus has no scraped metadata of its own; the fixture's TSDB has none either,
    // so the answer must be a success with only names the policy's series carry (here: none).
    const r = await api(base(), '/api/v1/metadata', source.headers);
    expect(r.status).toBe(200);
    const names = Object.keys(r.json().data as Record<string, unknown>);
    const own = await api(
      base(),
      `/api/v1/label/__name__/values?${q({ start: String(fixture.start), end: String(fixture.end) })}`,
      source.headers
    );
    expect(names.every((n) => (own.json().data as string[]).includes(n))).toBe(true);
  });

  it('rules and alerts: exactly those whose labels satisfy a rule', async () => {
    const rulesBase = proxies[source.rulesProxy].url;
    const rules = await api(rulesBase, '/api/v1/rules', source.headers);
    expect(rules.status).toBe(200);
    const names = (rules.json().data as { groups: Array<{ rules: Array<{ name: string }> }> }).groups
      .flatMap((g) => g.rules.map((r) => r.name))
      .sort();
    expect(names).toEqual(['Alert_a_1', 'Alert_b_2', 'marker_a_1:sum', 'marker_b_2:sum']);
    const alerts = await api(rulesBase, '/api/v1/alerts', source.headers);
    expect(alerts.status).toBe(200);
    const alertNames = (alerts.json().data as { alerts: Array<{ labels: Record<string, string> }> }).alerts
      .map((a) => a.labels.alertname)
      .sort();
    expect(alertNames).toEqual(['Alert_a_1', 'Alert_b_2']);
  });
});

describe('a values entry in the same tokens file keeps one-rule enforcement', () => {
  it('tenant b sees b-1 and b-2', async () => {
    const r = await api(
      proxies.tokens.url,
      `/api/v1/query?${q({ query: 'count by (cluster) (up)', time: String(fixture.time) })}`,
      { Authorization: `Bearer ${VALUES_TOKEN}` }
    );
    expect(r.status).toBe(200);
    const result = (r.json().data as { result: Array<{ metric: Record<string, string> }> }).result;
    expect(result.map((s) => s.metric.cluster).sort()).toEqual(['b-1', 'b-2']);
  });
});

describe('--rule on the command line', () => {
  it.each([
    [['--rule', '{tenant="a"}', '--rule', '{cluster="b-2"}'], null],
    [['--rule', '{tenant="a"}', '--label-value', 'a', '--label', 'tenant'], /exactly one tenant source/],
    [['--rule', 'up{tenant="a"}'], /rule 1/],
    [['--rule', '{tenant=~".*"}'], /empty string/],
    [['--rule', '{tenant="a"}', '--upstream-kind', 'alertmanager'], /not supported with --upstream-kind=alertmanager/],
    [
      ['--rule', '{tenant="a"}', '--upstream-kind', 'loki', '--loki-org-id', 'x'],
      /not supported with --upstream-kind=loki/,
    ],
  ])('%j', (flags, error) => {
    const run = () => parseProxyArgs(['--upstream', 'http://127.0.0.1:9090', ...flags]);
    if (error) {
      expect(run).toThrow(error);
    } else {
      expect(run().tenant).toEqual({ kind: 'static', values: [], rules: ['{tenant="a"}', '{cluster="b-2"}'] });
    }
  });
});

/** Grafana LBAC's header: `<tenant>:<url-encoded selector>`. */
const lbac = (tenant: string, selector: string) => `${tenant}:${encodeURIComponent(selector)}`;

describe('X-Prom-Label-Policy (Grafana LBAC)', () => {
  async function clusters(proxy: string, token: string, lines: string[]) {
    const headers = new Headers({ Authorization: `Bearer ${token}` });
    lines.forEach((l) => headers.append('X-Prom-Label-Policy', l));
    const res = await fetch(
      `${proxies[proxy].url}/api/v1/query?${q({ query: 'count by (cluster, job) (up{job=~"api|node"})', time: String(fixture.time) })}`,
      { headers }
    );
    const text = await res.text();
    if (res.status !== 200) {
      return { status: res.status, text };
    }
    const result = (JSON.parse(text) as { data: { result: Array<{ metric: Record<string, string> }> } }).data.result;
    return {
      status: 200,
      text: result
        .map((s) => `${s.metric.cluster}/${s.metric.job}`)
        .sort()
        .join(' '),
    };
  }

  it.each([
    // Flag off: a forged header is refused, whatever it says.
    ['flag off, forged header', 'tokens', VALUES_TOKEN, [lbac('b', '{tenant="a"}')], 400, /--accept-lbac-header/],
    [
      'flag off, header for own tenant',
      'tokens',
      VALUES_TOKEN,
      [lbac('b', '{tenant="b"}')],
      400,
      /--accept-lbac-header/,
    ],
    // Flag on: the header narrows the token's tenant.
    [
      'one rule inside the tenant',
      'lbac',
      VALUES_TOKEN,
      [lbac('b', '{tenant="b", cluster="b-1"}')],
      200,
      /^b-1\/api b-1\/node$/,
    ],
    [
      'two header lines (rules OR)',
      'lbac',
      VALUES_TOKEN,
      [lbac('b', '{tenant="b", cluster="b-1", job="api"}'), lbac('b', '{tenant="b", cluster="b-2", job="node"}')],
      200,
      /^b-1\/api b-2\/node$/,
    ],
    ['inside a rules entry', 'lbac', POLICY_TOKEN, [lbac('mixed', '{cluster="b-2", job="api"}')], 200, /^b-2\/api$/],
    ['no header: the token policy', 'lbac', VALUES_TOKEN, [], 200, /^b-1\/api b-1\/node b-2\/api b-2\/node$/],
    // Attacks with the flag on.
    ['a header for another tenant', 'lbac', VALUES_TOKEN, [lbac('a', '{tenant="a"}')], 403, /authenticated as/],
    ['a rule outside the tenant', 'lbac', VALUES_TOKEN, [lbac('b', '{tenant="a"}')], 403, /not inside/],
    ['a rule without the tenant matcher', 'lbac', VALUES_TOKEN, [lbac('b', '{cluster="a-1"}')], 403, /not inside/],
    ['a rule wider than the entry rule', 'lbac', POLICY_TOKEN, [lbac('mixed', '{tenant="a"}')], 403, /not inside/],
    ['a malformed line', 'lbac', VALUES_TOKEN, ['no-colon-here'], 400, /<tenant>:<url-encoded selector>/],
    ['a selector that is not a rule', 'lbac', VALUES_TOKEN, [lbac('b', 'up{tenant="b"}')], 400, /rule 1/],
  ])('%s', async (_what, proxy, token, lines, status, text) => {
    const r = await clusters(proxy, token, lines);
    expect(r.status).toBe(status);
    expect(r.text).toMatch(text);
  });
});

describe('kinds that enforce one label only refuse a rules identity per request', () => {
  it.each([
    ['alertmanager', '/api/v2/alerts', {}],
    ['loki', '/loki/api/v1/labels', { lokiOrgId: 'org' }],
  ] as const)('%s: 403, nothing upstream', async (kind, pathAndQuery, extra) => {
    // The upstream port is closed: reaching it would be a 502, not the 403 asserted here.
    const started = await startTestProxy(
      testProxyOptions('http://127.0.0.1:1', {
        upstreamKind: kind,
        tenant: { kind: 'tokens', file: path.join(dir, 'tokens.yaml') },
        ...extra,
      })
    );
    try {
      const r = await api(started.url, pathAndQuery, { Authorization: `Bearer ${POLICY_TOKEN}` });
      expect({ status: r.status, text: r.text }).toEqual({ status: 403, text: expect.stringMatching(/label policy/) });
    } finally {
      await started.proxy.close();
    }
  });
});
