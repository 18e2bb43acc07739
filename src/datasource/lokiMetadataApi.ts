import type { TimeRange } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';

import { enforceMatch, type Enforcer } from './enforcement';
import { WrapperError } from './errors';

/**
 * Grafana's resource route of a backend data source: `GET /api/datasources/uid/<uid>/resources/<path>`.
 * Grafana's Loki backend forwards `labels`, `label/<name>/values` and `series` (with their query
 * string) to `<loki>/loki/api/v1/<path>` (grafana/grafana pkg/tsdb/loki/loki.go, callResource) with
 * the data source's own auth — the same calls Grafana's Loki label browser makes.
 */
export function targetResourcePath(uid: string): string {
  return `/api/datasources/uid/${encodeURIComponent(uid)}/resources/`;
}

const LOKI_LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface LokiMetadataOptions {
  /** A stream selector to narrow the answer, e.g. `{app="api"}`; the tenant matcher is always added. */
  stream?: string;
  range?: TimeRange;
}

/** Loki HTTP API body (https://grafana.com/docs/loki/latest/reference/loki-http-api/). */
interface LokiBody<T> {
  status?: string;
  data?: T;
  error?: string;
  message?: string;
}

/** Loki takes Unix epoch nanoseconds; as text, because they exceed Number's exact range. */
function nanoseconds(ms: number): string {
  return `${Math.floor(ms)}000000`;
}

/**
 * Loki label browser and metadata calls: label names, label values and series. Each carries a
 * stream selector pinned to the tenant (`query` for labels and values, `match[]` for series); none
 * can be made without an enforcer, so there is no unscoped path. Convenience and defense in depth:
 * a Loki older than the `query` parameter of /labels ignores it, which is why the enforcing proxy
 * in front of Loki is the wall (it pins these routes itself).
 */
export class TenantLokiMetadataApi {
  constructor(
    private readonly targetUid: () => string,
    private readonly enforcer: () => Promise<Enforcer>
  ) {}

  /** The label every selector is pinned on (rejects, like the calls, when the user has no tenant). */
  async tenantLabel(): Promise<string> {
    return (await this.enforcer()).label;
  }

  labelNames(opts: LokiMetadataOptions = {}): Promise<string[]> {
    return this.get<string[]>('labels', 'query', opts);
  }

  labelValues(label: string, opts: LokiMetadataOptions = {}): Promise<string[]> {
    if (!LOKI_LABEL_NAME.test(label)) {
      throw new WrapperError(
        'rejected',
        `"${label}" is not a Loki label name ([A-Za-z_][A-Za-z0-9_]*); pick a label from the list.`
      );
    }
    return this.get<string[]>(`label/${label}/values`, 'query', opts);
  }

  series(opts: LokiMetadataOptions = {}): Promise<Array<Record<string, string>>> {
    return this.get<Array<Record<string, string>>>('series', 'match[]', opts);
  }

  private async get<T>(path: string, selectorParam: 'query' | 'match[]', opts: LokiMetadataOptions): Promise<T> {
    const e = await this.enforcer();
    if (e.kind !== 'loki') {
      throw new WrapperError(
        'config',
        `Loki label calls need a Loki target, but this data source's target is ${e.kind}; use the ${e.kind} calls.`
      );
    }
    const uid = this.targetUid();
    const params: Record<string, string | string[]> = {
      [selectorParam]: selectorParam === 'match[]' ? [enforceMatch(opts.stream, e)] : enforceMatch(opts.stream, e),
    };
    if (opts.range) {
      params.start = nanoseconds(opts.range.from.valueOf());
      params.end = nanoseconds(opts.range.to.valueOf());
    }
    let body: LokiBody<T>;
    try {
      body = await getBackendSrv().get<LokiBody<T>>(`${targetResourcePath(uid)}${path}`, params, undefined, {
        showErrorAlert: false,
        hideFromInspector: true,
      });
    } catch (err) {
      const detail = isFetchError(err)
        ? `${err.status} ${(err.data as LokiBody<T> | undefined)?.message ?? err.statusText ?? ''}`
        : String(err);
      throw new WrapperError(
        'target-error',
        `The target Loki data source (uid "${uid}") answered ${path} with ${detail.trim()}; check that it is reachable.`
      );
    }
    if (!body || body.status !== 'success') {
      throw new WrapperError(
        'target-error',
        `The target Loki data source (uid "${uid}") returned an error for ${path}: ${body?.error ?? body?.message ?? 'no data'}.`
      );
    }
    // Loki leaves `data` out (or null) when nothing matches.
    return (body.data ?? []) as T;
  }
}
