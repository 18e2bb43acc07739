/**
 * Grafana's signed ID tokens (`X-Grafana-Id`) for tests of the proxy's `--grafana-id-token` mode:
 * keys and tokens made exactly as Grafana 12 makes them, and a loopback HTTP server that serves
 * the keys at `/api/signing-keys/keys` in front of a FakeGrafana (teams, members, auth).
 *
 * Facts (../shared/grafana-api/CONTRACT.md, last section; Grafana's pkg/services/auth/idimpl/
 * service.go and pkg/services/signingkeys/): ES256 on P-256, header `kid` `id-YYYY-MM-es256` and
 * `typ` `jwt`; claims iss = root URL (cfg.AppURL, ending in "/"), aud ["org:<N>"], sub
 * `<type>:<id>`, iat, exp = iat + 10 min, namespace (`default` for org 1, else `org-<N>`),
 * identifier (uid), type; users also email, email_verified, username, name, authenticatedBy.
 * The JWKS answer carries `Cache-Control: public, max-age=3600` and needs no auth.
 */
import { createServer, type IncomingMessage } from 'http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AddressInfo } from 'net';
import type { FakeGrafana } from './fakeGrafana';

export interface IdTokenClaims {
  /** `user:12`, `service-account:3`, `anonymous:0`, `render:0` ... */
  sub: string;
  orgId: number;
  /** Defaults to the type of `sub`. */
  type?: string;
  identifier?: string;
  username?: string;
  email?: string;
  /** Unix seconds; defaults to now. */
  iat?: number;
  /** Unix seconds; defaults to iat + 600 (Grafana's tokenTTL). */
  exp?: number;
  iss?: string;
  aud?: string[];
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Grafana's monthly key id, e.g. `id-2026-12-es256` (signingkeysimpl: one key per UTC month). */
export function monthlyKid(date: Date): string {
  return `id-${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-es256`;
}

export class FakeIdTokenIssuer {
  private readonly keys: SigningKey[] = [];

  constructor(readonly rootUrl: string) {}

  /** Adds a key to the published set (this month's kid unless given) and returns its kid. */
  async addKey(kid = monthlyKid(new Date())): Promise<string> {
    this.keys.push(await makeKey(kid));
    return kid;
  }

  /** A key Grafana never published (for the unknown-kid attack). */
  static async unpublishedKey(kid: string): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
    return makeKey(kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** A token as Grafana signs it, with the newest published key unless another key is given. */
  async mint(claims: IdTokenClaims, key?: { kid: string; privateKey: CryptoKey }): Promise<string> {
    const signer = key ?? this.keys[this.keys.length - 1];
    if (!signer) {
      throw new Error('FakeIdTokenIssuer.mint: no key; call addKey() first');
    }
    const iat = claims.iat ?? Math.floor(Date.now() / 1000);
    const [type, id] = claims.sub.split(':');
    const payload: Record<string, unknown> = {
      namespace: claims.orgId === 1 ? 'default' : `org-${claims.orgId}`,
      identifier: claims.identifier ?? `uid-${id}`,
      type: claims.type ?? type,
    };
    if ((claims.type ?? type) === 'user') {
      Object.assign(payload, {
        email: claims.email ?? `user${id}@example.com`,
        email_verified: false,
        username: claims.username ?? `user${id}`,
        name: claims.username ?? `user${id}`,
        authenticatedBy: 'password',
      });
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'jwt' })
      .setIssuer(claims.iss ?? this.rootUrl)
      .setAudience(claims.aud ?? [`org:${claims.orgId}`])
      .setSubject(claims.sub)
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp ?? iat + 600)
      .sign(signer.privateKey);
  }
}

async function makeKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface IdTokenGrafanaServer {
  /** Root URL as Grafana's AppURL has it (ends in "/"): the tokens' iss. */
  rootUrl: string;
  issuer: FakeIdTokenIssuer;
  /** Requests per path (query string dropped), e.g. `/api/teams/3/members` → 12. */
  calls: Map<string, number>;
  totalCalls(): number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Loopback HTTP server: `/api/signing-keys/keys` from the issuer, every other `/api/` call handled
 * by the FakeGrafana (the proxy's service account reads `/api/teams/:id/members` there).
 */
export async function startIdTokenGrafana(fake: FakeGrafana): Promise<IdTokenGrafanaServer> {
  const calls = new Map<string, number>();
  let issuer: FakeIdTokenIssuer | null = null;
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (path === '/api/signing-keys/keys' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      res.end(JSON.stringify(issuer!.jwks()));
      return;
    }
    const text = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string') {
        headers[k] = v;
      }
    }
    const out = await fake.handle({
      method: req.method ?? 'GET',
      url,
      headers,
      body: text === '' ? undefined : JSON.parse(text),
    });
    res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
    res.end(out.body === undefined ? '' : JSON.stringify(out.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  issuer = new FakeIdTokenIssuer(rootUrl);
  await issuer.addKey();
  return {
    rootUrl,
    issuer,
    calls,
    totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
