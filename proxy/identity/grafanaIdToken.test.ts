/** @jest-environment node */
/**
 * `--grafana-id-token` over HTTP: tokens minted exactly as Grafana mints them, keys and team
 * members served by a loopback fake Grafana, a recording fake upstream. Every refused request is
 * checked to have sent nothing upstream.
 */
import http from 'http';
import { SignJWT, exportSPKI, importJWK, type CryptoKey } from 'jose';
import { FakeIdTokenIssuer } from '../../tests/fakes/grafana-api/idTokens';
import { startFakeUpstream, type FakeUpstream } from '../testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from '../testing/proxyHarness';
import { newToken, sha256Hex } from './testing/identityFiles';
import { startSharedOrg, type SharedOrg } from './testing/sharedOrg';

const REFRESH_MS = 1000;
const GRAFANA_TIMEOUT_MS = 1000;
let org: SharedOrg;
let upstream: FakeUpstream;
let started: StartedProxy;

beforeAll(async () => {
  org = await startSharedOrg({
    // "b" is a team named like tenant b that nobody mapped: its members get nothing.
    teams: { 'acme-ops': ['a'], 'beta-ops': ['b'], b: null },
    members: {
      alice: ['acme-ops'],
      bob: ['beta-ops'],
      carol: ['acme-ops', 'beta-ops'],
      dave: [],
      mallory: ['b'],
      mover: ['acme-ops'],
    },
    teamRefreshMs: REFRESH_MS,
  });
  upstream = await startFakeUpstream();
  started = await startTestProxy(testProxyOptions(upstream.url, { tenant: org.source }), {
    identity: { keysCooldownMs: 100, grafanaTimeoutMs: GRAFANA_TIMEOUT_MS, filePollIntervalMs: 100 },
  });
});
afterAll(async () => {
  await started?.proxy.close();
  await upstream?.stop();
  await org?.stop();
});
beforeEach(() => upstream.reset());

const now = () => Math.floor(Date.now() / 1000);
const userToken = (login: string, extra: Partial<Parameters<FakeIdTokenIssuer['mint']>[0]> = {}) =>
  org.grafana.issuer.mint({ sub: `user:${org.users[login]}`, orgId: 1, username: login, ...extra });

/** GET /api/v1/query?query=up; node:http so that a header given as a list goes out as several lines. */
function query(headers: Record<string, string | string[]>): Promise<{ status: number; error?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${started.url}/api/v1/query?query=up`, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => {
        const ok = res.statusCode === 200;
        resolve({ status: res.statusCode ?? 0, error: ok ? undefined : (JSON.parse(body) as { error: string }).error });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
const asGrafana = (idToken: string) => ({ Authorization: `Bearer ${org.secret}`, 'X-Grafana-Id': idToken });

describe("a signed-in user's request is scoped to their teams' tenants", () => {
  it.each([
    ['alice (acme-ops)', 'alice', 'up{tenant="a"}'],
    ['bob (beta-ops)', 'bob', 'up{tenant="b"}'],
    ['carol (both teams): the union', 'carol', 'up{tenant=~"a|b"}'],
  ])('%s', async (_name, login, enforced) => {
    const res = await query(asGrafana(await userToken(login)));
    expect(res).toEqual({ status: 200, error: undefined });
    expect(upstream.requests.map((r) => r.query.get('query'))).toEqual([enforced]);
  });

  it('forwards neither the shared secret nor the ID token, and ignores tenant headers and parameters', async () => {
    const res = await fetch(`${started.url}/api/v1/query?query=up&tenant=b`, {
      headers: { ...asGrafana(await userToken('alice')), 'X-Tenant': 'b' },
    });
    expect(res.status).toBe(200);
    const [forwarded] = upstream.requests;
    expect(forwarded.query.get('query')).toBe('up{tenant="a"}');
    expect(forwarded.headers.authorization).toBeUndefined();
    expect(forwarded.headers['x-grafana-id']).toBeUndefined();
  });

  it('a token accepted (and remembered as verified) is refused once it leaves the leeway', async () => {
    const token = await userToken('alice', { iat: now() - 659, exp: now() - 59 });
    expect((await query(asGrafana(token))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await query(asGrafana(token));
    expect(res.status).toBe(401);
    expect(res.error).toMatch(/expired/);
  });

  it('accepts a token that expired less than the 60 s leeway ago', async () => {
    const token = await userToken('alice', { iat: now() - 630, exp: now() - 30 });
    expect((await query(asGrafana(token))).status).toBe(200);
  });
});

describe('refused with nothing upstream', () => {
  type Case = [string, () => Promise<Record<string, string | string[]>>, number, RegExp];
  const hs256WithPublicKey = async () => {
    // The classic confusion attack: HMAC keyed with the published public key.
    const jwk = org.grafana.issuer.jwks().keys[0];
    const pem = await exportSPKI((await importJWK(jwk, 'ES256')) as CryptoKey);
    const payload = { sub: `user:${org.users.alice}`, type: 'user' };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'jwt' })
      .setIssuer(org.grafana.rootUrl)
      .setAudience(['org:1'])
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(pem));
  };
  const algNone = async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const header = { alg: 'none', typ: 'jwt', kid: org.grafana.issuer.jwks().keys[0].kid };
    const claims = {
      iss: org.grafana.rootUrl,
      aud: ['org:1'],
      sub: `user:${org.users.alice}`,
      type: 'user',
      iat: now(),
      exp: now() + 600,
    };
    return `${b64(header)}.${b64(claims)}.`;
  };
  const cases: Case[] = [
    ['no shared secret', async () => ({ 'X-Grafana-Id': await userToken('alice') }), 401, /shared secret is missing/],
    [
      'a wrong shared secret',
      async () => ({ Authorization: `Bearer ${newToken()}`, 'X-Grafana-Id': await userToken('alice') }),
      401,
      /shared secret is not known/,
    ],
    [
      'the shared secret without an ID token (alert rules, public dashboards)',
      async () => ({ Authorization: `Bearer ${org.secret}` }),
      401,
      /no X-Grafana-Id token/,
    ],
    [
      'two ID tokens',
      async () => ({
        Authorization: `Bearer ${org.secret}`,
        'X-Grafana-Id': [await userToken('bob'), await userToken('alice')],
      }),
      401,
      /2 X-Grafana-Id headers/,
    ],
    [
      'an expired token (beyond the leeway)',
      async () => asGrafana(await userToken('alice', { iat: now() - 700, exp: now() - 100 })),
      401,
      /expired/,
    ],
    [
      'a future-dated token (iat beyond the leeway)',
      async () => asGrafana(await userToken('alice', { iat: now() + 300, exp: now() + 900 })),
      401,
      /"iat"/,
    ],
    [
      'a token living longer than Grafana issues them',
      async () => asGrafana(await userToken('alice', { iat: now() - 1200, exp: now() + 600 })),
      401,
      /expired/,
    ],
    [
      'a wrong issuer',
      async () => asGrafana(await userToken('alice', { iss: 'http://other-grafana:3000/' })),
      401,
      /"iss"/,
    ],
    [
      'the issuer without its trailing slash (not what Grafana signs)',
      async () => asGrafana(await userToken('alice', { iss: org.grafana.rootUrl.replace(/\/$/, '') })),
      401,
      /"iss"/,
    ],
    ['another org (aud org:2)', async () => asGrafana(await userToken('alice', { orgId: 2 })), 401, /"aud"/],
    ['alg none', async () => asGrafana(await algNone()), 401, /ES256|does not verify/],
    ['HS256 signed with the public key', async () => asGrafana(await hs256WithPublicKey()), 401, /ES256/],
    [
      'a key Grafana never published (unknown kid, after a refresh)',
      async () => {
        const rogue = await FakeIdTokenIssuer.unpublishedKey('id-2026-12-es256-rogue');
        return asGrafana(await org.grafana.issuer.mint({ sub: `user:${org.users.alice}`, orgId: 1 }, rogue));
      },
      401,
      /unknown kid/,
    ],
    [
      'a published kid but another key (forged signature)',
      async () => {
        const forger = await FakeIdTokenIssuer.unpublishedKey(org.grafana.issuer.jwks().keys[0].kid!);
        return asGrafana(await org.grafana.issuer.mint({ sub: `user:${org.users.alice}`, orgId: 1 }, forger));
      },
      401,
      /does not verify/,
    ],
    [
      'a service account',
      async () => asGrafana(await org.grafana.issuer.mint({ sub: 'service-account:7', orgId: 1 })),
      401,
      /not a user/,
    ],
    [
      'an anonymous user',
      async () => asGrafana(await org.grafana.issuer.mint({ sub: 'anonymous:0', orgId: 1 })),
      401,
      /not a user/,
    ],
    [
      'the renderer',
      async () => asGrafana(await org.grafana.issuer.mint({ sub: 'render:0', orgId: 1 })),
      401,
      /not a user/,
    ],
    [
      'a user sub with another type claim',
      async () => asGrafana(await userToken('alice', { type: 'service-account' })),
      401,
      /not a user/,
    ],
    ['a garbage token', async () => asGrafana('not.a.jwt'), 401, /does not verify/],
    ['a user in no team', async () => asGrafana(await userToken('dave')), 403, /in no team mapped/],
    [
      'a user in an unmapped team named like tenant b (names are never matched)',
      async () => asGrafana(await userToken('mallory')),
      403,
      /in no team mapped/,
    ],
  ];
  it.each(cases)('%s', async (_name, headers, status, message) => {
    const res = await query(await headers());
    expect(res.status).toBe(status);
    expect(res.error).toMatch(message);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('Grafana changes without a restart', () => {
  it('a user moved from team a to team b sees b within the staleness bound (refresh + Grafana timeout)', async () => {
    const token = await userToken('mover');
    expect((await query(asGrafana(token))).status).toBe(200);
    expect(upstream.requests[0].query.get('query')).toBe('up{tenant="a"}');
    await org.removeMember('acme-ops', 'mover');
    await org.addMember('beta-ops', 'mover');
    const moved = Date.now();
    let elapsed = -1;
    while (Date.now() - moved < REFRESH_MS + GRAFANA_TIMEOUT_MS + 1000) {
      upstream.reset();
      await query(asGrafana(token));
      if (upstream.requests[0]?.query.get('query') === 'up{tenant="b"}') {
        elapsed = Date.now() - moved;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`team move seen after ${elapsed} ms (bound ${REFRESH_MS + GRAFANA_TIMEOUT_MS} ms)`);
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThanOrEqual(REFRESH_MS + GRAFANA_TIMEOUT_MS);
  });

  it("key rotation: the next month's key is fetched on its first unknown kid", async () => {
    const kid = await org.grafana.issuer.addKey('id-2099-01-es256');
    const keyFetches = org.grafana.calls.get('/api/signing-keys/keys') ?? 0;
    const token = await userToken('alice');
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    await new Promise((r) => setTimeout(r, 150)); // past the test's 100 ms key cooldown
    expect((await query(asGrafana(token))).status).toBe(200);
    expect(org.grafana.calls.get('/api/signing-keys/keys')).toBe(keyFetches + 1);
  });

  it('unknown kids do not make the proxy hammer Grafana (refresh cooldown)', async () => {
    await new Promise((r) => setTimeout(r, 150));
    const keyFetches = org.grafana.calls.get('/api/signing-keys/keys') ?? 0;
    const rogue = await FakeIdTokenIssuer.unpublishedKey('id-2098-01-es256');
    const token = await org.grafana.issuer.mint({ sub: `user:${org.users.alice}`, orgId: 1 }, rogue);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => query(asGrafana(token))));
    const elapsed = Date.now() - started;
    expect(answers.every((a) => a.status === 401)).toBe(true);
    // At most one fetch per 100 ms cooldown (the test's setting; 30 s by default), not one per request.
    const fetches = (org.grafana.calls.get('/api/signing-keys/keys') ?? 0) - keyFetches;
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThanOrEqual(1 + Math.floor(elapsed / 100));
    expect(fetches).toBeLessThan(20);
  });

  it('a new shared secret in the mapping file applies without a restart; the old one stops', async () => {
    const next = newToken();
    const doc = org.mappingDoc();
    org.writeMapping({ ...doc, dataSourceTokenSha256: [sha256Hex(next)] });
    await started.proxy.reload();
    const token = await userToken('alice');
    expect((await query({ Authorization: `Bearer ${next}`, 'X-Grafana-Id': token })).status).toBe(200);
    expect((await query(asGrafana(token))).status).toBe(401);
    org.writeMapping(doc);
    await started.proxy.reload();
    expect((await query(asGrafana(token))).status).toBe(200);
  });
});

describe('start-up', () => {
  it('the start line names the mode and the issuer', () => {
    const line = started.logs.find((l) => l.msg === 'proxy listening');
    expect(line).toMatchObject({ tenantSource: 'grafanaIdToken' });
    expect(String(line?.identity)).toContain(`issuer ${org.grafana.rootUrl}`);
  });

  it('refuses to start without a service account token', async () => {
    await expect(
      startTestProxy(testProxyOptions(upstream.url, { tenant: { ...org.source, grafanaTokenFile: null } }), {
        identity: { env: {} },
      })
    ).rejects.toThrow(/set GRAFANA_TOKEN or give --grafana-token-file/);
  });
});
