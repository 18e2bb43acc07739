import type { ProxyOptions } from '../options';
import type { RouteHandler, ServedMethod } from './context';
import { handleMetadata } from './metadata';
import { handleQuery } from './query';
import { handleAlerts, handleRules } from './rulesAlerts';
import { handleSeriesMatch } from './seriesMatch';
import { handleBuildInfo, handleFormatQuery, handleParseQuery } from './upstreamRoutes';

export interface Route {
  /** Name used in metrics and logs. */
  name: string;
  methods: readonly ServedMethod[];
  handler: RouteHandler;
  /**
   * Whether the -regex-match tenant checks run before the handler. The rules/alerts filter
   * checks after the upstream call, as prom-label-proxy does (its vectors expect that).
   */
  checkTenantFirst: boolean;
  /** 'json': a POST body is a JSON document (ctx.body), not form parameters (the default). */
  body?: 'json';
  /**
   * prom-label-proxy's silence endpoints work on one exact tenant value: --regex-match is refused
   * with 501 (before the method check) and several values with 422 (after it).
   */
  singleTenantValue?: boolean;
}

export interface ResolvedRoute {
  route: Route;
  /** Canonical path to forward. */
  path: string;
}

const EXACT: Record<string, Route> = {
  '/api/v1/query': { name: 'query', methods: ['GET', 'POST'], handler: handleQuery, checkTenantFirst: true },
  '/api/v1/query_range': {
    name: 'query_range',
    methods: ['GET', 'POST'],
    handler: handleQuery,
    checkTenantFirst: true,
  },
  '/api/v1/query_exemplars': {
    name: 'query_exemplars',
    methods: ['GET', 'POST'],
    handler: handleQuery,
    checkTenantFirst: true,
  },
  '/api/v1/series': { name: 'series', methods: ['GET', 'POST'], handler: handleSeriesMatch, checkTenantFirst: true },
  '/federate': { name: 'federate', methods: ['GET'], handler: handleSeriesMatch, checkTenantFirst: true },
  '/api/v1/metadata': { name: 'metadata', methods: ['GET'], handler: handleMetadata, checkTenantFirst: true },
  '/api/v1/alerts': { name: 'alerts', methods: ['GET'], handler: handleAlerts, checkTenantFirst: false },
  // Always filtered by the proxy, with or without --enable-label-matchers-for-rules-api (rulesAlerts.ts).
  '/api/v1/rules': { name: 'rules', methods: ['GET'], handler: handleRules, checkTenantFirst: false },
  // Served by version (upstreamRoutes.ts).
  '/api/v1/status/buildinfo': { name: 'buildinfo', methods: ['GET'], handler: handleBuildInfo, checkTenantFirst: true },
  '/api/v1/format_query': {
    name: 'format_query',
    methods: ['GET', 'POST'],
    handler: handleFormatQuery,
    checkTenantFirst: true,
  },
  '/api/v1/parse_query': {
    name: 'parse_query',
    methods: ['GET', 'POST'],
    handler: handleParseQuery,
    checkTenantFirst: true,
  },
};
const LABELS: Route = { name: 'labels', methods: ['GET', 'POST'], handler: handleSeriesMatch, checkTenantFirst: true };
const LABEL_VALUES: Route = {
  name: 'label_values',
  methods: ['GET'],
  handler: handleSeriesMatch,
  checkTenantFirst: true,
};

/**
 * The enforced route for a decoded request path, or null (404). Only exact paths are served
 * (prom-label-proxy also answers below them, e.g. /api/v1/query/x, which Prometheus 404s anyway).
 */
export function resolveRoute(path: string, options: ProxyOptions): ResolvedRoute | null {
  const exact = EXACT[path];
  if (exact) {
    return { route: exact, path };
  }
  if (!options.enableLabelApis) {
    return null;
  }
  if (path === '/api/v1/labels') {
    return { route: LABELS, path };
  }
  const labelValues = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
  if (labelValues) {
    return { route: LABEL_VALUES, path: `/api/v1/label/${encodeURIComponent(labelValues[1])}/values` };
  }
  return null;
}

/** Whether a decoded path is (under) one of the --unsafe-passthrough-paths. */
export function isPassthrough(path: string, options: ProxyOptions): boolean {
  return options.passthroughPaths.some((p) => {
    const base = p.replace(/\/+$/, '');
    return path === base || path.startsWith(base + '/');
  });
}
