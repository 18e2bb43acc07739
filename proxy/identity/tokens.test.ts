/** @jest-environment node */
/**
 * `--tenant-tokens-file` over HTTP against a recording fake upstream: the token decides the tenant,
 * anything else is a 401 with nothing upstream, the Authorization header never leaves the proxy,
 * and the file follows changes (watch, poll, SIGHUP path) without dropping a request.
 */
import http from 'http';
import { startFakeUpstream, type FakeUpstream } from '../testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from '../testing/proxyHarness';
import { identityFileDir, newToken, tokensDoc } from './testing/identityFiles';

const tokenA = newToken();
const tokenA2 = newToken();
const tokenB = newToken();
const files = identityFileDir();
let upstream: FakeUpstream;
let started: StartedProxy;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const file = files.write(
    'tokens.yaml',
    tokensDoc({ a: { values: ['a'], tokens: [tokenA, tokenA2] }, b: { values: ['b', 'b2'], tokens: [tokenB] } })
  );
  started = await startTestProxy(testProxyOptions(upstream.url, { tenant: { kind: 'tokens', file } }), {
    identity: { filePollIntervalMs: 100 },
  });
});
afterAll(async () => {
  await started?.proxy.close();
  await upstream?.stop();
  files.remove();
});
beforeEach(() => upstream.reset());

function get(path: string, headers: Record<string, string | string[]> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${started.url}${path}`, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('the token names the tenant', () => {
  it.each([
    ['a', tokenA, 'up{tenant="a"}'],
    ['a (second hash: rotation window)', tokenA2, 'up{tenant="a"}'],
    ['b (two values)', tokenB, 'up{tenant=~"b|b2"}'],
  ])('token of %s', async (_name, token, enforced) => {
    const res = await get('/api/v1/query?query=up', bearer(token));
    expect(res.status).toBe(200);
    expect(upstream.requests.map((r) => r.query.get('query'))).toEqual([enforced]);
  });

  it('ignores tenant headers and parameters: they cannot change the tenant', async () => {
    const res = await get('/api/v1/query?query=up&tenant=b', { ...bearer(tokenA), 'X-Tenant': 'b' });
    expect(res.status).toBe(200);
    expect(upstream.requests[0].query.get('query')).toBe('up{tenant="a"}');
  });

  it('never forwards the Authorization header', async () => {
    await get('/api/v1/query?query=up', bearer(tokenA));
    expect(upstream.requests[0].headers.authorization).toBeUndefined();
  });

  it('accepts the scheme in any case (RFC 9110), the token only exactly', async () => {
    expect((await get('/api/v1/query?query=up', { Authorization: `bearer ${tokenA}` })).status).toBe(200);
  });
});

describe('401 and nothing upstream', () => {
  const flipCase = (t: string) =>
    t.replace(/[a-z]/i, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  it.each<[string, Record<string, string | string[]>]>([
    ['no Authorization header', {}],
    ['an unknown token', bearer(newToken())],
    ['a truncated token', bearer(tokenA.slice(0, 42))],
    ['a token with one more character', bearer(`${tokenA}A`)],
    ['the token upper-cased', bearer(tokenA.toUpperCase())],
    ['the token lower-cased', bearer(tokenA.toLowerCase())],
    ['the token with one letter case-flipped', bearer(flipCase(tokenA))],
    ['the digest instead of the token', bearer('0'.repeat(64))],
    ['Basic instead of Bearer', { Authorization: `Basic ${Buffer.from(`a:${tokenA}`).toString('base64')}` }],
    ['Bearer without a token', { Authorization: 'Bearer ' }],
    ['a token with a space inside', { Authorization: `Bearer ${tokenA.slice(0, 10)} ${tokenA.slice(10)}` }],
    ['two Authorization headers (a and b)', { Authorization: [`Bearer ${tokenA}`, `Bearer ${tokenB}`] }],
    ['only a tenant header', { 'X-Tenant': 'a' }],
  ])('%s', async (_name, headers) => {
    const res = await get('/api/v1/query?query=up', headers);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatch(/token|Authorization/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('also on the label APIs, rules and alerts', async () => {
    for (const path of [
      '/api/v1/labels',
      '/api/v1/label/tenant/values',
      '/api/v1/series?match[]=up',
      '/api/v1/rules',
      '/api/v1/alerts',
    ]) {
      expect((await get(path, bearer(newToken()))).status).toBe(401);
    }
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('the file follows changes', () => {
  async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error('condition not reached in time');
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const statusOf = async (token: string) => (await get('/api/v1/query?query=up', bearer(token))).status;

  it('rotation: a new token works and the removed one stops working, without a restart', async () => {
    const tokenC = newToken();
    files.write(
      'tokens.yaml',
      tokensDoc({ a: { values: ['a'], tokens: [tokenA, tokenC] }, b: { values: ['b', 'b2'], tokens: [tokenB] } })
    );
    await eventually(async () => (await statusOf(tokenC)) === 200);
    files.write(
      'tokens.yaml',
      tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b', 'b2'], tokens: [tokenB] } })
    );
    await eventually(async () => (await statusOf(tokenC)) === 401);
    expect(await statusOf(tokenA)).toBe(200);
  });

  it.each([
    ['not YAML', 'tenants: [unclosed'],
    ['a digest that is not hex', 'tenants:\n  a: { values: [a], tokenSha256: [xyz] }\n'],
    ['no values', `tenants:\n  a: { values: [], tokenSha256: ["${'a'.repeat(64)}"] }\n`],
    ['an unknown key', `tenants:\n  a: { values: [a], tokenSha256: [], tenant: b }\n`],
    [
      'one digest under two tenants',
      `tenants:\n  a: { values: [a], tokenSha256: ["${'a'.repeat(64)}"] }\n  b: { values: [b], tokenSha256: ["${'a'.repeat(64)}"] }\n`,
    ],
    ['an empty file', ''],
  ])('a broken file (%s) keeps the last good one and logs why', async (_name, text) => {
    const good = tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b', 'b2'], tokens: [tokenB] } });
    files.write('tokens.yaml', good);
    await started.proxy.reload();
    const logged = started.logs.length;
    files.write('tokens.yaml', text);
    await started.proxy.reload(); // the SIGHUP path
    await eventually(async () =>
      started.logs.slice(logged).some((l) => l.msg === 'tokens file rejected, keeping the last good version')
    );
    expect(await statusOf(tokenA)).toBe(200);
    expect(await statusOf(tokenB)).toBe(200);
    files.write('tokens.yaml', good);
    await started.proxy.reload();
  });

  it('100 reloads under load: no request fails', async () => {
    const base = { a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b', 'b2'], tokens: [tokenB] } };
    let stop = false;
    const outcomes: number[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const load = async () => {
      while (!stop) {
        const status = await new Promise<number>((resolve) => {
          const token = outcomes.length % 2 === 0 ? tokenA : tokenB;
          const req = http.request(`${started.url}/api/v1/query?query=up`, { headers: bearer(token), agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', () => resolve(-1));
          req.end();
        });
        outcomes.push(status);
      }
    };
    const workers = Array.from({ length: 8 }, load);
    const reloadsBefore = started.logs.filter((l) => l.msg === 'tokens file reloaded').length;
    for (let i = 0; i < 100; i++) {
      // Each version keeps a and b valid and adds a throwaway token, so each one is a real change.
      files.write('tokens.yaml', tokensDoc({ ...base, c: { values: ['c'], tokens: [newToken()] } }));
      await started.proxy.reload();
      await new Promise((r) => setTimeout(r, 5));
    }
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    const reloads = started.logs.filter((l) => l.msg === 'tokens file reloaded').length - reloadsBefore;
    console.log(
      `tokens file: ${reloads} reloads under load, ${outcomes.length} requests, ${outcomes.filter((s) => s !== 200).length} not 200`
    );
    expect(reloads).toBeGreaterThanOrEqual(100);
    expect(outcomes.length).toBeGreaterThan(200);
    expect(outcomes.filter((s) => s !== 200)).toEqual([]);
  }, 60_000);
});

describe('start-up', () => {
  it.each([
    ['a missing file', (): string => files.file('absent.yaml'), /cannot read the tokens file/],
    ['a broken file', (): string => files.write('broken.yaml', 'tenants: 3'), /"tenants" must be a mapping/],
  ])('refuses to start with %s, naming the file', async (_name, file, message) => {
    await expect(
      startTestProxy(testProxyOptions(upstream.url, { tenant: { kind: 'tokens', file: file() } }))
    ).rejects.toThrow(message);
  });

  it('says which source is active in the start line', () => {
    const line = started.logs.find((l) => l.msg === 'proxy listening');
    expect(line).toMatchObject({ tenantSource: 'tokens' });
    expect(String(line?.identity)).toMatch(/bearer token .* tenant headers and parameters are ignored/);
  });
});
