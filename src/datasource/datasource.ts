import {
  DataSourceApi,
  LoadingState,
  type AnnotationQuery,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceGetTagKeysOptions,
  type DataSourceGetTagValuesOptions,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { catchError, from, map, mergeMap, Observable, of } from 'rxjs';

import { filtersToSelector } from './adhocFilters';
import { describeTenant, enforcerFor, enforceText, type Enforcer } from './enforcement';
import { describeError, WrapperError } from './errors';
import { assertNoVariablesLeft, interpolateExpr } from './interpolation';
import { TenantMetadataApi } from './metadataApi';
import { rewriteQueries } from './queryRewriter';
import { sessionTeamDirectory, TenantResolver, type ResolvedTenant, type TeamDirectory } from './tenantResolver';
import {
  DEFAULT_QUERY,
  PROMETHEUS_TYPE,
  settingsFromJsonData,
  WRAPPER_PLUGIN_ID,
  type WrapperOptions,
  type WrapperQuery,
  type WrapperSettings,
} from './types';

interface Prepared {
  target: DataSourceApi;
  forwarded: DataQueryRequest<WrapperQuery>;
  errors: DataQueryError[];
}

function errorResponse(errors: DataQueryError[]): DataQueryResponse {
  return { data: [], state: LoadingState.Error, errors };
}

/**
 * Backend-less data source in front of a Prometheus data source. Every path that reaches the
 * target — panel/Explore/annotation queries, variable queries, ad-hoc keys/values, editor
 * suggestions — is limited to the tenant(s) of the signed-in user's teams before it leaves.
 */
export class TenantWrapperDataSource extends DataSourceApi<WrapperQuery, WrapperOptions> {
  readonly settings: WrapperSettings;
  readonly resolver: TenantResolver;
  readonly metadata: TenantMetadataApi;

  constructor(
    instanceSettings: DataSourceInstanceSettings<WrapperOptions>,
    directory: TeamDirectory = sessionTeamDirectory
  ) {
    super(instanceSettings);
    this.settings = settingsFromJsonData(instanceSettings.jsonData);
    this.resolver = new TenantResolver(this.settings, instanceSettings.name, directory);
    this.metadata = new TenantMetadataApi(
      () => this.settings.targetUid,
      () => this.enforcer()
    );
    // Standard annotation support: annotation queries run through query() and are enforced there.
    this.annotations = {
      prepareAnnotation: (json: AnnotationQuery<WrapperQuery> & { expr?: string }) => {
        if (!json.target && typeof json.expr === 'string') {
          // Legacy Prometheus annotations keep `expr` at the top level.
          json.target = { refId: 'Anno', expr: json.expr, range: true, instant: false } as WrapperQuery;
        }
        return json;
      },
    };
    // Grafana builds the instance when a dashboard / Explore first needs it: start both lookups
    // now so that they overlap whatever runs before the first query. Failures are not kept:
    // query time retries them and fails closed if they fail again.
    this.resolver.prefetch();
    this.target().catch(() => undefined);
  }

  getDefaultQuery(): Partial<WrapperQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: WrapperQuery): boolean {
    return !query.hide && typeof query.expr === 'string' && query.expr.trim() !== '';
  }

  /** The tenant the signed-in user's queries are limited to (throws WrapperError 'no-tenant'). */
  tenant(): Promise<ResolvedTenant> {
    return this.resolver.resolve();
  }

  async enforcer(): Promise<Enforcer> {
    return this.enforcerOf(await this.tenant());
  }

  private enforcerMemo?: { tenant: ResolvedTenant; enforcer: Enforcer };
  private targetInstance?: DataSourceApi;
  /** The lookup in flight, shared by concurrent callers; cleared when it settles (no failure kept). */
  private targetLookup?: Promise<DataSourceApi>;

  private enforcerOf(tenant: ResolvedTenant): Enforcer {
    if (this.enforcerMemo?.tenant !== tenant) {
      this.enforcerMemo = { tenant, enforcer: enforcerFor(tenant, this.settings.errorOnReplace) };
    }
    return this.enforcerMemo.enforcer;
  }

  /**
   * The target Prometheus data source, loaded through Grafana's data source service; one lookup in
   * flight at a time (30 panels starting at once share it).
   */
  target(): Promise<DataSourceApi> {
    if (!this.targetLookup) {
      const lookup = this.loadTarget();
      this.targetLookup = lookup;
      const done = () => {
        if (this.targetLookup === lookup) {
          this.targetLookup = undefined;
        }
      };
      lookup.then(done, done);
    }
    return this.targetLookup;
  }

  private async loadTarget(): Promise<DataSourceApi> {
    const uid = this.settings.targetUid;
    const fix = `ask an admin to pick an existing Prometheus data source as the target in the settings of data source "${this.name}"`;
    if (!uid) {
      throw new WrapperError(
        'config',
        `Data source "${this.name}" has no target Prometheus data source configured; ${fix}.`
      );
    }
    let ds: DataSourceApi;
    try {
      ds = await getDataSourceSrv().get({ uid });
    } catch (e) {
      throw new WrapperError(
        'target-missing',
        `The target data source (uid "${uid}") of "${this.name}" was not found (${describeError(e)}); ${fix}.`
      );
    }
    if (!ds || ds.uid === this.uid || ds.type === WRAPPER_PLUGIN_ID || ds.type !== PROMETHEUS_TYPE) {
      throw new WrapperError(
        'config',
        `The target data source (uid "${uid}") of "${this.name}" is of type "${ds?.type}", not "${PROMETHEUS_TYPE}"; ${fix}.`
      );
    }
    this.targetInstance = ds;
    return ds;
  }

  query(request: DataQueryRequest<WrapperQuery>): Observable<DataQueryResponse> {
    let ready: Prepared | undefined;
    try {
      ready = this.prepareFromCache(request);
    } catch (e) {
      return of(errorResponse([{ message: describeError(e) }]));
    }
    return (ready ? of(ready) : from(this.prepare(request))).pipe(
      mergeMap(({ target, forwarded, errors }) => {
        if (forwarded.targets.length === 0) {
          return of(errors.length > 0 ? errorResponse(errors) : { data: [] });
        }
        return from(target.query(forwarded) as Observable<DataQueryResponse> | Promise<DataQueryResponse>).pipe(
          map((response) =>
            errors.length > 0 ? { ...response, errors: [...(response.errors ?? []), ...errors] } : response
          )
        );
      }),
      catchError((e: unknown) => of(errorResponse([{ message: describeError(e) }])))
    );
  }

  /**
   * The synchronous path once the team list and the target are known (every panel after the
   * first): saves the promise hops of the async path, which dominate the wrapper's own time.
   */
  private prepareFromCache(request: DataQueryRequest<WrapperQuery>): Prepared | undefined {
    const tenant = this.resolver.resolveCached();
    const target = this.targetInstance;
    return tenant && target ? this.build(request, this.enforcerOf(tenant), target) : undefined;
  }

  private async prepare(request: DataQueryRequest<WrapperQuery>): Promise<Prepared> {
    // Both lookups run at once (neither sends anything to Prometheus); the tenant is awaited
    // first, so a user in no mapped team gets that error, and nothing leaves without a tenant.
    const target = this.target();
    target.catch(() => undefined); // reported below, after the tenant
    const enforcer = await this.enforcer();
    return this.build(request, enforcer, await target);
  }

  private build(request: DataQueryRequest<WrapperQuery>, enforcer: Enforcer, target: DataSourceApi): Prepared {
    const { queries, errors } = rewriteQueries(request.targets, enforcer, request.scopedVars, request.filters);
    const forwarded: DataQueryRequest<WrapperQuery> = {
      ...request,
      // Applied above; the target must not add them again (or see another data source's filters).
      filters: undefined,
      targets: queries.map((q) => ({ ...q, datasource: { type: target.type, uid: target.uid } })),
    };
    return { target, forwarded, errors };
  }

  /** Variable queries: label_values(), label_names(), metrics(), query_result() and plain PromQL. */
  async metricFindQuery(query: unknown, options: LegacyMetricFindQueryOptions = {}): Promise<MetricFindValue[]> {
    const text = variableQueryText(query);
    if (text.trim() === '') {
      return [];
    }
    const enforcer = await this.enforcer();
    const target = await this.target();
    if (!target.metricFindQuery) {
      throw new WrapperError(
        'config',
        `The target data source "${target.name}" cannot answer variable queries; pick a Prometheus data source as the target.`
      );
    }
    const interpolated = interpolateExpr(text, options.scopedVars);
    const enforced = enforceText(interpolated, enforcer, 'Variable query');
    assertNoVariablesLeft(enforced, options.scopedVars, text);
    return target.metricFindQuery(enforced, options);
  }

  async getTagKeys(options?: DataSourceGetTagKeysOptions<WrapperQuery>): Promise<MetricFindValue[]> {
    const filters = options?.filters ?? [];
    const names = await this.metadata.labelNames({
      match: filters.length > 0 ? filtersToSelector(filters) : undefined,
      range: options?.timeRange,
    });
    return names.filter((n) => n !== '__name__').map((text) => ({ text }));
  }

  async getTagValues(options: DataSourceGetTagValuesOptions<WrapperQuery>): Promise<MetricFindValue[]> {
    const others = (options.filters ?? []).filter((f) => f.key !== options.key);
    const values = await this.metadata.labelValues(options.key, {
      match: others.length > 0 ? filtersToSelector(others) : undefined,
      range: options.timeRange,
    });
    return values.map((text) => ({ text }));
  }

  /** Explore "open from panel": variables replaced, enforcement still happens in query(). */
  interpolateVariablesInQueries(queries: WrapperQuery[], scopedVars: ScopedVars): WrapperQuery[] {
    return queries.map((q) => ({ ...q, expr: interpolateExpr(q.expr ?? '', scopedVars) }));
  }

  getQueryDisplayText(query: WrapperQuery): string {
    return query.expr ?? '';
  }

  /** The enforced text of `expr` for the signed-in user (query editor preview). */
  async preview(expr: string): Promise<string> {
    return enforceText(expr, await this.enforcer());
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const target = await this.target();
      const tenant = await this.tenant();
      const labels = await this.metadata.labelNames();
      return {
        status: 'success',
        message:
          `Target "${target.name}" found. Your queries are limited to ${describeTenant(tenant)} ` +
          `(teams: ${tenant.mappedTeams.join(', ')}); ${labels.length} label names visible. ` +
          'Users in no mapped team are always denied.',
      };
    } catch (e) {
      return { status: 'error', message: describeError(e) };
    }
  }
}

function variableQueryText(query: unknown): string {
  if (typeof query === 'string') {
    return query;
  }
  if (query && typeof query === 'object') {
    const q = query as { query?: unknown; expr?: unknown };
    if (typeof q.query === 'string') {
      return q.query;
    }
    if (typeof q.expr === 'string') {
      return q.expr;
    }
  }
  throw new WrapperError(
    'rejected',
    `Variable query ${JSON.stringify(query)} is not text; enter a label_values(...), label_names(), metrics(...), query_result(...) or PromQL query.`
  );
}
