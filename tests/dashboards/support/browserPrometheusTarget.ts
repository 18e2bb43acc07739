import {
  DataSourceApi,
  type DataFrame,
  type DataQuery,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type TestDataSourceResponse,
} from '@grafana/data';

import { promResultFrames, type PromResult } from '../../support/promResultFrames';

import { interpolate } from './interpolate';
import { parseVariableQuery } from './promqlTree';

export interface PromQuery extends DataQuery {
  expr: string;
  instant?: boolean;
  range?: boolean;
}

interface Envelope<T> {
  status: string;
  data?: T;
  error?: string;
}

/** Scrape interval of the fixture data (tests/support/tenantFixtureData.ts FIXTURE_STEP). */
const SCRAPE_INTERVAL_SECONDS = 15;

/**
 * A browser-side stand-in for Grafana's Prometheus data source as the wrapper's target: it expands
 * the interval/range macros from the request (as the real one does; any dashboard variable still
 * in the text is an error, because the wrapper must have replaced it before enforcing) and calls
 * the Prometheus HTTP API under `basePath` (the harness' same-origin `/prom` proxy).
 */
export class BrowserPrometheusTarget extends DataSourceApi<PromQuery> {
  readonly sent: string[] = [];

  constructor(
    private readonly basePath: string,
    uid = 'prom'
  ) {
    super({
      id: 1,
      uid,
      name: 'Central Prometheus',
      type: 'prometheus',
      access: 'proxy',
      readOnly: false,
      jsonData: {},
      meta: {
        id: 'prometheus',
        name: 'Prometheus',
        type: 'datasource',
        metrics: true,
        module: '',
        baseUrl: '',
        info: {},
      },
    } as unknown as DataSourceInstanceSettings);
  }

  private async get<T>(path: string, params: Record<string, string | undefined>): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined) {
        search.append(k, v);
      }
    }
    const res = await fetch(`${this.basePath}${path}?${search.toString()}`);
    const body = (await res.json()) as Envelope<T>;
    if (body.status !== 'success' || body.data === undefined) {
      throw new Error(`Prometheus ${path} (${search.toString()}) failed: ${body.error}`);
    }
    return body.data;
  }

  private expand(expr: string, rangeSeconds: number, intervalSeconds: number): string {
    const text = interpolate(expr, {
      variables: {},
      rangeSeconds,
      intervalSeconds,
      scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS,
    });
    this.sent.push(text);
    return text;
  }

  async query(request: DataQueryRequest<PromQuery>): Promise<DataQueryResponse> {
    const start = Math.floor(request.range.from.valueOf() / 1000);
    const end = Math.floor(request.range.to.valueOf() / 1000);
    const step = Math.max(SCRAPE_INTERVAL_SECONDS, Math.floor(request.intervalMs / 1000));
    const data: DataFrame[] = [];
    for (const t of request.targets) {
      const query = this.expand(t.expr, end - start, step);
      const instant = t.instant === true && t.range !== true;
      const { result } = instant
        ? await this.get<{ result: PromResult }>('/api/v1/query', { query, time: String(end) })
        : await this.get<{ result: PromResult }>('/api/v1/query_range', {
            query,
            start: String(start),
            end: String(end),
            step: String(step),
          });
      data.push(...promResultFrames(t.refId, result));
    }
    return { data };
  }

  /** Grafana's Prometheus metricFindQuery for `label_values(selector, label)` (label values API with match[]). */
  async metricFindQuery(query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const v = parseVariableQuery(String(query));
    if (v.fn !== 'label_values') {
      throw new Error(`BrowserPrometheusTarget answers only label_values() variable queries; got ${String(query)}`);
    }
    const range = options?.range;
    const values = await this.get<string[]>(`/api/v1/label/${encodeURIComponent(v.label)}/values`, {
      'match[]': v.selector,
      start: range ? String(Math.floor(range.from.valueOf() / 1000)) : undefined,
      end: range ? String(Math.floor(range.to.valueOf() / 1000)) : undefined,
    });
    if (v.selector !== undefined) {
      this.sent.push(v.selector);
    }
    return values.map((text) => ({ text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return { status: 'success', message: 'ok' };
  }
}
