import type { Policy } from '../../src/policy';
import { readFile } from 'fs/promises';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from '../log';
import { ProxyRejection } from '../rejection';
import { bearerToken, matchDigest, tokenDigest } from './bearer';
import { parseTeamMappingFile, type TeamMappingFile } from './fileFormats';
import { unauthenticated, type IdentitySource } from './identity';
import { TeamMembershipIndex } from './teamIndex';
import { WatchedFile } from './watchedFile';

export interface GrafanaIdTokenConfig {
  /** Grafana's root URL (root_url): the expected `iss`, base of the keys and team API. */
  grafanaUrl: string;
  teamMappingFile: string;
  /** File holding the org-scoped service account token; null = environment GRAFANA_TOKEN. */
  grafanaTokenFile: string | null;
  teamRefreshMs: number;
}

export interface GrafanaIdTokenTuning {
  logger: Logger;
  pollIntervalMs: number;
  /** Least time between two key fetches caused by an unknown `kid`. */
  keysCooldownMs: number;
  grafanaTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** Tenant values as a one-rule policy, for a user in both a values team and a rules team. */
  valuesPolicy?: (values: readonly string[]) => Policy;
}

/** Expiry leeway for clock skew between Grafana and the proxy (issue #14: at most 60 s). */
const CLOCK_TOLERANCE_S = 60;
/** Grafana's ID tokens live 10 minutes (pkg/services/auth/idimpl/service.go, tokenTTL). */
const TOKEN_TTL = '10m';
const TOKEN_TTL_S = 600;
/** Grafana's JWKS answer says `Cache-Control: public, max-age=3600`. */
const KEYS_MAX_AGE_MS = 3_600_000;
/** Tokens verified once and kept until they expire (bounded; cleared when full). */
const MAX_VERIFIED_TOKENS = 10_000;

/**
 * `--grafana-id-token`: the tenant of a shared org's user, proven by Grafana itself. Grafana 12
 * signs an ID token (`X-Grafana-Id`) for every data source request of a signed-in user; the proxy
 * verifies it with Grafana's published keys (jose, ES256 only), requires the org's audience and
 * Grafana's issuer, takes the user id from `sub` (users only), and maps the user's teams (by id
 * and uid, never by name) to tenant values. The data source's shared secret
 * (`Authorization: Bearer`) is required as well, so a token lifted from one data source request
 * cannot be replayed from anywhere else. Facts: ../shared/grafana-api/CONTRACT.md, last section.
 */
export function grafanaIdTokenIdentity(cfg: GrafanaIdTokenConfig, t: GrafanaIdTokenTuning): IdentitySource {
  const root = grafanaRootUrl(cfg.grafanaUrl);
  // Grafana signs with iss = cfg.AppURL, which always ends in "/" (setting.go parseAppUrlAndSubUrl).
  const issuer = root.href;
  const mapping = new WatchedFile<TeamMappingFile>({
    path: cfg.teamMappingFile,
    what: 'team mapping file',
    parse: parseTeamMappingFile,
    summary: (m) => ({ orgId: m.orgId, teams: m.teams.length, secrets: m.secretDigests.length }),
    logger: t.logger,
    pollIntervalMs: t.pollIntervalMs,
  });
  const keys = createRemoteJWKSet(new URL('api/signing-keys/keys', root), {
    cooldownDuration: t.keysCooldownMs,
    cacheMaxAge: KEYS_MAX_AGE_MS,
    timeoutDuration: t.grafanaTimeoutMs,
  });
  let index: TeamMembershipIndex | null = null;
  let orgId = 0;
  // Grafana reuses a user's token for ~9.5 minutes (idimpl cacheLeeway), so most requests carry a
  // token this proxy already verified: the exact same string (signature included) is accepted
  // again while its time claims still hold, without a second ES256 verification. Only tokens that
  // verified are kept. Cost of the shortcut: a key Grafana stops publishing keeps its already
  // verified tokens valid until they expire (at most 10 minutes).
  const verified = new Map<string, JWTPayload>();

  return {
    kind: 'grafanaIdToken',
    description: `tenant from the teams of the Grafana user in the signed X-Grafana-Id token (issuer ${issuer}, teams in ${cfg.teamMappingFile})`,
    consumedHeaders: new Set(['authorization', 'x-grafana-id']),
    async start() {
      await mapping.start();
      orgId = mapping.current().orgId;
      const token = await serviceAccountToken(cfg.grafanaTokenFile, t.env);
      index = new TeamMembershipIndex({
        grafanaRoot: root,
        serviceAccountToken: token,
        teams: () => mapping.current().teams,
        refreshIntervalMs: cfg.teamRefreshMs,
        timeoutMs: t.grafanaTimeoutMs,
        logger: t.logger,
        valuesPolicy: t.valuesPolicy,
      });
      try {
        await index.refreshNow();
      } catch (err) {
        // Not fatal: Grafana may start after the proxy; requests get 503 until it answers.
        t.logger({ level: 'warn', msg: 'team memberships not loaded at start', error: (err as Error).message });
      }
    },
    reload: () => mapping.reload('signal'),
    close: () => mapping.close(),
    async resolve({ headers }) {
      const current = mapping.current();
      if (current.orgId !== orgId) {
        // The audience is fixed at start: one proxy per shared org (interfaces.md section 2).
        return new ProxyRejection(
          503,
          'identity-unavailable',
          `the team mapping file now names org ${current.orgId} but this proxy serves org ${orgId}; restart it`
        );
      }
      const secret = bearerToken(headers);
      if ('problem' in secret || !matchDigest(tokenDigest(secret.token), current.secretDigests)) {
        return unauthenticated(
          `the data source's shared secret is ${'problem' in secret ? `missing (${secret.problem})` : 'not known'}; ` +
            'set it in the shared org data source (Authorization: Bearer <secret>)'
        );
      }
      const lines = headers['x-grafana-id'] ?? [];
      if (lines.length !== 1) {
        return unauthenticated(
          lines.length === 0
            ? 'no X-Grafana-Id token: only signed-in Grafana users can query a shared org (not alert rules, public dashboards or service accounts)'
            : `${lines.length} X-Grafana-Id headers; Grafana sends one`
        );
      }
      let payload = verified.get(lines[0]);
      if (payload && !timeClaimsHold(payload)) {
        verified.delete(lines[0]);
        payload = undefined;
      }
      if (!payload) {
        try {
          ({ payload } = await jwtVerify(lines[0], keys, {
            algorithms: ['ES256'],
            issuer,
            audience: `org:${orgId}`,
            clockTolerance: CLOCK_TOLERANCE_S,
            maxTokenAge: TOKEN_TTL,
            requiredClaims: ['sub', 'iat', 'exp'],
          }));
        } catch (err) {
          return verificationRejection(err);
        }
        if (verified.size >= MAX_VERIFIED_TOKENS) {
          verified.clear();
        }
        verified.set(lines[0], payload);
      }
      const user = /^user:([1-9][0-9]{0,18})$/.exec(String(payload.sub));
      if (!user || (payload.type !== undefined && payload.type !== 'user')) {
        return unauthenticated(
          `the X-Grafana-Id subject "${String(payload.sub).slice(0, 40)}" is not a user; ` +
            'service accounts, anonymous users and the renderer cannot query a shared org'
        );
      }
      const identity = await index!.identityFor(Number(user[1]));
      return (
        identity ??
        new ProxyRejection(
          403,
          'forbidden',
          `Grafana user ${user[1]} is in no team mapped to a tenant of org ${orgId}; ask an admin to add you to a tenant's team`
        )
      );
    },
  };
}

/** The checks jwtVerify made on exp and iat, repeated for a token verified earlier. */
function timeClaimsHold(payload: JWTPayload): boolean {
  const now = Date.now() / 1000;
  return (
    typeof payload.exp === 'number' &&
    typeof payload.iat === 'number' &&
    now < payload.exp + CLOCK_TOLERANCE_S &&
    now - payload.iat <= TOKEN_TTL_S + CLOCK_TOLERANCE_S
  );
}

/** `--grafana-url` as a base URL ending in "/" (Grafana's AppURL form). */
export function grafanaRootUrl(text: string): URL {
  const url = new URL(text);
  if (!url.pathname.endsWith('/')) {
    url.pathname += '/';
  }
  return url;
}

async function serviceAccountToken(file: string | null, env: NodeJS.ProcessEnv): Promise<string> {
  const token = file === null ? (env.GRAFANA_TOKEN ?? '') : (await readFile(file, 'utf8')).trim();
  if (token === '') {
    throw new Error(
      file === null
        ? 'no Grafana service account token: set GRAFANA_TOKEN or give --grafana-token-file (an org Admin token of the shared org)'
        : `--grafana-token-file ${file} is empty; put the shared org's service account token in it`
    );
  }
  return token;
}

/** 401 for a token that does not verify, 503 when Grafana's keys cannot be fetched. */
function verificationRejection(err: unknown): ProxyRejection {
  if (err instanceof errors.JWTExpired) {
    return unauthenticated('the X-Grafana-Id token has expired');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated(`the X-Grafana-Id token's "${err.claim}" claim is not accepted (${err.reason})`);
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated('the X-Grafana-Id token is signed with a key Grafana does not publish (unknown kid)');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return unauthenticated('the X-Grafana-Id token is not signed with ES256');
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
    return new ProxyRejection(
      503,
      'identity-unavailable',
      `Grafana's signing keys could not be fetched (${(err as Error).message}); check --grafana-url`
    );
  }
  return unauthenticated(`the X-Grafana-Id token does not verify (${err.code})`);
}
