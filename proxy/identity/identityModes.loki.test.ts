/** @jest-environment node */
/**
 * The verified identity modes in front of Loki (--upstream-kind=loki, a recording fake Loki: no Loki
 * binary exists here). The same guarantees as identityModes.prometheus.test.ts: a tenant token or a
 * Grafana ID token decides the tenant of every stream selector that reaches Loki; a header the
 * client sets cannot move it; a missing or wrong credential is 401 with nothing sent to Loki.
 */
import { unpinnedSelectors } from '../../src/logql/testing/selectorWalk';
import type { TenantSource } from '../options';
import { startFakeUpstream, type FakeUpstream } from '../testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from '../testing/proxyHarness';
import { identityFileDir, newToken, tokensDoc } from './testing/identityFiles';
import { startSharedOrg, type SharedOrg } from './testing/sharedOrg';

const tokenA = newToken();
const tokenB = newToken();
const files = identityFileDir();
const QUERY = 'sum by (level) (count_over_time({app="api", tenant!="a"} | json | tenant="b" [5m]))';
let loki: FakeUpstream;
let tokens: StartedProxy;
let idTokens: StartedProxy;
let org: SharedOrg;

const overLoki = (tenant: TenantSource) =>
  testProxyOptions(loki.url, { upstreamKind: 'loki', lokiOrgId: 'fake', tenant });

beforeAll(async () => {
  loki = await startFakeUpstream();
  const file = files.write(
    'tokens.yaml',
    tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b'], tokens: [tokenB] } })
  );
  tokens = await startTestProxy(overLoki({ kind: 'tokens', file }));
  org = await startSharedOrg({
    teams: { 'acme-ops': ['a'], 'beta-ops': ['b'] },
    members: { alice: ['acme-ops'], bob: ['beta-ops'] },
  });
  idTokens = await startTestProxy(overLoki(org.source));
}, 60_000);
afterAll(async () => {
  await Promise.all([tokens?.proxy.close(), idTokens?.proxy.close()]);
  await Promise.all([loki?.stop(), org?.stop()]);
  files.remove();
});
beforeEach(() => loki.reset());

/** Sends one query_range and returns the status and the LogQL text Loki received (null: nothing reached Loki). */
async function queryRange(
  base: string,
  headers: Record<string, string>
): Promise<{ status: number; sent: string | null }> {
  const res = await fetch(`${base}/loki/api/v1/query_range?query=${encodeURIComponent(QUERY)}&start=1&end=2`, {
    headers,
  });
  await res.text();
  const req = loki.requests.at(-1);
  if (req) {
    // The configured org, never the client's credentials, goes to Loki.
    expect(req.headers['x-scope-orgid']).toBe('fake');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['x-grafana-id']).toBeUndefined();
  }
  return { status: res.status, sent: req?.query.get('query') ?? null };
}

/** The tenant value every selector of `sent` is pinned to, checked by an independent walk. */
function pinnedTo(sent: string | null, tenant: string): boolean {
  return sent !== null && unpinnedSelectors(sent, 'tenant', '=', tenant).length === 0;
}

describe('--tenant-tokens-file in front of Loki', () => {
  it.each([
    ["a's token", { Authorization: `Bearer ${tokenA}` }, 'a'],
    ["b's token", { Authorization: `Bearer ${tokenB}` }, 'b'],
    [
      "a's token and X-Tenant: b (an edited data source header)",
      { Authorization: `Bearer ${tokenA}`, 'X-Tenant': 'b' },
      'a',
    ],
  ])('%s: every selector reaches Loki pinned to its tenant', async (_name, headers, tenant) => {
    const { status, sent } = await queryRange(tokens.url, headers);
    expect(status).toBe(200);
    expect(pinnedTo(sent, tenant)).toBe(true);
  });

  it("a's token with X-Scope-OrgID: b is refused (a client never chooses Loki's org), nothing reaches Loki", async () => {
    expect(await queryRange(tokens.url, { Authorization: `Bearer ${tokenA}`, 'X-Scope-OrgID': 'b' })).toEqual({
      status: 400,
      sent: null,
    });
  });

  it.each<[string, Record<string, string>]>([
    ['no token', {}],
    ['only X-Tenant: a', { 'X-Tenant': 'a' }],
    ['an unknown token', { Authorization: `Bearer ${newToken()}` }],
    ['a truncated token', { Authorization: `Bearer ${tokenA.slice(0, -1)}` }],
    ['the token upper-cased', { Authorization: `Bearer ${tokenA.toUpperCase()}` }],
  ])('%s: 401, nothing reaches Loki', async (_name, headers) => {
    expect(await queryRange(tokens.url, headers)).toEqual({ status: 401, sent: null });
  });
});

describe('--grafana-id-token in front of Loki', () => {
  const asUser = async (login: string) => ({
    Authorization: `Bearer ${org.secret}`,
    'X-Grafana-Id': await org.grafana.issuer.mint({ sub: `user:${org.users[login]}`, orgId: 1, username: login }),
  });

  it.each([
    ['alice (acme-ops → a)', 'alice', 'a'],
    ['bob (beta-ops → b)', 'bob', 'b'],
  ])('%s', async (_name, login, tenant) => {
    const { status, sent } = await queryRange(idTokens.url, await asUser(login));
    expect(status).toBe(200);
    expect(pinnedTo(sent, tenant)).toBe(true);
  });

  it("alice's ID token without the data source's secret: 401, nothing reaches Loki", async () => {
    const { 'X-Grafana-Id': idToken } = await asUser('alice');
    expect(await queryRange(idTokens.url, { 'X-Grafana-Id': idToken })).toEqual({ status: 401, sent: null });
  });
});
