import { promApi } from '../support/prometheus';

/**
 * Semantic comparison of Prometheus query results
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats):
 * series order does not matter, values compare with a float tolerance, NaN equals NaN.
 */

type SampleValue = [number, string];
interface SeriesResult {
  metric: Record<string, string>;
  value?: SampleValue;
  values?: SampleValue[];
}
export type QueryOutcome =
  | { ok: true; resultType: string; result: SeriesResult[] | SampleValue }
  | { ok: false; errorType: string; error: string };

export function instantQuery(url: string, query: string, time: number): Promise<QueryOutcome> {
  return evaluate(url, '/api/v1/query', { query, time: String(time) });
}

export function rangeQuery(
  url: string,
  query: string,
  range: { start: number; end: number; step: number }
): Promise<QueryOutcome> {
  const { start, end, step } = range;
  return evaluate(url, '/api/v1/query_range', { query, start: String(start), end: String(end), step: String(step) });
}

async function evaluate(url: string, apiPath: string, params: Record<string, string>): Promise<QueryOutcome> {
  const { body } = await promApi<{ resultType: string; result: SeriesResult[] | SampleValue }>(url, apiPath, {
    ...params,
    timeout: '20s',
  });
  if (body.status === 'success' && body.data) {
    return { ok: true, resultType: body.data.resultType, result: body.data.result };
  }
  return { ok: false, errorType: body.errorType ?? 'unknown', error: body.error ?? '' };
}

function labelsText(metric: Record<string, string>): string {
  return Object.keys(metric)
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`)
    .join(',');
}

function parseValue(v: string): number {
  // Prometheus encodes special floats as "NaN", "+Inf", "-Inf".
  return v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
}

export function valuesEqual(a: string, b: string): boolean {
  const x = parseValue(a);
  const y = parseValue(b);
  if (Number.isNaN(x) || Number.isNaN(y)) {
    return Number.isNaN(x) && Number.isNaN(y);
  }
  if (x === y) {
    return true;
  }
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) + 1e-12;
}

function samplesEqual(a: SampleValue[], b: SampleValue[]): boolean {
  return a.length === b.length && a.every((s, i) => s[0] === b[i][0] && valuesEqual(s[1], b[i][1]));
}

/** Series keyed by label set, each with its samples; undefined for scalar/string results. */
function seriesByLabels(
  outcome: QueryOutcome & { ok: true },
  dropLabels: readonly string[]
): Map<string, SampleValue[]> | undefined {
  if (outcome.resultType !== 'vector' && outcome.resultType !== 'matrix') {
    return undefined;
  }
  const out = new Map<string, SampleValue[]>();
  for (const s of outcome.result as SeriesResult[]) {
    const metric = { ...s.metric };
    for (const label of dropLabels) {
      delete metric[label];
    }
    out.set(labelsText(metric), s.values ?? (s.value ? [s.value] : []));
  }
  return out;
}

export type Comparison = 'equal' | 'both-error' | 'different';

/**
 * Compares two outcomes. `dropLabel` removes one label from every series of both sides first (for
 * the explained `absent()` case, where enforcement legitimately adds the tenant matcher's label).
 */
/** `dropLabels`: labels ignored on both sides (absent() derives labels from the enforced matchers). */
export function compareOutcomes(
  a: QueryOutcome,
  b: QueryOutcome,
  dropLabels: string | readonly string[] = []
): Comparison {
  const dropped = typeof dropLabels === 'string' ? [dropLabels] : dropLabels;
  if (!a.ok || !b.ok) {
    return !a.ok && !b.ok ? 'both-error' : 'different';
  }
  if (a.resultType !== b.resultType) {
    return 'different';
  }
  const sa = seriesByLabels(a, dropped);
  const sb = seriesByLabels(b, dropped);
  if (!sa || !sb) {
    const [ta, va] = a.result as SampleValue;
    const [tb, vb] = b.result as SampleValue;
    const same = a.resultType === 'string' ? va === vb : valuesEqual(va, vb);
    return ta === tb && same ? 'equal' : 'different';
  }
  if (sa.size !== sb.size) {
    return 'different';
  }
  for (const [key, samples] of sa) {
    const other = sb.get(key);
    if (!other || !samplesEqual(samples, other)) {
      return 'different';
    }
  }
  return 'equal';
}

export function isEmptyResult(o: QueryOutcome): boolean {
  return o.ok && (o.resultType === 'vector' || o.resultType === 'matrix') && (o.result as SeriesResult[]).length === 0;
}

/** A short text of an outcome for failure messages. */
export function describeOutcome(o: QueryOutcome): string {
  return o.ok ? `${o.resultType} ${JSON.stringify(o.result).slice(0, 400)}` : `error ${o.errorType}: ${o.error}`;
}
