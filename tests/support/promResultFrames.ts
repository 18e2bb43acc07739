import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

/**
 * A Prometheus query / query_range `result` (vector or matrix): each series with its labels and
 * either `values` (range) or a single `value` (instant). https://prometheus.io/docs/prometheus/latest/querying/api/
 */
export type PromResult = Array<{
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  value?: [number, string];
}>;

/**
 * One Time/Value data frame per series, labels on the Value field, as the test Prometheus targets
 * answer. Browser-safe (only @grafana/data): the browser harness bundles it too.
 */
export function promResultFrames(refId: string, result: PromResult): DataFrame[] {
  return result.map((s) => {
    const points = s.values ?? (s.value ? [s.value] : []);
    return toDataFrame({
      refId,
      fields: [
        { name: 'Time', type: FieldType.time, values: points.map((p) => p[0] * 1000) },
        { name: 'Value', type: FieldType.number, values: points.map((p) => Number(p[1])), labels: s.metric },
      ],
    });
  });
}
