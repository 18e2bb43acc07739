import type { ServerResponse } from 'http';

/**
 * Why the proxy answered by itself. Used as the `reason` label of the rejection metric and in the
 * log line, so it must stay a small fixed set (never user input).
 */
export type RejectionReason =
  | 'missing-tenant'
  | 'duplicate-tenant'
  | 'unauthenticated'
  | 'forbidden'
  | 'identity-unavailable'
  | 'invalid-tenant'
  | 'bad-request'
  | 'malformed-body'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'duplicate-parameter'
  | 'query-parse'
  | 'illegal-label-matcher'
  | 'enforcement-failed'
  | 'not-found'
  | 'forbidden'
  | 'not-implemented'
  | 'several-tenant-values'
  | 'upstream-unreachable'
  | 'upstream-timeout'
  | 'upstream-invalid-response'
  | 'client-closed';

/** An answer the proxy gives itself instead of (or after) talking to the upstream. */
export class ProxyRejection extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectionReason,
    message: string,
    /** prom-label-proxy answers a few cases with an empty body (rules/alerts filtering). */
    readonly emptyBody = false
  ) {
    super(message);
  }
}

/**
 * Writes a Prometheus API error the way prom-label-proxy's `prometheusAPIError`
 * (injectproxy/utils.go) does: keys in Go's sorted map order, a trailing newline.
 */
export function writeApiError(
  res: ServerResponse,
  status: number,
  message: string,
  errorType = 'prom-label-proxy'
): void {
  const body = JSON.stringify({ error: message, errorType, status: 'error' }) + '\n';
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

export function writeRejection(res: ServerResponse, r: ProxyRejection): void {
  if (r.emptyBody) {
    res.writeHead(r.status, { 'Content-Length': 0 });
    res.end();
    return;
  }
  writeApiError(res, r.status, r.message);
}
