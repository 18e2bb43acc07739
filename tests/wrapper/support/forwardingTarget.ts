import http from 'http';
import {
  DataSourceApi,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type TestDataSourceResponse,
} from '@grafana/data';

import { promResultFrames, type PromResult } from '../../support/promResultFrames';

import { instanceSettings, type PromLikeQuery } from './recordingTarget';

interface PromEnvelope<T> {
  status: string;
  data?: T;
  error?: string;
}

/** Every call that reached Prometheus (path + params), for "nothing left" assertions. */
export interface PromCall {
  path: string;
  params: URLSearchParams;
}

/** GET with node's http module (works in jsdom and node test environments alike). */
export function httpGetJson<T>(url: string): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
          } catch {
            reject(new Error(`GET ${url} answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`));
          }
        });
      })
      .on('error', reject);
  });
}

/** Talks to a real Prometheus HTTP API and records each call. */
export class PrometheusHttp {
  readonly calls: PromCall[] = [];
  constructor(readonly url: string) {}

  async get<T>(path: string, params: URLSearchParams): Promise<PromEnvelope<T>> {
    this.calls.push({ path, params });
    const { body } = await httpGetJson<PromEnvelope<T>>(`${this.url}${path}?${params.toString()}`);
    return body;
  }

  async data<T>(path: string, params: Record<string, string | string[]>): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      (Array.isArray(v) ? v : [v]).forEach((x) => search.append(k, x));
    }
    const body = await this.get<T>(path, search);
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`Prometheus ${path}?${search} failed: ${body.error}`);
    }
    return body.data;
  }
}

/**
 * A target data source that does what Grafana's Prometheus data source does with the text it
 * receives, against a real Prometheus: expands `$__rate_interval`/`$__interval`/`$__range*`,
 * runs /api/v1/query_range (or /api/v1/query for instant queries), and answers variable queries
 * the way its metric_find_query does (label_values / label_names / metrics / query_result / PromQL
 * — the unscoped forms call the unscoped endpoints, so a missing rewrite would show up as a leak).
 */
export type PromLikeQueryAlias = PromLikeQuery;

export class ForwardingPrometheusTarget extends DataSourceApi<PromLikeQuery> {
  readonly requests: Array<DataQueryRequest<PromLikeQuery>> = [];

  constructor(
    readonly prom: PrometheusHttp,
    uid = 'prom'
  ) {
    super(instanceSettings(uid, 'prometheus', 'Central Prometheus', {}));
  }

  private expandMacros(expr: string, rangeSeconds: number, stepSeconds: number): string {
    const vals: Record<string, string> = {
      __rate_interval: `${Math.max(4 * 15, stepSeconds + 15)}s`,
      __interval: `${stepSeconds}s`,
      __interval_ms: String(stepSeconds * 1000),
      __range: `${rangeSeconds}s`,
      __range_s: String(rangeSeconds),
      __range_ms: String(rangeSeconds * 1000),
    };
    return expr.replace(/\$\{?(__\w+)\}?/g, (m, name: string) => vals[name] ?? m);
  }

  async query(request: DataQueryRequest<PromLikeQuery>): Promise<DataQueryResponse> {
    this.requests.push(request);
    const start = Math.floor(request.range.from.valueOf() / 1000);
    const end = Math.floor(request.range.to.valueOf() / 1000);
    const step = Math.max(15, Math.floor((request.intervalMs ?? 15_000) / 1000));
    const data: DataFrame[] = [];
    for (const t of request.targets) {
      const expr = this.expandMacros(t.expr, end - start, step);
      const instant = t.instant === true && t.range === false;
      const result = instant
        ? await this.prom.data<{ result: PromResult }>('/api/v1/query', { query: expr, time: String(end) })
        : await this.prom.data<{ result: PromResult }>('/api/v1/query_range', {
            query: expr,
            start: String(start),
            end: String(end),
            step: String(step),
          });
      data.push(...promResultFrames(t.refId, result.result));
    }
    return { data };
  }

  async metricFindQuery(query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const text = String(query).trim();
    const range = options?.range;
    const time: Record<string, string> = range
      ? { start: String(Math.floor(range.from.valueOf() / 1000)), end: String(Math.floor(range.to.valueOf() / 1000)) }
      : {};
    const call = /^(\w+)\(([\s\S]*)\)$/.exec(text);
    const fn = call?.[1];
    const args = call?.[2].trim() ?? '';
    const texts = (xs: string[]) => xs.map((x) => ({ text: x }));
    if (fn === 'label_values') {
      const comma = args.lastIndexOf(',');
      const [sel, label] = comma < 0 ? [undefined, args] : [args.slice(0, comma).trim(), args.slice(comma + 1).trim()];
      return texts(
        await this.prom.data<string[]>(`/api/v1/label/${label}/values`, { ...time, ...(sel ? { 'match[]': sel } : {}) })
      );
    }
    if (fn === 'label_names') {
      return texts(await this.prom.data<string[]>('/api/v1/labels', { ...time, ...(args ? { 'match[]': args } : {}) }));
    }
    if (fn === 'metrics') {
      const re = new RegExp(`^(?:${args})$`);
      return texts((await this.prom.data<string[]>('/api/v1/label/__name__/values', time)).filter((n) => re.test(n)));
    }
    const expr = fn === 'query_result' ? args : text;
    const res = await this.prom.data<{ result: PromResult }>('/api/v1/query', {
      query: this.expandMacros(expr, 3600, 15),
      ...(range ? { time: time.end } : {}),
    });
    return texts(res.result.map((s) => `${JSON.stringify(s.metric)} ${s.value?.[1]}`));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return { status: 'success', message: 'ok' };
  }
}
