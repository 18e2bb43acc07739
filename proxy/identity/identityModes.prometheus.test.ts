/** @jest-environment node */
/**
 * The verified identity modes in front of real Prometheus 2.42 (tests/support/tenantFixture:
 * tenants a and b, two clusters each, plus untenanted series):
 * - `--tenant-tokens-file`: a's token sees only a, b's only b; no token, unknown, truncated and
 *   case-changed tokens are 401 and Prometheus gets no request; a tenant header cannot move a
 *   token holder to another tenant (the "org Admin edits the data source header" attack);
 * - `--grafana-id-token`: a signed-in member of tenant a's team sees only a, of b's team only b.
 * "Nothing upstream" is read from Prometheus' own request counter.
 */
import http from 'http';
import { startTenantFixture, type TenantFixture } from '../../tests/support/tenantFixture';
import { startTestProxy, testProxyOptions, type StartedProxy } from '../testing/proxyHarness';
import { identityFileDir, newToken, tokensDoc } from './testing/identityFiles';
import { startSharedOrg, type SharedOrg } from './testing/sharedOrg';

const tokenA = newToken();
const tokenB = newToken();
const files = identityFileDir();
let fixture: TenantFixture;
let tokens: StartedProxy;
let idTokens: StartedProxy;
let org: SharedOrg;

beforeAll(async () => {
  fixture = await startTenantFixture();
  const file = files.write(
    'tokens.yaml',
    tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b'], tokens: [tokenB] } })
  );
  tokens = await startTestProxy(testProxyOptions(fixture.url, { tenant: { kind: 'tokens', file } }));
  org = await startSharedOrg({
    teams: { 'acme-ops': ['a'], 'beta-ops': ['b'] },
    members: { alice: ['acme-ops'], bob: ['beta-ops'] },
  });
  idTokens = await startTestProxy(testProxyOptions(fixture.url, { tenant: org.source }));
}, 120_000);
afterAll(async () => {
  await Promise.all([tokens?.proxy.close(), idTokens?.proxy.close()]);
  await Promise.all([fixture?.stop(), org?.stop()]);
  files.remove();
});

async function upstreamRequests(): Promise<number> {
  const text = await (await fetch(`${fixture.url}/metrics`)).text();
  return [...text.matchAll(/^prometheus_http_requests_total\{[^}]*handler="\/api\/v1\/[^"]*"[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0
  );
}

/** Tenants of the series a request returns, for the query API and the series API. */
function tenantsSeen(
  base: string,
  headers: Record<string, string | string[]>
): Promise<Array<{ status: number; tenants: string[] }>> {
  const paths = [
    `/api/v1/query?query=${encodeURIComponent('count by (tenant) ({__name__=~".+"})')}&time=${fixture.time}`,
    `/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}&start=${fixture.start}&end=${fixture.end}`,
  ];
  return Promise.all(
    paths.map(
      (path) =>
        new Promise<{ status: number; tenants: string[] }>((resolve, reject) => {
          const req = http.request(`${base}${path}`, { headers, agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c));
            res.on('end', () => {
              const data = (JSON.parse(text) as { data?: unknown }).data;
              const rows = Array.isArray(data) ? data : ((data as { result?: unknown[] } | undefined)?.result ?? []);
              const labels = (rows as Array<Record<string, unknown>>).map(
                (r) => (r.metric ?? r) as Record<string, string>
              );
              resolve({ status: res.statusCode ?? 0, tenants: [...new Set(labels.map((l) => l.tenant))].sort() });
            });
          });
          req.on('error', reject);
          req.end();
        })
    )
  );
}

describe('--tenant-tokens-file', () => {
  it.each([
    ["a's token", { Authorization: `Bearer ${tokenA}` }, ['a']],
    ["b's token", { Authorization: `Bearer ${tokenB}` }, ['b']],
    [
      "a's token and X-Tenant: b (an edited data source header)",
      { Authorization: `Bearer ${tokenA}`, 'X-Tenant': 'b' },
      ['a'],
    ],
  ])('%s', async (_name, headers, tenants) => {
    expect(await tenantsSeen(tokens.url, headers)).toEqual([
      { status: 200, tenants },
      { status: 200, tenants },
    ]);
  });

  it.each<[string, Record<string, string>]>([
    ['no token', {}],
    ['only X-Tenant: a', { 'X-Tenant': 'a' }],
    ['an unknown token', { Authorization: `Bearer ${newToken()}` }],
    ['a truncated token', { Authorization: `Bearer ${tokenA.slice(0, -1)}` }],
    ['the token upper-cased', { Authorization: `Bearer ${tokenA.toUpperCase()}` }],
    ['the token lower-cased', { Authorization: `Bearer ${tokenA.toLowerCase()}` }],
  ])('%s: 401, nothing reaches Prometheus', async (_name, headers) => {
    const before = await upstreamRequests();
    expect(await tenantsSeen(tokens.url, headers)).toEqual([
      { status: 401, tenants: [] },
      { status: 401, tenants: [] },
    ]);
    expect(await upstreamRequests()).toBe(before);
  });
});

describe('--grafana-id-token', () => {
  const asUser = async (login: string) => ({
    Authorization: `Bearer ${org.secret}`,
    'X-Grafana-Id': await org.grafana.issuer.mint({ sub: `user:${org.users[login]}`, orgId: 1, username: login }),
  });

  it.each([
    ['alice (acme-ops → a)', 'alice', ['a']],
    ['bob (beta-ops → b)', 'bob', ['b']],
  ])('%s', async (_name, login, tenants) => {
    expect(await tenantsSeen(idTokens.url, await asUser(login))).toEqual([
      { status: 200, tenants },
      { status: 200, tenants },
    ]);
  });

  it("an expired token of alice's, or her token without the data source's secret: 401, nothing reaches Prometheus", async () => {
    const before = await upstreamRequests();
    const now = Math.floor(Date.now() / 1000);
    const expired = await org.grafana.issuer.mint({
      sub: `user:${org.users.alice}`,
      orgId: 1,
      iat: now - 900,
      exp: now - 300,
    });
    for (const headers of [
      { Authorization: `Bearer ${org.secret}`, 'X-Grafana-Id': expired },
      { 'X-Grafana-Id': (await asUser('alice'))['X-Grafana-Id'] },
    ] as Array<Record<string, string>>) {
      expect((await tenantsSeen(idTokens.url, headers)).map((r) => r.status)).toEqual([401, 401]);
    }
    expect(await upstreamRequests()).toBe(before);
  });
});
