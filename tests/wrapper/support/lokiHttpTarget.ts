import {
  DataSourceApi,
  FieldType,
  toDataFrame,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';

import type { WrapperQuery } from '../../../src/datasource/types';
import { instanceSettings } from './recordingTarget';

interface LokiEnvelope {
  status: string;
  error?: string;
  data?: {
    resultType: 'streams' | 'matrix' | 'vector';
    result: Array<{
      stream?: Record<string, string>;
      values?: Array<[string | number, string]>;
      metric?: Record<string, string>;
      value?: [number, string];
    }>;
  };
}

/** A JSON GET: node's http in jest (forwardingLokiTarget.ts), the page's fetch in the browser harness. */
export type GetJson = <T>(url: string) => Promise<{ status: number; body: T }>;

function params(p: Record<string, string>): string {
  return new URLSearchParams(p).toString();
}

/**
 * A target doing what Grafana's Loki data source does with the text it receives (grafana/grafana
 * public/app/plugins/datasource/loki/datasource.ts applyTemplateVariables, then the backend's
 * query_range / query call): a second variable pass with the request's scopedVars, `$__auto`,
 * `$__interval` and `$__range` expanded, `/loki/api/v1/query_range` (or `/query` for instant
 * queries) with `limit` = maxLines and `direction`. Its variable queries call /labels and
 * /label/<name>/values as Grafana's Loki does — without a tenant — so if the wrapper ever delegated
 * to them, the unpinned call would show up at the Loki behind `lokiUrl`. Browser-safe: the HTTP
 * GET is passed in.
 */
export class LokiHttpTarget extends DataSourceApi<WrapperQuery> {
  readonly requests: Array<DataQueryRequest<WrapperQuery>> = [];

  constructor(
    readonly lokiUrl: string,
    private readonly getJson: GetJson,
    uid = 'loki'
  ) {
    super(instanceSettings(uid, 'loki', 'Central Loki', {}));
  }

  private expand(expr: string, request: DataQueryRequest<WrapperQuery>): string {
    const rangeS = Math.round((request.range.to.valueOf() - request.range.from.valueOf()) / 1000);
    const stepS = Math.max(1, Math.round((request.intervalMs ?? 60_000) / 1000));
    const vals: Record<string, string> = {
      __auto: `${stepS}s`,
      __interval: `${stepS}s`,
      __interval_ms: String(stepS * 1000),
      __range: `${rangeS}s`,
      __range_s: String(rangeS),
      __range_ms: String(rangeS * 1000),
    };
    const second = getTemplateSrv().replace(expr, request.scopedVars);
    return second.replace(/\$\{?(__\w+)\}?/g, (m, name: string) => vals[name] ?? m);
  }

  async query(request: DataQueryRequest<WrapperQuery>): Promise<DataQueryResponse> {
    this.requests.push(request);
    const start = `${request.range.from.valueOf()}000000`;
    const end = `${request.range.to.valueOf()}000000`;
    const data: DataFrame[] = [];
    for (const t of request.targets) {
      const query = this.expand(t.expr, request);
      const common = { query, limit: String(t.maxLines ?? 1000), direction: t.direction ?? 'backward' };
      const path =
        t.queryType === 'instant'
          ? `/loki/api/v1/query?${params({ ...common, time: end })}`
          : `/loki/api/v1/query_range?${params({ ...common, start, end, step: '60' })}`;
      const { body } = await this.getJson<LokiEnvelope>(this.lokiUrl + path);
      if (body.status !== 'success' || !body.data) {
        return { data: [], errors: [{ refId: t.refId, message: body.error ?? 'Loki error' }] };
      }
      for (const r of body.data.result) {
        if (body.data.resultType === 'streams') {
          const values = r.values ?? [];
          data.push(
            toDataFrame({
              refId: t.refId,
              fields: [
                { name: 'Time', type: FieldType.time, values: values.map(([ns]) => Number(String(ns).slice(0, -6))) },
                { name: 'Line', type: FieldType.string, values: values.map(([, line]) => line), labels: r.stream },
              ],
            })
          );
        } else {
          const points = r.values ?? (r.value ? [r.value] : []);
          data.push(
            toDataFrame({
              refId: t.refId,
              fields: [
                { name: 'Time', type: FieldType.time, values: points.map(([s]) => Number(s) * 1000) },
                { name: 'Value', type: FieldType.number, values: points.map(([, v]) => Number(v)), labels: r.metric },
              ],
            })
          );
        }
      }
    }
    return { data };
  }

  async metricFindQuery(query: unknown, _options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const q = query as { type?: number; label?: string; stream?: string };
    const path =
      q.type === 0
        ? '/loki/api/v1/labels'
        : `/loki/api/v1/label/${q.label}/values${q.stream ? `?${params({ query: q.stream })}` : ''}`;
    const { body } = await this.getJson<{ data: string[] }>(this.lokiUrl + path);
    return body.data.map((text) => ({ text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return { status: 'success', message: 'ok' };
  }
}
