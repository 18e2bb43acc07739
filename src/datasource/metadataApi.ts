import type { TimeRange } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';

import { enforceMatch, type Enforcer } from './enforcement';
import { WrapperError } from './errors';

/** Grafana's data source proxy prefix for a target (CONTRACT.md §7.2). */
export function targetProxyPath(uid: string): string {
  return `/api/datasources/proxy/uid/${encodeURIComponent(uid)}/`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface MetricMetadataEntry {
  type: string;
  help: string;
  unit?: string;
}

export interface MetadataRequestOptions {
  /** A series selector to narrow the answer; the tenant matcher is always added. */
  match?: string;
  range?: TimeRange;
}

/** Prometheus HTTP API body (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview). */
interface PromBody<T> {
  status?: string;
  data?: T;
  error?: string;
}

/**
 * Prometheus metadata calls (labels, label values, series, metric metadata) sent to the target
 * through Grafana's data source proxy, `GET /api/datasources/proxy/uid/<uid>/api/v1/...`
 * (CONTRACT.md §7.2: Viewer+, Grafana adds the data source's auth server-side; GET because the
 * POST allow-list of the Prometheus plugin is unverified). Every call carries `match[]` with the
 * tenant; none can be made without an enforcer, so there is no unscoped path.
 */
export class TenantMetadataApi {
  constructor(
    private readonly targetUid: () => string,
    private readonly enforcer: () => Promise<Enforcer>
  ) {}

  async labelNames(opts: MetadataRequestOptions = {}): Promise<string[]> {
    return this.get<string[]>('api/v1/labels', opts);
  }

  async labelValues(label: string, opts: MetadataRequestOptions = {}): Promise<string[]> {
    if (!LABEL_NAME.test(label)) {
      throw new WrapperError(
        'rejected',
        `"${label}" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); pick a label from the list.`
      );
    }
    return this.get<string[]>(`api/v1/label/${label}/values`, opts);
  }

  async series(opts: MetadataRequestOptions & { match: string }): Promise<Array<Record<string, string>>> {
    return this.get<Array<Record<string, string>>>('api/v1/series', opts);
  }

  /** Names of the metrics that have series of the tenant. */
  async metricNames(opts: Omit<MetadataRequestOptions, 'match'> = {}): Promise<string[]> {
    return this.labelValues('__name__', opts);
  }

  /**
   * Metric metadata (HELP/TYPE). Prometheus' /api/v1/metadata has no series selector, so the
   * answer is cut down to the metric names the tenant has series for; `match[]` is sent too so
   * that an enforcing proxy in front of Prometheus can see the tenant.
   */
  async metricMetadata(
    opts: Omit<MetadataRequestOptions, 'match'> = {}
  ): Promise<Record<string, MetricMetadataEntry[]>> {
    const [names, all] = await Promise.all([
      this.metricNames(opts),
      this.get<Record<string, MetricMetadataEntry[]>>('api/v1/metadata', opts),
    ]);
    const out: Record<string, MetricMetadataEntry[]> = {};
    for (const name of names) {
      if (all && Object.prototype.hasOwnProperty.call(all, name)) {
        out[name] = all[name];
      }
    }
    return out;
  }

  private async get<T>(path: string, opts: MetadataRequestOptions): Promise<T> {
    const e = await this.enforcer();
    if (e.kind !== 'prometheus') {
      throw new WrapperError(
        'config',
        `Prometheus API calls need a Prometheus target, but this data source's target is ${e.kind}; use the ${e.kind} calls.`
      );
    }
    const uid = this.targetUid();
    const params: Record<string, string | string[] | number> = { 'match[]': [enforceMatch(opts.match, e)] };
    if (opts.range) {
      params.start = Math.floor(opts.range.from.valueOf() / 1000);
      params.end = Math.ceil(opts.range.to.valueOf() / 1000);
    }
    const url = `${targetProxyPath(uid)}${path}`;
    let body: PromBody<T>;
    try {
      body = await getBackendSrv().get<PromBody<T>>(url, params, undefined, {
        showErrorAlert: false,
        hideFromInspector: true,
      });
    } catch (err) {
      const detail = isFetchError(err)
        ? `${err.status} ${(err.data as PromBody<T> | undefined)?.error ?? err.statusText ?? ''}`
        : String(err);
      throw new WrapperError(
        'target-error',
        `The target Prometheus data source (uid "${uid}") answered ${path} with ${detail.trim()}; check that it is reachable.`
      );
    }
    if (!body || body.status !== 'success' || body.data === undefined) {
      throw new WrapperError(
        'target-error',
        `The target Prometheus data source (uid "${uid}") returned an error for ${path}: ${body?.error ?? 'no data'}.`
      );
    }
    return body.data;
  }
}
