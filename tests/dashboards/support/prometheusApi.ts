/**
 * Minimal Prometheus HTTP API client for the dashboard tests (POST form bodies, as Grafana's
 * Prometheus data source sends them). Errors name the request and Prometheus' own message.
 */

export interface Series {
  metric: Record<string, string>;
  /** Instant queries: one [time, value]; range queries: every point. */
  values: Array<[number, string]>;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function call<T>(baseUrl: string, path: string, params: Record<string, string | string[]>): Promise<T> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      body.append(k, item);
    }
  }
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await res.json()) as ApiResponse<T>;
  if (json.status !== 'success' || json.data === undefined) {
    throw new Error(
      `Prometheus ${path} ${JSON.stringify(params)} failed (${res.status} ${json.errorType}): ${json.error}`
    );
  }
  return json.data;
}

type QueryData =
  | { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: [number, string] }> }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

function toSeries(data: QueryData): Series[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.map((r) => ({ metric: r.metric, values: [r.value] }));
    case 'matrix':
      return data.result.map((r) => ({ metric: r.metric, values: r.values }));
    default:
      return [{ metric: {}, values: [data.result] }];
  }
}

export async function instantQuery(baseUrl: string, query: string, time: number): Promise<Series[]> {
  return toSeries(await call<QueryData>(baseUrl, '/api/v1/query', { query, time: String(time) }));
}

export async function rangeQuery(
  baseUrl: string,
  query: string,
  start: number,
  end: number,
  step: number
): Promise<Series[]> {
  return toSeries(
    await call<QueryData>(baseUrl, '/api/v1/query_range', {
      query,
      start: String(start),
      end: String(end),
      step: String(step),
    })
  );
}

/** `/api/v1/label/<name>/values` with one match[] (what Grafana sends for `label_values(selector, name)`). */
export async function labelValues(
  baseUrl: string,
  label: string,
  match: string | undefined,
  start: number,
  end: number
): Promise<string[]> {
  const params: Record<string, string> = { start: String(start), end: String(end) };
  if (match !== undefined) {
    params['match[]'] = match;
  }
  // The label values endpoint is GET-only in Prometheus 2.42.
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${baseUrl}/api/v1/label/${encodeURIComponent(label)}/values?${qs}`);
  const json = (await res.json()) as ApiResponse<string[]>;
  if (json.status !== 'success' || !json.data) {
    throw new Error(`Prometheus label values of ${label} for ${match} failed (${res.status}): ${json.error}`);
  }
  return json.data;
}

/** Series in a stable order with sorted label keys, for equality checks between two answers. */
export function canonical(series: Series[]): string[] {
  return series
    .map((s) => {
      const labels = Object.keys(s.metric)
        .sort()
        .map((k) => `${k}=${JSON.stringify(s.metric[k])}`)
        .join(',');
      return `{${labels}} ${JSON.stringify(s.values)}`;
    })
    .sort();
}
