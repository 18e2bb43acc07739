/** @jest-environment node */
/**
 * The proxy with --upstream-kind=alertmanager in front of a real Alertmanager 0.25 (Debian's
 * prometheus-alertmanager, on a free 127.0.0.1 port). Alerts of tenants a and b (both firing an
 * alert named TargetDown, so a silence without the tenant would catch both) and one without a
 * tenant are posted straight to Alertmanager, as Prometheus would; an operator creates silences
 * straight in Alertmanager too. Then, through the proxy as tenant a:
 *
 * - alerts and alert groups show only a's alerts, whatever filter a sends;
 * - the silence list shows only silences carrying `tenant="a"`;
 * - every silence a creates silences only a's alerts, including ones whose matchers try
 *   `tenant=~".*"`, `tenant!="a"` or another tenant, or omit the tenant;
 * - a can neither read, update nor expire a silence that is not its own — b's, the operator's
 *   `tenant!="a"` one (which prom-label-proxy's isEqual-blind check would let a change), one with
 *   `tenant=~".*"`, or one without a tenant matcher — and each stays as it was;
 * - the route table is default deny for its kind, and works with the tokens-file identity too.
 */
import {
  createSilenceDirectly,
  postAlerts,
  startAlertmanager,
  type RunningAlertmanager,
  type SilenceMatcher,
} from '../tests/support/alertmanager';
import { identityFileDir, newToken, tokensDoc } from './identity/testing/identityFiles';
import { startFakeUpstream } from './testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';

interface Alert {
  labels: Record<string, string>;
  status: { state: string; silencedBy: string[] };
}
interface Silence {
  id: string;
  status: { state: string };
  matchers: SilenceMatcher[];
  comment: string;
}

let am: RunningAlertmanager;
let proxy: StartedProxy;
/** The operator's silences, created straight in Alertmanager. */
const foreign: Record<string, string> = {};

const eq = (name: string, value: string): SilenceMatcher => ({ name, value, isRegex: false, isEqual: true });
const TARGET_DOWN = eq('alertname', 'TargetDown');

beforeAll(async () => {
  am = await startAlertmanager();
  proxy = await startTestProxy(testProxyOptions(am.url, { upstreamKind: 'alertmanager' }));
  await postAlerts(am.url, [
    { labels: { alertname: 'TargetDown', tenant: 'a', job: 'api' } },
    { labels: { alertname: 'SeriesGrowth', tenant: 'a', job: 'api' } },
    { labels: { alertname: 'TargetDown', tenant: 'b', job: 'api' } },
    { labels: { alertname: 'TargetDown', job: 'untenanted' } },
  ]);
  foreign.ofB = await createSilenceDirectly(am.url, [eq('tenant', 'b'), eq('alertname', 'SeriesGrowth')], 'b');
  foreign.notA = await createSilenceDirectly(
    am.url,
    [{ name: 'tenant', value: 'a', isRegex: false, isEqual: false }, eq('alertname', 'SeriesGrowth')],
    'every tenant but a'
  );
  foreign.anyTenant = await createSilenceDirectly(
    am.url,
    [{ name: 'tenant', value: '.*', isRegex: true }, eq('alertname', 'SeriesGrowth')],
    'all tenants'
  );
  foreign.noTenant = await createSilenceDirectly(am.url, [eq('job', 'untenanted')], 'no tenant');
}, 60_000);

afterAll(async () => {
  await proxy?.proxy.close();
  await am?.stop();
});

async function asTenant(
  tenant: string,
  path: string,
  init: { method?: string; body?: unknown } = {}
): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${proxy.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Tenant': tenant, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (empty answers)
  }
  return { status: res.status, json, text };
}

async function direct<T>(path: string): Promise<T> {
  const res = await fetch(`${am.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) {
    throw new Error(`GET ${path} straight from Alertmanager: HTTP ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as T;
}

const filterQuery = (...filters: string[]) => filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&');

function silenceBody(matchers: unknown[], extra: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    matchers,
    startsAt: new Date(now - 1000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'tenant a',
    comment: 'through the proxy',
    ...extra,
  };
}

describe('alerts and alert groups', () => {
  it.each([
    ['no filter', ''],
    ['a filter on another tenant', filterQuery('tenant="b"')],
    ['a regex filter on every tenant', filterQuery('tenant=~".*"')],
    ['a negated filter', filterQuery('tenant!="a"')],
  ])('tenant a sees only its own alerts with %s', async (_name, query) => {
    const { status, json } = await asTenant('a', `/api/v2/alerts?${query}`);
    expect(status).toBe(200);
    const alerts = json as Alert[];
    expect(alerts.map((x) => x.labels.alertname).sort()).toEqual(['SeriesGrowth', 'TargetDown']);
    expect(alerts.every((x) => x.labels.tenant === 'a')).toBe(true);
  });

  it('straight from Alertmanager there are four alerts (the proxy is what hides three)', async () => {
    expect(await direct<Alert[]>('/api/v2/alerts')).toHaveLength(4);
  });

  it.each([['a'], ['b']])('alert groups of tenant %s hold only its alerts', async (tenant) => {
    const { status, json } = await asTenant(tenant, `/api/v2/alerts/groups?${filterQuery('tenant=~".+"')}`);
    expect(status).toBe(200);
    const alerts = (json as Array<{ alerts: Alert[] }>).flatMap((g) => g.alerts);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((x) => x.labels.tenant === tenant)).toBe(true);
  });

  it('posting alerts through the proxy is not served', async () => {
    const { status } = await asTenant('a', '/api/v2/alerts', { method: 'POST', body: [{ labels: { tenant: 'b' } }] });
    expect(status).toBe(404);
  });
});

describe('silences tenant a may not touch', () => {
  const cases = [
    ["b's", 'ofB'],
    ['the operator\'s tenant!="a"', 'notA'],
    ['the operator\'s tenant=~".*"', 'anyTenant'],
    ["the operator's one without a tenant matcher", 'noTenant'],
  ] as const;

  it.each(cases)('%s silence is not in the list, even when asked for by filter', async (_name, key) => {
    for (const query of ['', filterQuery('tenant="b"'), filterQuery('tenant!="a"'), filterQuery('tenant=~".*"')]) {
      const { status, json } = await asTenant('a', `/api/v2/silences?${query}`);
      expect(status).toBe(200);
      expect((json as Silence[]).map((s) => s.id)).not.toContain(foreign[key]);
    }
  });

  it.each(cases)('%s silence cannot be read', async (_name, key) => {
    expect((await asTenant('a', `/api/v2/silence/${foreign[key]}`)).status).toBe(403);
  });

  it.each(cases)('%s silence cannot be updated', async (_name, key) => {
    const before = await direct<Silence>(`/api/v2/silence/${foreign[key]}`);
    const { status } = await asTenant('a', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody([eq('job', 'api')], { id: foreign[key], comment: 'taken over' }),
    });
    expect(status).toBe(403);
    const after = await direct<Silence>(`/api/v2/silence/${foreign[key]}`);
    expect(after).toEqual(before);
  });

  it.each(cases)('%s silence cannot be expired', async (_name, key) => {
    const { status } = await asTenant('a', `/api/v2/silence/${foreign[key]}`, { method: 'DELETE' });
    expect(status).toBe(403);
    expect((await direct<Silence>(`/api/v2/silence/${foreign[key]}`)).status.state).toBe('active');
  });
});

describe("silences tenant a creates affect only a's alerts", () => {
  async function silencedTargetDown(): Promise<Record<string, boolean>> {
    const alerts = await direct<Alert[]>(`/api/v2/alerts?${filterQuery('alertname="TargetDown"')}`);
    return Object.fromEntries(
      alerts.map((x) => [x.labels.tenant ?? 'none', x.status.silencedBy.some((id) => created.includes(id))])
    );
  }
  const created: string[] = [];

  it.each([
    ['omit the tenant', [TARGET_DOWN]],
    ['try tenant=~".*"', [{ name: 'tenant', value: '.*', isRegex: true }, TARGET_DOWN]],
    ['try tenant!="a"', [{ name: 'tenant', value: 'a', isRegex: false, isEqual: false }, TARGET_DOWN]],
    ['name tenant b', [eq('tenant', 'b'), TARGET_DOWN]],
    ['spell the keys in another case', [{ Name: 'alertname', Value: 'TargetDown', IsRegex: false }]],
  ])('matchers that %s become tenant="a" plus the rest', async (_name, matchers) => {
    const { status, json, text } = await asTenant('a', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody(matchers),
    });
    expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
    const id = (json as { silenceID: string }).silenceID;
    created.push(id);
    const stored = await direct<Silence>(`/api/v2/silence/${id}`);
    const onTenant = stored.matchers.filter((m) => m.name === 'tenant');
    expect(onTenant).toEqual([{ name: 'tenant', value: 'a', isRegex: false, isEqual: true }]);
    expect(stored.matchers).toContainEqual(TARGET_DOWN);
    expect(await silencedTargetDown()).toEqual({ a: true, b: false, none: false });
  });

  it('a silence of the tenant matcher alone is refused (it would mute all of the tenant)', async () => {
    const { status } = await asTenant('a', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody([eq('tenant', 'b')]),
    });
    expect(status).toBe(400);
  });

  it('tenant a lists, reads, updates and expires its own silence; tenant b can do none of it', async () => {
    const { json } = await asTenant('a', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody([eq('alertname', 'SeriesGrowth')]),
    });
    const id = (json as { silenceID: string }).silenceID;

    const listed = (await asTenant('a', '/api/v2/silences')).json as Silence[];
    expect(listed.map((s) => s.id)).toContain(id);
    expect(listed.every((s) => s.matchers.some((m) => m.name === 'tenant' && m.value === 'a' && !m.isRegex))).toBe(
      true
    );
    expect(((await asTenant('b', '/api/v2/silences')).json as Silence[]).map((s) => s.id)).not.toContain(id);

    expect((await asTenant('a', `/api/v2/silence/${id}`)).status).toBe(200);
    expect((await asTenant('b', `/api/v2/silence/${id}`)).status).toBe(403);
    expect((await asTenant('b', `/api/v2/silence/${id}`, { method: 'DELETE' })).status).toBe(403);
    const takeOver = await asTenant('b', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody([eq('alertname', 'SeriesGrowth')], { id }),
    });
    expect(takeOver.status).toBe(403);

    const update = await asTenant('a', '/api/v2/silences', {
      method: 'POST',
      body: silenceBody([eq('alertname', 'SeriesGrowth')], { id, comment: 'updated' }),
    });
    expect(update.status).toBe(200);
    const updatedId = (update.json as { silenceID: string }).silenceID;
    expect((await direct<Silence>(`/api/v2/silence/${updatedId}`)).comment).toBe('updated');

    expect((await asTenant('a', `/api/v2/silence/${updatedId}`, { method: 'DELETE' })).status).toBe(200);
    expect((await direct<Silence>(`/api/v2/silence/${updatedId}`)).status.state).toBe('expired');
  });
});

describe('one route table per upstream kind, default deny', () => {
  it.each([
    ['GET', '/api/v1/query?query=up'],
    ['GET', '/api/v2/status'],
    ['GET', '/api/v2/receivers'],
    ['GET', '/api/v1/alerts'],
    ['GET', '/api/v2/silences/x'],
    ['PUT', '/api/v2/silences'],
    ['GET', '/'],
  ])('the Alertmanager proxy answers %s %s with 404', async (method, path) => {
    const { status } = await asTenant('a', path, { method });
    expect(status).toBe(404);
  });

  it('a Prometheus proxy serves none of the Alertmanager routes, and sends nothing upstream', async () => {
    const upstream = await startFakeUpstream();
    const prometheusProxy = await startTestProxy(testProxyOptions(upstream.url));
    try {
      for (const path of ['/api/v2/silences', '/api/v2/alerts', '/api/v2/alerts/groups', '/api/v2/silence/x']) {
        const res = await fetch(`${prometheusProxy.url}${path}`, { headers: { 'X-Tenant': 'a' } });
        expect([path, res.status]).toEqual([path, 404]);
      }
      expect(upstream.requests).toEqual([]);
    } finally {
      await prometheusProxy.proxy.close();
      await upstream.stop();
    }
  });
});

describe('the tenant from a tokens file (--tenant-tokens-file), as with any identity source', () => {
  const tokenA = newToken();
  const tokenB = newToken();
  const files = identityFileDir();
  let tokensProxy: StartedProxy;

  beforeAll(async () => {
    const file = files.write(
      'tokens.yaml',
      tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b', 'b2'], tokens: [tokenB] } })
    );
    tokensProxy = await startTestProxy(
      testProxyOptions(am.url, { upstreamKind: 'alertmanager', tenant: { kind: 'tokens', file } })
    );
  });
  afterAll(async () => {
    await tokensProxy?.proxy.close();
    files.remove();
  });

  const withToken = (path: string, token: string | null, init: RequestInit = {}) =>
    fetch(`${tokensProxy.url}${path}`, {
      ...init,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'X-Tenant': 'b', ...init.headers },
      signal: AbortSignal.timeout(10_000),
    });

  it("a's token sees a's alerts only, whatever tenant header comes with it", async () => {
    const res = await withToken('/api/v2/alerts', tokenA);
    expect(res.status).toBe(200);
    const alerts = (await res.json()) as Alert[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((x) => x.labels.tenant === 'a')).toBe(true);
  });

  it('no token is 401', async () => {
    expect((await withToken('/api/v2/alerts', null)).status).toBe(401);
  });

  it("b's token (values b and b2) sees b's alerts; its silences are refused with 422 (one exact value needed)", async () => {
    const alerts = (await (await withToken('/api/v2/alerts', tokenB)).json()) as Alert[];
    expect(alerts.map((x) => x.labels.tenant)).toEqual(['b']);
    const post = await withToken('/api/v2/silences', tokenB, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(silenceBody([TARGET_DOWN])),
    });
    expect(post.status).toBe(422);
  });
});
