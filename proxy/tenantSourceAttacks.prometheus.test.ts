/** @jest-environment node */
/**
 * Issue #14's attacks on the tenant source, tried on the proxy in front of real Prometheus 2.42
 * (tests/support/tenantFixture: tenants a and b, two clusters each). Each one leaked tenant b's
 * series to a tenant-a client before issue #14 (this file uses only APIs that existed then, so it
 * can be run against the old code: it fails there) and is refused now. "Nothing upstream" is read
 * from Prometheus' own request counter for the handler.
 */
import { parseProxyArgs } from './options';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';
import { startTenantFixture, type TenantFixture } from '../tests/support/tenantFixture';
import http from 'http';

let fixture: TenantFixture;
let byParam: StartedProxy;
let byHeader: StartedProxy;
let byHeaderList: StartedProxy;

beforeAll(async () => {
  fixture = await startTenantFixture();
  [byParam, byHeader, byHeaderList] = await Promise.all([
    startTestProxy(testProxyOptions(fixture.url, { tenant: { kind: 'queryParam', name: 'tenant' } })),
    startTestProxy(testProxyOptions(fixture.url, { tenant: { kind: 'header', name: 'X-Tenant', listSyntax: false } })),
    startTestProxy(testProxyOptions(fixture.url, { tenant: { kind: 'header', name: 'X-Tenant', listSyntax: true } })),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([byParam, byHeader, byHeaderList].map((p) => p?.proxy.close()));
  await fixture?.stop();
});

/** Prometheus' count of requests it served on /api/v1/query (its own /metrics, which is not that handler). */
async function upstreamQueries(): Promise<number> {
  const text = await (await fetch(`${fixture.url}/metrics`)).text();
  return [...text.matchAll(/^prometheus_http_requests_total\{[^}]*handler="\/api\/v1\/query"[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0
  );
}

interface Answer {
  status: number;
  tenants: string[];
}

/** Sends a request (header lists as separate lines) and returns the tenants of the series answered. */
function send(
  base: string,
  path: string,
  opts: { headers?: Record<string, string | string[]>; body?: string } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const req = http.request(
      `${base}${path}`,
      { method: opts.body === undefined ? 'GET' : 'POST', headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => {
          const body = JSON.parse(text) as { data?: { result?: Array<{ metric: Record<string, string> }> } };
          const tenants = [...new Set((body.data?.result ?? []).map((r) => r.metric.tenant))].sort();
          resolve({ status: res.statusCode ?? 0, tenants });
        });
      }
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const q = () => `query=${encodeURIComponent('count by (tenant) (up)')}&time=${fixture.time}`;

it('the baseline: tenant a alone sees only a (the data has a and b)', async () => {
  expect(await send(byParam.url, `/api/v1/query?${q()}&tenant=a`)).toEqual({ status: 200, tenants: ['a'] });
  expect(await send(byHeader.url, `/api/v1/query?${q()}`, { headers: { 'X-Tenant': 'a' } })).toEqual({
    status: 200,
    tenants: ['a'],
  });
});

it('--label=tenant and no tenant source: the proxy refuses to start (it used to take ?tenant= from anyone)', () => {
  expect(() => parseProxyArgs(['--upstream', fixture.url, '--label=tenant'])).toThrow(
    /--label-value, --header-name, --query-param, --tenant-tokens-file, --grafana-id-token/
  );
});

describe('a request naming its tenant twice: 400, nothing reaches Prometheus', () => {
  it.each<[string, () => Promise<Answer>]>([
    ['?tenant=a&tenant=b', () => send(byParam.url, `/api/v1/query?${q()}&tenant=a&tenant=b`)],
    [
      '?tenant=a and tenant=b in the POST body',
      () => send(byParam.url, `/api/v1/query?tenant=a`, { body: `${q()}&tenant=b` }),
    ],
    [
      'tenant=a&tenant=b in the POST body',
      () => send(byParam.url, `/api/v1/query`, { body: `${q()}&tenant=a&tenant=b` }),
    ],
    [
      'two X-Tenant header lines',
      () => send(byHeader.url, `/api/v1/query?${q()}`, { headers: { 'X-Tenant': ['a', 'b'] } }),
    ],
    [
      'two X-Tenant header lines, list syntax',
      () => send(byHeaderList.url, `/api/v1/query?${q()}`, { headers: { 'X-Tenant': ['a', 'b'] } }),
    ],
  ])('%s', async (_name, attack) => {
    const before = await upstreamQueries();
    const answer = await attack();
    expect(answer).toEqual({ status: 400, tenants: [] });
    expect(await upstreamQueries()).toBe(before);
  });
});
