/**
 * prom-label-proxy's HTTP test cases (../shared/conformance/prom-label-proxy/routes-vectors.json,
 * described in its README): their shape, the proxy options each asks for, and how to send one to
 * a running proxy. Shared by the Prometheus and the Alertmanager conformance suites.
 */
import { readFileSync } from 'fs';
import http from 'http';
import { gzipSync } from 'zlib';
import { sharedPath } from '../../tests/support/shared';
import { DEFAULTS, type ProxyOptions, type TenantSource, type UpstreamKind } from '../options';

export type ParamMap = Record<string, string[]>;

export interface Respond {
  status: number;
  body?: string;
  bodyFixture?: string;
  contentType?: string;
  gzip?: boolean;
}

/** One answer of the mock upstream, with the checks it makes first (500 when one fails). */
export interface UpstreamStep {
  respond: Respond;
  assertForm?: ParamMap;
  assertRequest?: { method: string; path: string };
  assertSilenceBody?: { label: string; exactlyOneMatcherWithValue: string };
  onAssertFail?: { status: number };
}

export interface RouteVector {
  id: string;
  scope: 'prometheus' | 'alertmanager' | 'routing';
  method: string;
  path: string;
  query: ParamMap | null;
  body: string | null;
  headers: Record<string, string[]> | null;
  tenantSource: { kind: 'queryParam' | 'header' | 'static'; name?: string; listSyntax?: boolean };
  tenantValues: string[];
  label: string;
  proxyOptions: {
    errorOnReplace: boolean;
    regexMatch: boolean;
    enableLabelAPIs: boolean;
    rulesWithActiveAlerts: boolean;
    labelMatchersForRulesAPI: boolean;
    passthroughPaths: string[];
  };
  upstream: (UpstreamStep & { sequence?: undefined }) | { sequence: UpstreamStep[] } | null;
  expectedStatus: number;
  expectedForwarded: boolean | null;
  expectedUpstreamQuery: ParamMap | null;
  expectedUpstreamForm: ParamMap | null;
  expectedUpstreamBody: string | null;
  expectedUpstreamAbsent: { query?: string[]; form?: string[] } | null;
  expectedResponseBody: string | { goldenFixture: string; compare: 'json' | 'exact' } | null;
}

const dir = ['conformance', 'prom-label-proxy'];

export const routeVectors: RouteVector[] = JSON.parse(readFileSync(sharedPath(...dir, 'routes-vectors.json'), 'utf8'));

export const routeFixtures: { upstreamBodies: Record<string, string>; golden: Record<string, string> } = JSON.parse(
  readFileSync(sharedPath(...dir, 'routes-fixtures.json'), 'utf8')
);

export function proxyOptionsFor(v: RouteVector, upstreamUrl: string, upstreamKind: UpstreamKind): ProxyOptions {
  const src = v.tenantSource;
  const tenant: TenantSource =
    src.kind === 'static'
      ? { kind: 'static', values: v.tenantValues }
      : src.kind === 'header'
        ? { kind: 'header', name: src.name!, listSyntax: src.listSyntax === true }
        : { kind: 'queryParam', name: src.name! };
  return {
    upstream: upstreamUrl,
    upstreamKind,
    listenAddress: '127.0.0.1:0',
    internalListenAddress: null,
    label: v.label,
    tenant,
    errorOnReplace: v.proxyOptions.errorOnReplace,
    enableLabelApis: v.proxyOptions.enableLabelAPIs,
    regexMatch: v.proxyOptions.regexMatch,
    rulesWithActiveAlerts: v.proxyOptions.rulesWithActiveAlerts,
    labelMatchersForRulesApi: v.proxyOptions.labelMatchersForRulesAPI,
    passthroughPaths: v.proxyOptions.passthroughPaths,
    upstreamTimeoutMs: 5000,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    shutdownGraceMs: 1000,
    // Pinned: reading buildinfo would be one more upstream request than the vectors expect.
    upstreamVersion: '2.42.0',
  };
}

/** Writes a mock upstream answer from a vector's `respond` (fixture bodies, gzip). */
export function writeFixtureAnswer(respond: Respond, res: http.ServerResponse): void {
  let body: Buffer = Buffer.from(
    respond.bodyFixture ? routeFixtures.upstreamBodies[respond.bodyFixture] : (respond.body ?? '')
  );
  const headers: Record<string, string> = {};
  if (respond.contentType) {
    headers['Content-Type'] = respond.contentType;
  }
  if (respond.gzip) {
    body = gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
  }
  res.writeHead(respond.status, headers);
  res.end(body);
}

/** Sends a vector's request to the proxy at `base`; resolves with the status and body text. */
export function sendVector(base: string, v: RouteVector): Promise<{ status: number; body: string }> {
  const search = new URLSearchParams();
  for (const [name, values] of Object.entries(v.query ?? {})) {
    values.forEach((value) => search.append(name, value));
  }
  const qs = search.toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${v.path}${qs ? `?${qs}` : ''}`,
      { method: v.method, headers: v.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      }
    );
    req.on('error', reject);
    req.end(v.body ?? undefined);
  });
}

/**
 * Deliberate departure (issue #14): prom-label-proxy merges every value of the tenant parameter
 * (URL and form body together, Go's ParseForm) and every line of the tenant header. That merge is
 * the leak the issue closes: Grafana's data source proxy appends its configured `tenant` to the
 * user's URL, so a user's own `&tenant=b` would be added to their tenant. A vector whose request
 * names the tenant more than once therefore expects 400 with nothing upstream here, instead of
 * prom-label-proxy's answer. 76 of the 224 "prometheus" vectors do (65 expected 200 before, 11
 * already expected 400 for another reason) and 7 of the 38 Alertmanager ones (4 expected 200, 3
 * expected 422); both conformance suites assert their count.
 */
export function namesTenantMoreThanOnce(v: RouteVector): boolean {
  const src = v.tenantSource;
  if (src.kind === 'queryParam') {
    const inUrl = v.query?.[src.name!]?.length ?? 0;
    const inBody = v.body === null ? 0 : new URLSearchParams(v.body).getAll(src.name!).length;
    return inUrl + inBody > 1;
  }
  if (src.kind === 'header') {
    const lines = Object.entries(v.headers ?? {}).filter(([name]) => name.toLowerCase() === src.name!.toLowerCase());
    return lines.reduce((n, [, values]) => n + values.length, 0) > 1;
  }
  return false;
}

export function withIssue14Expectation(v: RouteVector): RouteVector {
  if (!namesTenantMoreThanOnce(v)) {
    return v;
  }
  return {
    ...v,
    expectedStatus: 400,
    expectedForwarded: false,
    expectedUpstreamQuery: null,
    expectedUpstreamForm: null,
    expectedUpstreamBody: null,
    expectedUpstreamAbsent: null,
    expectedResponseBody: null,
  };
}
