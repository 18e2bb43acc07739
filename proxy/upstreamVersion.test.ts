/** @jest-environment node */
/**
 * Upstream version detection and the per-version routes, against fake upstreams that claim each
 * version in /api/v1/status/buildinfo (Prometheus 2.37, 2.42, 2.54, 3.5, Thanos, Mimir). Rules and
 * alerts stay tenant-only whether or not the upstream honours `match[]` (issue #21 acceptance).
 */
import type { ServerResponse } from 'http';
import type { LogRecord } from './log';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from './testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';
import {
  compatibilityNotes,
  isPrometheusAtLeast,
  parseUpstreamVersionFlag,
  profileFromBuildInfo,
  UpstreamVersion,
  type UpstreamProfile,
} from './upstreamVersion';

const ok = (data: unknown) => ({ status: 'success', data });

describe('profileFromBuildInfo', () => {
  it.each<[string, unknown, Partial<UpstreamProfile>]>([
    ['Prometheus 2.42', ok({ version: '2.42.0', revision: 'x' }), { product: 'prometheus', release: [2, 42, 0] }],
    ['Prometheus 3.5 rc', ok({ version: '3.5.0-rc.1' }), { product: 'prometheus', release: [3, 5, 0] }],
    ['Thanos (a 0.x version)', ok({ version: '0.36.1' }), { product: 'thanos', release: null }],
    [
      'Mimir (application field)',
      ok({ application: 'Grafana Mimir', version: '2.14.0' }),
      { product: 'mimir', release: null },
    ],
    ['not semver', ok({ version: 'main-abc' }), { product: 'unknown', source: 'buildinfo' }],
    ['no version', ok({}), { product: 'unknown', source: 'undetected' }],
    ['an error answer', { status: 'error' }, { product: 'unknown', source: 'undetected' }],
    ['not an object', 'ok', { product: 'unknown', source: 'undetected' }],
  ])('%s', (_name, body, want) => {
    expect(profileFromBuildInfo(body)).toMatchObject(want);
  });
});

describe('--upstream-version', () => {
  it.each<[string, Partial<UpstreamProfile>]>([
    ['3.5.0', { product: 'prometheus', release: [3, 5, 0], source: 'flag' }],
    ['v2.42.0', { product: 'prometheus', version: '2.42.0' }],
    ['thanos', { product: 'thanos' }],
    ['Mimir', { product: 'mimir' }],
  ])('%s', (flag, want) => {
    expect(parseUpstreamVersionFlag(flag)).toMatchObject(want);
  });

  it.each(['3', 'latest', '3.x'])('refuses %s, naming the forms it takes', (flag) => {
    expect(() => parseUpstreamVersionFlag(flag)).toThrow(/is not a Prometheus release like 3.5.0/);
  });

  it('isPrometheusAtLeast compares major.minor and only for Prometheus', () => {
    expect(isPrometheusAtLeast(parseUpstreamVersionFlag('2.38.0'), 2, 38)).toBe(true);
    expect(isPrometheusAtLeast(parseUpstreamVersionFlag('2.37.9'), 2, 38)).toBe(false);
    expect(isPrometheusAtLeast(parseUpstreamVersionFlag('3.0.0'), 2, 38)).toBe(true);
    expect(isPrometheusAtLeast(parseUpstreamVersionFlag('thanos'), 2, 38)).toBe(false);
  });
});

describe('compatibility notes logged once the version is known', () => {
  const options = (label: string, labelMatchersForRulesApi = false) =>
    testProxyOptions('http://127.0.0.1:1', { label, labelMatchersForRulesApi });
  it.each<[string, string, boolean, string[]]>([
    ['2.42.0', 'my.label', false, ['tenant label needs UTF-8 names']],
    ['3.0.0', 'my.label', false, []],
    ['2.42.0', 'tenant', true, ['--enable-label-matchers-for-rules-api has no effect upstream']],
    ['2.54.0', 'tenant', true, []],
    ['thanos', 'my.label', true, []],
  ])('%s, label %s, rules matchers %s', (version, label, rulesMatchers, want) => {
    const notes = compatibilityNotes(parseUpstreamVersionFlag(version), options(label, rulesMatchers));
    expect(notes.map((n) => n.msg)).toEqual(want);
  });
});

describe('UpstreamVersion cache', () => {
  function detector(answers: Array<unknown | Error>) {
    let clock = 0;
    const calls: number[] = [];
    const logs: LogRecord[] = [];
    const versions = new UpstreamVersion(
      async () => {
        calls.push(clock);
        const next = answers.shift();
        if (next instanceof Error) {
          throw next;
        }
        return next;
      },
      null,
      (r) => logs.push(r),
      () => clock
    );
    return { versions, calls, logs, advance: (ms: number) => (clock += ms) };
  }

  it('reads once, then serves the cached profile', async () => {
    const d = detector([ok({ version: '3.5.0' })]);
    expect((await d.versions.current()).version).toBe('3.5.0');
    expect((await d.versions.current()).version).toBe('3.5.0');
    expect(d.calls).toHaveLength(1);
  });

  it('reads again after the upstream was unreachable, and logs a change', async () => {
    const d = detector([ok({ version: '2.54.1' }), ok({ version: '3.5.0' })]);
    await d.versions.current();
    d.versions.markUnreachable();
    expect(d.versions.needsDetection).toBe(true);
    expect((await d.versions.current()).version).toBe('3.5.0');
    expect(d.logs.at(-1)).toMatchObject({ msg: 'upstream version changed', upstream: 'prometheus 3.5.0' });
  });

  it('keeps the last known version when a re-read fails, and waits before trying again', async () => {
    const d = detector([ok({ version: '2.54.1' }), new Error('connect ECONNREFUSED'), ok({ version: '2.54.1' })]);
    await d.versions.current();
    d.versions.markUnreachable();
    expect((await d.versions.current()).version).toBe('2.54.1');
    expect(d.logs.at(-1)).toMatchObject({ msg: 'upstream version not detected' });
    await d.versions.current();
    expect(d.calls).toHaveLength(2);
    d.advance(10_000);
    await d.versions.current();
    expect(d.calls).toHaveLength(3);
  });

  it('a pinned version is never read', async () => {
    const calls: number[] = [];
    const pinned = new UpstreamVersion(
      async () => calls.push(1),
      parseUpstreamVersionFlag('3.5.0'),
      () => {}
    );
    pinned.markUnreachable();
    expect((await pinned.current()).version).toBe('3.5.0');
    expect(calls).toEqual([]);
  });
});

/** Rules and alerts of tenants a and b; `honoursMatch` narrows them by a `{tenant="x"}` match[]. */
function rulesBody(req: RecordedRequest, honoursMatch: boolean): unknown {
  const rule = (tenant: string) => ({
    name: `secret_rule_${tenant}`,
    query: 'vector(1)',
    type: 'alerting',
    labels: { tenant },
    alerts: [{ labels: { tenant, alertname: `secret_rule_${tenant}` }, state: 'firing' }],
  });
  let tenants = ['a', 'b'];
  const match = req.query.getAll('match[]');
  if (honoursMatch && match.length > 0) {
    tenants = tenants.filter((t) => match.some((m) => m.includes(`tenant="${t}"`)));
  }
  return ok({ groups: tenants.map((t) => ({ name: `group_${t}`, file: 'rules.yml', rules: [rule(t)] })) });
}

interface FakePrometheus {
  version: unknown;
  honoursMatch: boolean;
  down: boolean;
}

function fakePrometheusResponder(state: FakePrometheus) {
  return (req: RecordedRequest, res: ServerResponse) => {
    if (state.down) {
      res.socket?.destroy();
      return;
    }
    const json = (value: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    switch (req.path) {
      case '/api/v1/status/buildinfo':
        return json(state.version);
      case '/api/v1/rules':
        return json(rulesBody(req, state.honoursMatch));
      case '/api/v1/alerts':
        return json(ok({ alerts: [{ labels: { tenant: 'a' } }, { labels: { tenant: 'b', secret: 'b' } }] }));
      default:
        return json(ok('echo'));
    }
  };
}

async function get(proxy: StartedProxy, pathAndQuery: string, tenant = 'a') {
  const res = await fetch(`${proxy.url}${pathAndQuery}`, { headers: { 'X-Tenant': tenant } });
  return { status: res.status, text: await res.text() };
}

const versions: Array<[string, unknown]> = [
  ['Prometheus 2.37.0', ok({ version: '2.37.0' })],
  ['Prometheus 2.42.0', ok({ version: '2.42.0' })],
  ['Prometheus 2.54.1', ok({ version: '2.54.1' })],
  ['Prometheus 3.5.0', ok({ version: '3.5.0' })],
  ['Thanos Query 0.36.1', ok({ version: '0.36.1' })],
  ['Mimir 2.14.0', ok({ application: 'Grafana Mimir', version: '2.14.0' })],
];

describe.each(versions)('behind a fake %s (version read from buildinfo)', (name, version) => {
  const state: FakePrometheus = { version, honoursMatch: false, down: false };
  let upstream: FakeUpstream;
  let proxy: StartedProxy;
  const release = /Prometheus (\d+)\.(\d+)/.exec(name);
  const atLeast = (major: number, minor: number) =>
    release !== null && (Number(release[1]) > major || (Number(release[1]) === major && Number(release[2]) >= minor));

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.respond(fakePrometheusResponder(state));
    proxy = await startTestProxy(
      testProxyOptions(upstream.url, { upstreamVersion: undefined, labelMatchersForRulesApi: true })
    );
    await proxy.proxy.upstreamVersion.current();
  });
  afterAll(async () => {
    await proxy?.proxy.close();
    await upstream?.stop();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  it.each([false, true])('rules and alerts are tenant-only (upstream honours match[]: %s)', async (honours) => {
    state.honoursMatch = honours;
    const rules = await get(proxy, '/api/v1/rules');
    expect(rules.status).toBe(200);
    expect(rules.text).toContain('secret_rule_a');
    expect(rules.text).not.toContain('secret_rule_b');
    // --enable-label-matchers-for-rules-api: the tenant match[] is sent as well.
    expect(upstream.requests.find((r) => r.path === '/api/v1/rules')?.query.getAll('match[]')).toEqual([
      '{tenant="a"}',
    ]);
    const alerts = await get(proxy, '/api/v1/alerts');
    expect(JSON.parse(alerts.text).data.alerts).toEqual([{ labels: { tenant: 'a' } }]);
  });

  it(`/api/v1/format_query is ${atLeast(2, 38) ? 'served, enforced' : 'a 404 naming the version'}`, async () => {
    const res = await get(proxy, `/api/v1/format_query?query=${encodeURIComponent('sum(secret)')}`);
    const forwarded = upstream.requests.filter((r) => r.path === '/api/v1/format_query');
    if (atLeast(2, 38)) {
      expect(res.status).toBe(200);
      expect(forwarded.map((r) => r.query.get('query'))).toEqual(['sum(secret{tenant="a"})']);
    } else {
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text).error).toMatch(/needs Prometheus >= 2\.38 upstream.*--upstream-version/);
      expect(forwarded).toEqual([]);
    }
  });

  it(`/api/v1/parse_query is ${atLeast(3, 0) ? 'served, enforced' : 'a 404 naming the version'}`, async () => {
    const res = await get(proxy, `/api/v1/parse_query?query=${encodeURIComponent('info(secret)')}`);
    const forwarded = upstream.requests.filter((r) => r.path === '/api/v1/parse_query');
    if (atLeast(3, 0)) {
      expect(res.status).toBe(200);
      expect(forwarded.map((r) => r.query.get('query'))).toEqual(['info(secret{tenant="a"}, {tenant="a"})']);
    } else {
      expect(res.status).toBe(404);
      expect(forwarded).toEqual([]);
    }
  });

  it.each([
    ['/api/v1/status/tsdb?limit=10', /cardinality statistics count every tenant/],
    ['/api/v1/status/tsdb/blocks', /whole TSDB/],
    ['/api/v1/targets', /scrape targets/],
    ['/api/v1/nonexistent', /404 page not found/],
  ])('%s is refused on purpose, naming --unsafe-passthrough-paths', async (path, reason) => {
    const res = await get(proxy, path);
    expect(res.status).toBe(404);
    const error = JSON.parse(res.text).error as string;
    expect(error).toMatch(reason);
    expect(error).toMatch(/--unsafe-passthrough-paths/);
    expect(upstream.requests).toEqual([]);
  });

  it("/api/v1/status/buildinfo is the upstream's own answer, asked without client parameters", async () => {
    const res = await get(proxy, '/api/v1/status/buildinfo?query=x');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual(version);
    expect(upstream.requests.map((r) => [r.path, [...r.query]])).toEqual([['/api/v1/status/buildinfo', []]]);
  });

  it.each([
    ['/api/v1/series', '{"my.metric"}', '{"my.metric",tenant="a"}'],
    ['/federate', '{"my.metric", "my.label"="v"}', '{"my.metric", "my.label"="v",tenant="a"}'],
    ['/api/v1/labels', '{"my.metric"}', '{"my.metric",tenant="a"}'],
  ])('UTF-8 names in match[] on %s stay quoted and gain the tenant', async (path, selector, want) => {
    const res = await get(proxy, `${path}?match[]=${encodeURIComponent(selector)}&limit=5`);
    expect(res.status).toBe(200);
    const sent = upstream.requests.find((r) => r.path === path);
    expect(sent?.query.getAll('match[]')).toEqual([want]);
    // `limit` (2.51.0) applies to the answer the tenant match[] already narrowed.
    expect(sent?.query.get('limit')).toBe('5');
  });

  it('a UTF-8 label name in the label-values path (3.0.1) is forwarded with the tenant match[]', async () => {
    const res = await get(proxy, '/api/v1/label/U__my_2e_label/values');
    expect(res.status).toBe(200);
    const sent = upstream.requests.find((r) => r.path.startsWith('/api/v1/label/'));
    expect(sent?.path).toBe('/api/v1/label/U__my_2e_label/values');
    expect(sent?.query.getAll('match[]')).toEqual(['{tenant="a"}']);
  });
});

describe('version detection on reconnect', () => {
  const state: FakePrometheus = { version: ok({ version: '2.54.1' }), honoursMatch: false, down: false };
  let upstream: FakeUpstream;
  let proxy: StartedProxy;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.respond(fakePrometheusResponder(state));
    proxy = await startTestProxy(testProxyOptions(upstream.url, { upstreamVersion: undefined }));
  });
  afterAll(async () => {
    await proxy?.proxy.close();
    await upstream?.stop();
  });

  it('reads buildinfo at start, and again once the upstream answers after an outage', async () => {
    expect((await proxy.proxy.upstreamVersion.current()).version).toBe('2.54.1');
    expect((await get(proxy, '/api/v1/parse_query?query=up')).status).toBe(404);

    state.down = true;
    expect((await get(proxy, '/api/v1/query?query=up')).status).toBe(502);
    // Upgraded during the outage.
    state.version = ok({ version: '3.5.0' });
    state.down = false;
    expect((await get(proxy, '/api/v1/query?query=up')).status).toBe(200);
    expect((await proxy.proxy.upstreamVersion.current()).version).toBe('3.5.0');
    expect((await get(proxy, '/api/v1/parse_query?query=up')).status).toBe(200);
    expect(proxy.logs.filter((l) => /upstream version/.test(l.msg)).map((l) => [l.msg, l.upstream])).toEqual([
      ['upstream version detected', 'prometheus 2.54.1'],
      ['upstream version changed', 'prometheus 3.5.0'],
    ]);
  });

  it('an undetectable upstream serves no version-gated route, and says how to pin it', async () => {
    const other = await startFakeUpstream();
    const p = await startTestProxy(testProxyOptions(other.url, { upstreamVersion: undefined }));
    try {
      await p.proxy.upstreamVersion.current();
      const res = await get(p, '/api/v1/format_query?query=up');
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text).error).toMatch(/the upstream is unknown \(.*\); .*--upstream-version/);
      expect(p.logs).toContainEqual(expect.objectContaining({ msg: 'upstream version not detected' }));
    } finally {
      await p.proxy.close();
      await other.stop();
    }
  });
});

describe('requests explain themselves (issue #17)', () => {
  let upstream: FakeUpstream;
  let proxy: StartedProxy;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.respond(fakePrometheusResponder({ version: ok({ version: '3.5.0' }), honoursMatch: false, down: false }));
    proxy = await startTestProxy(testProxyOptions(upstream.url));
  });
  afterAll(async () => {
    await proxy?.proxy.close();
    await upstream?.stop();
  });

  it.each(['/api/v1/query', '/api/v1/query_range', '/api/v1/format_query'])(
    'GET %s without a query parameter answers 400 like Prometheus, nothing upstream',
    async (path) => {
      upstream.requests.length = 0;
      const res = await get(proxy, path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error).toMatch(/invalid parameter "query".*\?query=up/);
      expect(upstream.requests).toEqual([]);
    }
  );

  it('one JSON access-log line per request: method, route, tenant, status, upstream ms', async () => {
    const before = proxy.logs.length;
    await get(proxy, '/api/v1/query?query=up', 'tenant-a');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = proxy.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', method: 'GET', route: 'query', tenant: 'tenant-a', status: 200 }),
    ]);
    expect(lines[0].upstreamMs).toBeGreaterThan(0);
    expect(lines[0].durationMs).toBeGreaterThanOrEqual(lines[0].upstreamMs as number);
    expect(JSON.stringify(lines)).not.toContain('up{');
  });

  it('--no-access-log turns the access line off, rejections are still logged', async () => {
    const quiet = await startTestProxy(testProxyOptions(upstream.url, { accessLog: false }));
    try {
      await get(quiet, '/api/v1/query?query=up');
      await get(quiet, '/api/v1/query');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(quiet.logs.map((l) => l.msg).filter((m) => m.startsWith('request'))).toEqual(['request rejected']);
    } finally {
      await quiet.proxy.close();
    }
  });
});
