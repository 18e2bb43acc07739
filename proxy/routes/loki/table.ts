import type { ResolvedRoute, Route } from '../table';
import { lokiHandler, type LokiParamSpec } from './handler';

/**
 * The Loki HTTP API paths this proxy serves with --upstream-kind=loki: every read route (Loki docs
 * "Loki HTTP API"; parameter names from pkg/loghttp and pkg/querier/queryrange), each with the
 * parameters it may carry. Everything else is 404, which refuses push (/loki/api/v1/push,
 * /api/prom/push, OTLP), delete requests (/loki/api/v1/delete), the ruler's write and read
 * endpoints, and any path added to Loki after this table. The tail route is a WebSocket and is
 * served by tail.ts through resolveLokiTail.
 */

const RANGE = ['start', 'end', 'since'];

export const LOKI_SPECS = {
  query: { query: 'required', plain: ['limit', 'time', 'direction'] },
  queryRange: { query: 'required', plain: [...RANGE, 'limit', 'direction', 'step', 'interval'] },
  series: { query: 'none', match: true, plain: RANGE },
  labels: { query: 'tenant', plain: RANGE },
  indexStats: { query: 'required', plain: RANGE },
  volume: { query: 'required', plain: [...RANGE, 'limit', 'step', 'targetLabels', 'aggregateBy'] },
  patterns: { query: 'required', plain: [...RANGE, 'step'] },
  detectedLabels: { query: 'tenant', plain: RANGE },
  detectedFields: { query: 'required', plain: [...RANGE, 'line_limit', 'limit', 'field_limit', 'step'] },
  formatQuery: { query: 'required', plain: [] },
  tail: { query: 'required', plain: ['delay_for', 'limit', 'start'] },
  legacyQuery: { query: 'required', plain: [...RANGE, 'limit', 'direction', 'regexp'] },
} satisfies Record<string, LokiParamSpec>;

function route(name: string, methods: Route['methods'], spec: LokiParamSpec): Route {
  return { name: `loki_${name}`, methods, handler: lokiHandler(spec), checkTenantFirst: true };
}

const GET_POST: Route['methods'] = ['GET', 'POST'];

const EXACT: Record<string, Route> = {
  '/loki/api/v1/query': route('query', GET_POST, LOKI_SPECS.query),
  '/loki/api/v1/query_range': route('query_range', GET_POST, LOKI_SPECS.queryRange),
  '/loki/api/v1/series': route('series', GET_POST, LOKI_SPECS.series),
  '/loki/api/v1/labels': route('labels', GET_POST, LOKI_SPECS.labels),
  '/loki/api/v1/index/stats': route('index_stats', GET_POST, LOKI_SPECS.indexStats),
  '/loki/api/v1/index/volume': route('index_volume', GET_POST, LOKI_SPECS.volume),
  '/loki/api/v1/index/volume_range': route('index_volume_range', GET_POST, LOKI_SPECS.volume),
  '/loki/api/v1/patterns': route('patterns', GET_POST, LOKI_SPECS.patterns),
  '/loki/api/v1/detected_labels': route('detected_labels', GET_POST, LOKI_SPECS.detectedLabels),
  '/loki/api/v1/detected_fields': route('detected_fields', GET_POST, LOKI_SPECS.detectedFields),
  '/loki/api/v1/format_query': route('format_query', GET_POST, LOKI_SPECS.formatQuery),
  // Legacy reads (Loki still serves them with the same handlers).
  '/api/prom/query': route('legacy_query', ['GET'], LOKI_SPECS.legacyQuery),
  '/api/prom/label': route('legacy_labels', ['GET'], LOKI_SPECS.labels),
  '/api/prom/series': route('legacy_series', GET_POST, LOKI_SPECS.series),
};

const LABEL_VALUES = route('label_values', GET_POST, LOKI_SPECS.labels);
const LEGACY_LABEL_VALUES = route('legacy_label_values', ['GET'], LOKI_SPECS.labels);
const DETECTED_FIELD_VALUES = route('detected_field_values', GET_POST, LOKI_SPECS.detectedFields);

/** Paths of the WebSocket tail route (served on the HTTP upgrade, tail.ts). */
export const LOKI_TAIL_PATHS: readonly string[] = ['/loki/api/v1/tail', '/api/prom/tail'];

/** One named segment (a label or field name), re-encoded for the upstream path. */
function named(prefix: string, suffix: string, path: string): string | null {
  if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
    return null;
  }
  const name = path.slice(prefix.length, path.length - suffix.length);
  return name !== '' && !name.includes('/') ? name : null;
}

/** The enforced route for a decoded request path, or null (404). */
export function resolveLokiRoute(path: string): ResolvedRoute | null {
  const exact = EXACT[path];
  if (exact) {
    return { route: exact, path };
  }
  for (const [prefix, r] of [
    ['/loki/api/v1/label/', LABEL_VALUES],
    ['/api/prom/label/', LEGACY_LABEL_VALUES],
  ] as const) {
    const name = named(prefix, '/values', path);
    if (name !== null) {
      return { route: r, path: `${prefix}${encodeURIComponent(name)}/values` };
    }
  }
  const field = named('/loki/api/v1/detected_field/', '/values', path);
  if (field !== null) {
    return { route: DETECTED_FIELD_VALUES, path: `/loki/api/v1/detected_field/${encodeURIComponent(field)}/values` };
  }
  return null;
}
