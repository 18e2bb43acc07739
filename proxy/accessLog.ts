/**
 * One JSON access-log line per request (issue #17): method, route, tenant, status, the time spent
 * waiting for the upstream and the whole request's time. The tenant is who asked (the resolved
 * tenant values), logged so an operator can answer "who saw what"; the query and the data never
 * are.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { LogRecord } from './log';
import type { Upstream } from './upstream';

/** What the server learns about one request while handling it. */
export interface RequestLogState {
  readonly started: number;
  route: string;
  /** The tenant values, joined for the log; undefined until (or unless) they were resolved. */
  tenant?: string;
  /** Milliseconds spent until the upstream's answer headers arrived, summed over its calls. */
  upstreamMs: number;
}

export function newRequestLogState(): RequestLogState {
  return { started: performance.now(), route: 'unknown', upstreamMs: 0 };
}

/** Longest tenant text logged: header-mode values are client input. */
const MAX_TENANT_LOG_CHARS = 200;

export function tenantForLog(values: readonly string[]): string {
  const joined = values.join(',');
  return joined.length > MAX_TENANT_LOG_CHARS ? `${joined.slice(0, MAX_TENANT_LOG_CHARS)}…` : joined;
}

/** The access-log record of a finished request. */
export function accessRecord(req: IncomingMessage, res: ServerResponse, state: RequestLogState): LogRecord {
  return {
    level: 'info',
    msg: 'request',
    method: req.method,
    route: state.route,
    tenant: state.tenant,
    status: res.statusCode,
    upstreamMs: round(state.upstreamMs),
    durationMs: round(performance.now() - state.started),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The upstream as one request's handlers see it: every send() is timed into `state`. */
export function timedUpstream(upstream: Upstream, state: RequestLogState): Upstream {
  const timed = Object.create(upstream) as Upstream;
  timed.send = async (...args: Parameters<Upstream['send']>) => {
    const started = performance.now();
    try {
      return await upstream.send(...args);
    } finally {
      state.upstreamMs += performance.now() - started;
    }
  };
  return timed;
}
