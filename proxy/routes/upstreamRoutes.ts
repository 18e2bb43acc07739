/**
 * Routes that depend on what the upstream is, and paths refused on purpose. Every difference is
 * dated with the Prometheus release that introduced it (Prometheus' CHANGELOG.md / release notes):
 *
 * | what                                   | release | here                                          |
 * |----------------------------------------|---------|-----------------------------------------------|
 * | /api/v1/status/buildinfo               | 2.14    | served (Grafana asks for it; no tenant data)   |
 * | /api/v1/format_query                   | 2.38.0  | served from 2.38, the query enforced first     |
 * | /api/v1/parse_query (experimental, UI) | 3.0     | served from 3.0, the query enforced first      |
 * | /api/v1/status/tsdb (+ `limit`)        | -       | refused: cardinality of every tenant           |
 * | /api/v1/status/tsdb/blocks             | 3.6.0   | refused: metadata of the whole TSDB            |
 * | /api/v1/features                       | 3.9.0   | refused: not a tenant API                      |
 *
 * Parameters that need no version switch (rulesAlerts.ts, seriesMatch.ts, query.ts): `limit` on
 * series/labels/label values (2.51.0) applies to an answer the tenant `match[]` already narrowed;
 * `limit` on query/query_range (3.2.0) to an enforced query; `exclude_alerts` (2.49.0) and
 * `match[]` (2.54.0) on /api/v1/rules narrow an answer the proxy filters anyway; rule-group
 * pagination (`group_limit`, present by 3.1.0) is refused; UTF-8 names in `match[]`, federate and
 * /api/v1/label/<name>/values (3.0.0, 3.0.1) are quoted by the engine.
 */
import { ProxyRejection } from '../rejection';
import { streamResponse } from '../upstream';
import { describeProfile, isPrometheusAtLeast } from '../upstreamVersion';
import type { RouteHandler } from './context';
import { handleQuery } from './query';

/**
 * A handler served only when the upstream is a Prometheus of at least `major.minor`: an undetected
 * version, Thanos, Mimir or an older Prometheus get a 404 naming the requirement and the flag.
 */
export function requirePrometheus(major: number, minor: number, handler: RouteHandler): RouteHandler {
  return async (ctx) => {
    const profile = await ctx.upstreamVersion.current();
    if (!isPrometheusAtLeast(profile, major, minor)) {
      throw new ProxyRejection(
        404,
        'not-found',
        `${ctx.path} needs Prometheus >= ${major}.${minor} upstream, and the upstream is ${describeProfile(profile)}; if it does serve ${ctx.path}, pin its release with --upstream-version`
      );
    }
    await handler(ctx);
  };
}

export const handleFormatQuery = requirePrometheus(2, 38, handleQuery);
export const handleParseQuery = requirePrometheus(3, 0, handleQuery);

/**
 * /api/v1/status/buildinfo: the upstream's own answer, asked without any client parameter. It
 * names the server version only, and Grafana's Prometheus data source reads it to pick features.
 */
export const handleBuildInfo: RouteHandler = async (ctx) => {
  const upstreamRes = await ctx.upstream.send(
    { method: 'GET', path: ctx.path, query: new URLSearchParams(), form: null, headers: ctx.headers },
    ctx.route
  );
  await streamResponse(upstreamRes, ctx.res);
};

/** Prometheus paths never served, with the reason given in the 404. */
const REFUSED: Record<string, string> = {
  '/api/v1/status/tsdb':
    "its cardinality statistics count every tenant's series, metric names and label values, and cannot be filtered",
  '/api/v1/status/tsdb/blocks': 'it describes the blocks of the whole TSDB, every tenant included',
  '/api/v1/status/config': "the server's configuration names every tenant's scrape jobs",
  '/api/v1/status/flags': 'it describes the server, not a tenant',
  '/api/v1/status/runtimeinfo': 'it describes the server, not a tenant',
  '/api/v1/status/walreplay': 'it describes the server, not a tenant',
  '/api/v1/features': 'it describes the server, not a tenant',
  '/api/v1/targets': "it lists every tenant's scrape targets and their labels",
  '/api/v1/targets/metadata': "it lists every tenant's targets",
  '/api/v1/targets/relabel_steps': "it shows every tenant's relabelling",
  '/api/v1/scrape_pools': "it lists every tenant's scrape jobs",
  '/api/v1/alertmanagers': 'it describes the server, not a tenant',
  '/api/v1/notifications': 'it describes the server, not a tenant',
  '/api/v1/notifications/live': 'it describes the server, not a tenant',
  '/api/v1/read': 'remote read returns raw series that the proxy does not enforce',
  '/api/v1/write': 'writes are not enforced by this proxy',
  '/api/v1/otlp/v1/metrics': 'writes are not enforced by this proxy',
};

/** Why a path is refused on purpose, or null for a path the proxy simply does not know. */
export function refusedReason(path: string): string | null {
  if (Object.prototype.hasOwnProperty.call(REFUSED, path)) {
    return REFUSED[path];
  }
  if (path.startsWith('/api/v1/admin/')) {
    return 'admin APIs change the whole TSDB';
  }
  return null;
}

type ApiName = 'Prometheus' | 'Alertmanager' | 'Loki';
const KIND_OF: Record<ApiName, string> = {
  Prometheus: 'prometheus',
  Alertmanager: 'alertmanager',
  Loki: 'loki --loki-org-id=ORG',
};

/**
 * The 404 message of a path the route table does not serve. `servedBy` names the API whose route
 * table has the path, when another kind's does (a Loki path sent to the Prometheus proxy): the fix
 * is a proxy of that kind in front of that upstream, never a passthrough.
 */
export function notServedMessage(path: string, api: ApiName = 'Prometheus', servedBy: ApiName | null = null): string {
  if (servedBy !== null && servedBy !== api) {
    return `${path} is a ${servedBy} API and this proxy guards ${api} (404 page not found); put a proxy started with --upstream-kind=${KIND_OF[servedBy]} in front of ${servedBy} and send ${servedBy} requests there`;
  }
  const reason = api === 'Prometheus' ? refusedReason(path) : null;
  const why = reason ? `: ${reason}` : ` (404 page not found); only enforced ${api} APIs are`;
  return `${path} is not served by this proxy${why}. To forward a path untouched, without any tenant enforcement, list it in --unsafe-passthrough-paths`;
}
