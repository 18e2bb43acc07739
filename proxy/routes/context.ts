import type { IncomingMessage, ServerResponse } from 'http';
import type { Policy } from '../../src/policy';
import type { Enforcement } from '../enforcement';
import type { PolicyEnforcement } from '../policyEnforcement';
import type { ProxyOptions } from '../options';
import type { Params } from '../params';
import type { Upstream, UpstreamRequest } from '../upstream';
import type { UpstreamVersion } from '../upstreamVersion';

/** The methods any route table may list; others are 404 before routing (prom-label-proxy). */
export type ServedMethod = 'GET' | 'POST' | 'DELETE';

/** Everything a route handler needs for one request, after the tenant has been established. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: ServedMethod;
  /** The canonical path forwarded upstream (decoded and re-encoded, never the raw client path). */
  path: string;
  /** Route name for metrics. */
  route: string;
  options: ProxyOptions;
  /** URL parameters without the tenant parameter. */
  url: Params;
  /** POST form parameters without the tenant parameter; null for GET and for JSON routes. */
  form: Params | null;
  /** The POST body of a route that takes JSON (Alertmanager silences), unparsed; null otherwise. */
  body: string | null;
  /** The identity's tenant values; empty when it has a label policy instead. */
  tenantValues: readonly string[];
  /** The identity's label policy (rules), or null for a tenant-values identity. */
  policy: Policy | null;
  /** Builds (once) the enforcement for the values or the policy; throws a ProxyRejection. */
  enforcement(): Enforcement;
  /** The policy enforcement (only when `policy` is set). */
  policyEnforcement(): PolicyEnforcement;
  /** Client headers fit to forward (hop-by-hop and tenant header removed). */
  headers: Record<string, string | string[]>;
  upstream: Upstream;
  /** What the upstream is (Prometheus release, Thanos, Mimir), for version-gated routes. */
  upstreamVersion: UpstreamVersion;
  /** Sends a request upstream and streams the answer back to the client. */
  forward(request: UpstreamRequest): Promise<void>;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void>;

/** prom-label-proxy answers some requests with 200 and no body without calling the upstream. */
export function writeEmptyOk(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Length': 0 });
  res.end();
}

export function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
