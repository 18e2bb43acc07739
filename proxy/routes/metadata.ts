import { singleValue } from '../params';
import { ProxyRejection } from '../rejection';
import { streamResponse } from '../upstream';
import { writeJson, type RouteHandler } from './context';

const MAX_LOOKUP_BYTES = 64 * 1024 * 1024;

/**
 * /api/v1/metadata, which prom-label-proxy does not enforce at all: Prometheus keeps metric
 * metadata per metric name, not per series, so the proxy asks which metric names the tenant has
 * (`/api/v1/label/__name__/values` under the tenant selector) and keeps only those entries.
 * `limit` counts metrics, so it is applied after filtering; a foreign metric name asked for with
 * `metric=` answers like an unknown one (empty data).
 */
export const handleMetadata: RouteHandler = async (ctx) => {
  const enforcement = ctx.enforcement();
  const limitText = singleValue(ctx.url, 'limit', 'URL query');
  const limit = limitText === undefined || limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit)) {
    throw new ProxyRejection(
      400,
      'bad-request',
      `limit "${limitText}" is not an integer; give a number of metrics, e.g. limit=100`
    );
  }
  const metric = singleValue(ctx.url, 'metric', 'URL query');
  const names = await tenantMetricNames(ctx, enforcement.tenantSelectors());

  const query = new URLSearchParams(ctx.url);
  query.delete('limit');
  const upstreamRes = await ctx.upstream.send(
    { method: 'GET', path: ctx.path, query, form: null, headers: ctx.headers },
    ctx.route
  );
  if (upstreamRes.statusCode !== 200) {
    await streamResponse(upstreamRes, ctx.res);
    return;
  }
  const all = parseApiData(await ctx.upstream.readBody(upstreamRes, MAX_LOOKUP_BYTES), 'metadata');
  if (all === null || typeof all !== 'object' || Array.isArray(all)) {
    throw new ProxyRejection(
      502,
      'upstream-invalid-response',
      'the upstream metadata answer has no metric map in "data"'
    );
  }
  const data: Record<string, unknown> = {};
  let count = 0;
  for (const [name, entries] of Object.entries(all as Record<string, unknown>)) {
    // The metric= filter is re-applied here so the answer never depends on the upstream honouring it.
    if (!names.has(name) || (metric !== undefined && metric !== '' && name !== metric)) {
      continue;
    }
    if (limit > 0 && count >= limit) {
      break;
    }
    data[name] = entries;
    count++;
  }
  writeJson(ctx.res, 200, { status: 'success', data });
};

async function tenantMetricNames(
  ctx: Parameters<RouteHandler>[0],
  tenantSelectors: readonly string[]
): Promise<Set<string>> {
  const query = new URLSearchParams();
  for (const selector of tenantSelectors) {
    query.append('match[]', selector);
  }
  const res = await ctx.upstream.send(
    { method: 'GET', path: '/api/v1/label/__name__/values', query, form: null, headers: ctx.headers },
    ctx.route
  );
  const body = await ctx.upstream.readBody(res, MAX_LOOKUP_BYTES);
  if (res.statusCode !== 200) {
    throw new ProxyRejection(
      502,
      'upstream-invalid-response',
      `the upstream answered ${res.statusCode} when asked for the tenant's metric names`
    );
  }
  const names = parseApiData(body, 'metric names');
  if (!Array.isArray(names)) {
    throw new ProxyRejection(502, 'upstream-invalid-response', 'the upstream metric-name answer has no list in "data"');
  }
  return new Set(names.filter((n): n is string => typeof n === 'string'));
}

function parseApiData(body: Buffer, what: string): unknown {
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (parsed?.status === 'success') {
      return parsed.data;
    }
  } catch {
    // fall through to the 502 below
  }
  throw new ProxyRejection(
    502,
    'upstream-invalid-response',
    `the upstream ${what} answer is not a successful Prometheus API response`
  );
}
