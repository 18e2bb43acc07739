/** @jest-environment node */
/**
 * tenancy-proxy-logs as docker-compose.yaml runs it — its command parsed by the proxy's own parser —
 * in front of a recording fake Loki (no Loki binary exists here). Only what depends on the machine is
 * replaced: the listen addresses (free loopback ports), the upstream (the fake instead of
 * http://loki:3100) and where the tokens file lives (a temp file with the tokens file's format, in
 * place of provisioning/proxy/proxy-tokens.yaml). Tenant a's data source token reaches Loki with the
 * tenant pinned and X-Scope-OrgID "fake"; no token, an unknown token, a client X-Scope-OrgID and a push
 * are refused before Loki sees anything; the compose healthcheck command passes against it.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';

import { identityFileDir, newToken, tokensDoc } from '../../proxy/identity/testing/identityFiles';
import { parseProxyArgs, type ProxyOptions } from '../../proxy/options';
import { startFakeUpstream, type FakeUpstream } from '../../proxy/testing/fakeUpstream';
import { startTestProxy, type StartedProxy } from '../../proxy/testing/proxyHarness';
import { unpinnedSelectors } from '../../src/logql/testing/selectorWalk';
import { compose, mountedFile } from './composeFile';

const SERVICE = 'tenancy-proxy-logs';
const svc = compose.services[SERVICE];
const composeOptions = parseProxyArgs(svc.command ?? []);

// Apply gives each tenant a metrics token and a logs token and lists both hashes under the tenant.
const tokens = { aMetrics: newToken(), aLogs: newToken(), bLogs: newToken() };
const files = identityFileDir();
let loki: FakeUpstream;
let started: StartedProxy;

/** The compose options with only the machine-bound parts replaced. */
function localOptions(upstream: string, tokensFile: string): ProxyOptions {
  if (composeOptions.tenant.kind !== 'tokens') {
    throw new Error(`${SERVICE} is not in token mode (${composeOptions.tenant.kind})`);
  }
  return {
    ...composeOptions,
    upstream,
    listenAddress: '127.0.0.1:0',
    internalListenAddress: composeOptions.internalListenAddress === null ? null : '127.0.0.1:0',
    tenant: { kind: 'tokens', file: tokensFile },
  };
}

beforeAll(async () => {
  loki = await startFakeUpstream();
  const file = files.write(
    'proxy-tokens.yaml',
    tokensDoc({
      a: { values: ['a'], tokens: [tokens.aMetrics, tokens.aLogs] },
      b: { values: ['b'], tokens: [tokens.bLogs] },
    })
  );
  started = await startTestProxy(localOptions(loki.url, file));
});
afterAll(async () => {
  await started?.proxy.close();
  await loki?.stop();
  files.remove();
});
beforeEach(() => loki.reset());

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(started.url + path, { headers });
  return { status: res.status, body: await res.text() };
}
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The Loki calls that reached the fake (not the proxy's own start-up probes, if any). */
const lokiCalls = () => loki.requests.filter((r) => r.path.startsWith('/loki/') || r.path.startsWith('/api/prom/'));

// What a tenant might try: name another tenant in the selector and filter on the label it claims.
const QUERY = '{app="checkout", tenant="b"} | json | tenant="b"';
const RANGE = `/loki/api/v1/query_range?query=${encodeURIComponent(QUERY)}&start=1&end=2&limit=10`;

describe(`${SERVICE} with the flags of docker-compose.yaml`, () => {
  it('is the Loki-mode token proxy compose describes: Loki upstream, org "fake", the mounted tokens file', () => {
    expect(composeOptions.upstreamKind).toBe('loki');
    expect(composeOptions.upstream).toBe('http://loki:3100');
    expect(composeOptions.lokiOrgId).toBe('fake');
    expect(composeOptions.label).toBe('tenant');
    const file = composeOptions.tenant.kind === 'tokens' ? composeOptions.tenant.file : '';
    expect(mountedFile(svc, file)).toBe('provisioning/proxy/proxy-tokens.yaml');
  });

  it.each([
    ['a', 'logs', tokens.aLogs],
    ['a', 'metrics', tokens.aMetrics],
    ['b', 'logs', tokens.bLogs],
  ])(
    'tenant %s’s %s token: Loki gets the query with every selector pinned to it, org "fake"',
    async (tenant, _kind, token) => {
      const res = await get(RANGE, bearer(token));
      expect(res.status).toBe(200);
      const calls = lokiCalls();
      expect(calls.map((c) => c.path)).toEqual(['/loki/api/v1/query_range']);
      const sent = calls[0].query.get('query')!;
      expect({ sent, unpinned: unpinnedSelectors(sent, 'tenant', '=', tenant) }).toEqual({ sent, unpinned: [] });
      expect(calls[0].headers['x-scope-orgid']).toBe('fake');
      expect(calls[0].headers.authorization).toBeUndefined();
    }
  );

  it('lists label values of the token’s tenant only (a tenant selector is added where the client gave none)', async () => {
    expect((await get('/loki/api/v1/label/app/values', bearer(tokens.aLogs))).status).toBe(200);
    const calls = lokiCalls();
    expect(calls.length).toBe(1);
    expect(unpinnedSelectors(calls[0].query.get('query')!, 'tenant', '=', 'a')).toEqual([]);
  });

  it.each<[string, number, Record<string, string>]>([
    ['no token', 401, {}],
    ['an unknown token', 401, bearer(newToken())],
    ['a tenant header instead of a token', 401, { 'X-Tenant': 'a' }],
    ['tenant a’s token with a client X-Scope-OrgID', 400, { ...bearer(tokens.aLogs), 'X-Scope-OrgID': 'other' }],
  ])('%s: %i and nothing reaches Loki', async (_name, status, headers) => {
    expect((await get(RANGE, headers)).status).toBe(status);
    expect(lokiCalls()).toEqual([]);
  });

  it('refuses push even with a valid token: the agents write to Loki directly, never through this proxy', async () => {
    const res = await fetch(started.url + '/loki/api/v1/push', {
      method: 'POST',
      headers: { ...bearer(tokens.aLogs), 'Content-Type': 'application/json' },
      body: JSON.stringify({ streams: [{ stream: { tenant: 'b' }, values: [['1', 'spoofed']] }] }),
    });
    expect(res.status).toBe(404);
    expect(lokiCalls()).toEqual([]);
  });

  it('passes the compose healthcheck command (aimed at this run’s internal port)', async () => {
    const [cmd, ...args] = svc.healthcheck!.test;
    expect([cmd, args[0], args[1]]).toEqual(['CMD', 'node', '-e']);
    const script = args[2].replace('http://127.0.0.1:8081', started.internalUrl!);
    expect(script).not.toBe(args[2]);
    await expect(promisify(execFile)(process.execPath, ['-e', script], { timeout: 10_000 })).resolves.toBeDefined();
  });
});
