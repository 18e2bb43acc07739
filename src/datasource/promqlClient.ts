import type { TimeRange } from '@grafana/data';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';

import type { MetricMetadataEntry, TenantMetadataApi } from './metadataApi';

/** The shape of codemirror-promql's Matcher (type = a lezer-promql token id). */
interface EditorMatcher {
  type: number;
  name: string;
  value: string;
}

const OPS = new Map<number, string>([
  [EqlSingle, '='],
  [Neq, '!='],
  [EqlRegex, '=~'],
  [NeqRegex, '!~'],
]);

/** `metric{m1, m2}` as a series selector (the tenant matcher is added by TenantMetadataApi). */
export function editorSelector(metricName?: string, matchers?: readonly EditorMatcher[]): string | undefined {
  const parts: string[] = [];
  if (metricName) {
    parts.push(`__name__=${JSON.stringify(metricName)}`);
  }
  for (const m of matchers ?? []) {
    const op = OPS.get(m.type);
    // The editor also passes the matcher being typed (empty name); skip it and unknown operators.
    if (op && m.name && m.name !== '__name__') {
      parts.push(`${m.name}${op}${JSON.stringify(m.value)}`);
    }
  }
  return parts.length > 0 ? `{${parts.join(', ')}}` : undefined;
}

/**
 * codemirror-promql's PrometheusClient answered only through the wrapper's enforced metadata
 * calls, so suggestions (metric names, labels, values, HELP texts) never show another tenant's
 * data. Failures (no tenant, target down) give no suggestions instead of breaking the editor;
 * the tenant line under the editor shows the reason.
 */
export class TenantPrometheusClient implements PrometheusClient {
  private currentRange?: TimeRange;

  constructor(
    private readonly api: TenantMetadataApi,
    range?: TimeRange
  ) {
    this.currentRange = range;
  }

  /** The dashboard / Explore time range suggestions are limited to (follows the picker). */
  setRange(range: TimeRange | undefined): void {
    this.currentRange = range;
  }

  private range(): TimeRange | undefined {
    return this.currentRange;
  }

  labelNames(metricName?: string): Promise<string[]> {
    return quiet(this.api.labelNames({ match: editorSelector(metricName), range: this.range() }), []);
  }

  labelValues(labelName: string, metricName?: string, matchers?: EditorMatcher[]): Promise<string[]> {
    // The matcher being completed (`job="|`) names the label itself; keeping it would ask for
    // series where that label is empty.
    const others = matchers?.filter((m) => m.name !== labelName);
    return quiet(
      this.api.labelValues(labelName, { match: editorSelector(metricName, others), range: this.range() }),
      []
    );
  }

  metricMetadata(): Promise<Record<string, MetricMetadataEntry[]>> {
    return quiet(this.api.metricMetadata({ range: this.range() }), {});
  }

  async series(
    metricName: string,
    matchers?: EditorMatcher[],
    labelName?: string
  ): Promise<Array<Map<string, string>>> {
    const match = editorSelector(metricName, matchers) ?? '{__name__=~".+"}';
    const rows = await quiet(this.api.series({ match, range: this.range() }), []);
    return rows.map(
      (labels) =>
        new Map(Object.entries(labels).filter(([k]) => labelName === undefined || k === labelName || k === '__name__'))
    );
  }

  metricNames(): Promise<string[]> {
    return quiet(this.api.metricNames({ range: this.range() }), []);
  }

  /** Server flags are not tenant data and not needed for completion; nothing is fetched. */
  async flags(): Promise<Record<string, string>> {
    return {};
  }
}

function quiet<T>(p: Promise<T>, fallback: T): Promise<T> {
  return p.catch(() => fallback);
}
