import type { IncomingMessage } from 'http';
import type { Policy } from '../../src/policy';
import type { Params } from '../params';
import { ProxyRejection } from '../rejection';

/**
 * Who is asking, as one identity source established it: the tenant values the request may see.
 * Route handlers get these values, never the raw request identity (DESIGN.md "identity").
 */
export interface Identity {
  /**
   * Tenant label values (of --label), sorted in byte order, without empty strings; non-empty
   * unless `policy` is set, and empty when it is.
   */
  readonly values: readonly string[];
  /**
   * A label policy (rules of matchers; src/policy) instead of tenant values: from `--rule`, a
   * tokens-file or team entry with `rules`, or an accepted LBAC header. Absent for a values
   * identity, which is the one-rule policy `{<label>=~"<values>"}` and keeps today's enforcement.
   */
  readonly policy?: Policy;
  /** The tenant id the identity was configured under (tokens-file entry key), when it has one. */
  readonly tenant?: string;
}

/** What an identity source may look at: headers and parameters, never the query text itself. */
export interface IdentityRequest {
  /** One entry per header line (IncomingMessage.headersDistinct), names in lower case. */
  readonly headers: IncomingMessage['headersDistinct'];
  /** URL parameters; a source that consumes one deletes it before the request goes upstream. */
  readonly url: Params;
  /** Form body parameters (POST), or null. */
  readonly form: Params | null;
}

export type IdentityResult = Identity | ProxyRejection;

/**
 * One tenant source (static values, header, query parameter, tokens file, Grafana ID token).
 * `resolve` answers with an Identity or a rejection (4xx, nothing upstream); it never falls back
 * to another source or to "all tenants".
 */
export interface IdentitySource {
  /** Source name for logs and metrics: static, header, queryParam, tokens, grafanaIdToken. */
  readonly kind: string;
  /** The start line's description: where the tenant comes from and what that trusts. */
  readonly description: string;
  /**
   * Request headers (lower case) this source reads as credentials or tenant names: they never
   * reach the upstream, on enforced routes and on passthrough paths alike.
   */
  readonly consumedHeaders: ReadonlySet<string>;
  resolve(req: IdentityRequest): IdentityResult | Promise<IdentityResult>;
  /** Loads what the source needs (files, keys) before the proxy listens; throws naming the problem. */
  start?(): Promise<void>;
  /** Re-reads the source's files (SIGHUP); a broken file keeps the last good one. */
  reload?(): Promise<void>;
  /** Stops watchers and timers. */
  close?(): void;
}

/** Byte-order comparison, the order prom-label-proxy's MustLabelValues gives tenant values. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** An Identity from raw values: empties dropped, byte-sorted, frozen; null when nothing is left. */
export function identityOf(raw: readonly string[]): Identity | null {
  const values = raw.filter((v) => v !== '').sort(byteOrder);
  return values.length === 0 ? null : Object.freeze({ values: Object.freeze(values) });
}

/** An Identity from a parsed label policy (frozen; `values` empty). */
export function policyIdentity(policy: Policy, tenant?: string): Identity {
  return Object.freeze({ values: Object.freeze([]) as readonly string[], policy, tenant });
}

/** 401: the request did not prove who it is. The message says what was missing and what to send. */
export function unauthenticated(message: string): ProxyRejection {
  return new ProxyRejection(401, 'unauthenticated', message);
}

/** 400: the request names its tenant more than once, which the proxy never merges (issue #14). */
export function duplicateTenant(message: string): ProxyRejection {
  return new ProxyRejection(400, 'duplicate-tenant', message);
}
