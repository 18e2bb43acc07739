import {
  DataSourceApi,
  LoadingState,
  type AnnotationQuery,
  type DataSourceWithLogsContextSupport,
  type LogRowContextOptions,
  type LogRowModel,
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
import { catchError, from, lastValueFrom, map, mergeMap, Observable, of } from 'rxjs';

import { filtersToSelector } from './adhocFilters';
import { describeTenant, enforceMatch, enforcerFor, enforceText, type Enforcer } from './enforcement';
import { describeError, WrapperError } from './errors';
import { assertNoVariablesLeft, interpolateExpr } from './interpolation';
import { contextSelector, contextWindow } from './logContext';
import { filtersToStreamSelector } from './lokiAdhocFilters';
import { TenantLokiMetadataApi } from './lokiMetadataApi';
import { parseLokiVariableQuery } from './lokiVariableQuery';
import { TenantMetadataApi } from './metadataApi';
import { rewriteQueries } from './queryRewriter';
import { sessionTeamDirectory, TenantResolver, type ResolvedTenant, type TeamDirectory } from './tenantResolver';
import {
  DEFAULT_LOKI_QUERY,
  DEFAULT_QUERY,
  LOKI_TYPE,
  settingsFromJsonData,
  TARGET_TYPES,
  WRAPPER_PLUGIN_ID,
  type TargetKind,
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
 * Backend-less data source in front of a Prometheus or a Loki data source. Every path that reaches
 * the target — panel/Explore/annotation queries, variable queries, ad-hoc keys/values, editor
 * suggestions and label browser, log context — is limited to the tenant(s) of the signed-in user's
 * teams before it leaves. It runs in the user's browser, so it is convenience and defense in depth:
 * the wall is the enforcing proxy in front of Prometheus / Loki, which a user can reach through
 * other data sources or by hand.
 */
export class TenantWrapperDataSource
  extends DataSourceApi<WrapperQuery, WrapperOptions>
  implements DataSourceWithLogsContextSupport<WrapperQuery>
{
  readonly settings: WrapperSettings;
  readonly resolver: TenantResolver;
  readonly metadata: TenantMetadataApi;
  readonly lokiMetadata: TenantLokiMetadataApi;

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
    this.lokiMetadata = new TenantLokiMetadataApi(
      () => this.settings.targetUid,
      () => this.enforcer()
    );
    // Standard annotation support: annotation queries run through query() and are enforced there.
    this.annotations = {
      prepareAnnotation: (json: AnnotationQuery<WrapperQuery> & { expr?: string }) => {
        if (!json.target && typeof json.expr === 'string') {
          // Legacy Prometheus and Loki annotations keep `expr` at the top level.
          json.target = (
            this.targetKindOrUndefined() === LOKI_TYPE
              ? { refId: 'Anno', expr: json.expr, queryType: 'range' }
              : { refId: 'Anno', expr: json.expr, range: true, instant: false }
          ) as WrapperQuery;
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
    return this.targetKindOrUndefined() === LOKI_TYPE ? DEFAULT_LOKI_QUERY : DEFAULT_QUERY;
  }

  /**
   * Prometheus or Loki: the type of the target data source in Grafana's data source registry
   * (instance settings of targetUid). Picks the engine and the APIs; nothing a user types in a
   * query can change it. Any other type is refused.
   */
  targetKind(): TargetKind {
    const uid = this.settings.targetUid;
    if (!uid) {
      throw new WrapperError(
        'config',
        `Data source "${this.name}" has no target Prometheus or Loki data source configured; ${this.targetFix()}.`
      );
    }
    const type = getDataSourceSrv().getInstanceSettings({ uid })?.type;
    if (type === undefined) {
      throw new WrapperError(
        'target-missing',
        `The target data source (uid "${uid}") of "${this.name}" was not found (no data source with that uid); ${this.targetFix()}.`
      );
    }
    return this.kindOfType(uid, type);
  }

  /** The target kind for choices that have a safe default (editor, default query); never for enforcement. */
  targetKindOrUndefined(): TargetKind | undefined {
    try {
      return this.targetKind();
    } catch {
      return undefined;
    }
  }

  private targetFix(): string {
    return `ask an admin to pick an existing Prometheus or Loki data source as the target in the settings of data source "${this.name}"`;
  }

  private kindOfType(uid: string, type: string | undefined): TargetKind {
    if (uid === this.uid || type === WRAPPER_PLUGIN_ID || !TARGET_TYPES.includes(type as TargetKind)) {
      throw new WrapperError(
        'config',
        `The target data source (uid "${uid}") of "${this.name}" is of type "${type}", not "prometheus" or "loki"; ${this.targetFix()}.`
      );
    }
    return type as TargetKind;
  }

  filterQuery(query: WrapperQuery): boolean {
    return !query.hide && typeof query.expr === 'string' && query.expr.trim() !== '';
  }

  /** The tenant the signed-in user's queries are limited to (throws WrapperError 'no-tenant'). */
  tenant(): Promise<ResolvedTenant> {
    return this.resolver.resolve();
  }

  /** The enforcer for the signed-in user's tenant, in the grammar of the target (tenant errors first). */
  async enforcer(): Promise<Enforcer> {
    const tenant = await this.tenant();
    return this.enforcerOf(tenant, this.targetKind());
  }

  private enforcerMemo?: { tenant: ResolvedTenant; kind: TargetKind; enforcer: Enforcer };
  private targetInstance?: DataSourceApi;
  /** The lookup in flight, shared by concurrent callers; cleared when it settles (no failure kept). */
  private targetLookup?: Promise<DataSourceApi>;

  private enforcerOf(tenant: ResolvedTenant, kind: TargetKind): Enforcer {
    if (this.enforcerMemo?.tenant !== tenant || this.enforcerMemo.kind !== kind) {
      this.enforcerMemo = { tenant, kind, enforcer: enforcerFor(tenant, this.settings.errorOnReplace, kind) };
    }
    return this.enforcerMemo.enforcer;
  }

  /**
   * The target Prometheus or Loki data source, loaded through Grafana's data source service; one
   * lookup in flight at a time (30 panels starting at once share it).
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
    const kind = this.targetKind();
    let ds: DataSourceApi;
    try {
      ds = await getDataSourceSrv().get({ uid });
    } catch (e) {
      throw new WrapperError(
        'target-missing',
        `The target data source (uid "${uid}") of "${this.name}" was not found (${describeError(e)}); ${this.targetFix()}.`
      );
    }
    // The instance must be what the registry said: its type picked the engine.
    if (!ds || this.kindOfType(ds.uid, ds.type) !== kind) {
      throw new WrapperError(
        'config',
        `The target data source (uid "${uid}") of "${this.name}" is of type "${ds?.type}", but Grafana's settings say "${kind}"; reload the page, then ${this.targetFix()}.`
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
    return this.run(ready ? of(ready) : from(this.prepare(request)));
  }

  /** Sends prepared (already enforced) queries to the target; every failure becomes an error response. */
  private run(prepared: Observable<Prepared>): Observable<DataQueryResponse> {
    return prepared.pipe(
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
    // The instance's type was checked against the registry when it was loaded.
    return tenant && target
      ? this.build(request, this.enforcerOf(tenant, target.type as TargetKind), target)
      : undefined;
  }

  private async prepare(request: DataQueryRequest<WrapperQuery>): Promise<Prepared> {
    // Both lookups run at once (neither sends anything to Prometheus); the tenant is awaited
    // first, so a user in no mapped team gets that error, and nothing leaves without a tenant.
    const target = this.target();
    target.catch(() => undefined); // reported below, after the tenant
    const tenant = await this.tenant();
    const ds = await target;
    return this.build(request, this.enforcerOf(tenant, ds.type as TargetKind), ds);
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

  /**
   * Variable queries. Prometheus: label_values(), label_names(), metrics(), query_result() and plain
   * PromQL, enforced and delegated to the target. Loki: label names / label values (with an optional
   * stream selector), answered through the wrapper's own tenant-pinned label calls — Grafana's Loki
   * would call /labels without a selector.
   */
  async metricFindQuery(query: unknown, options: LegacyMetricFindQueryOptions = {}): Promise<MetricFindValue[]> {
    const enforcer = await this.enforcer();
    if (enforcer.kind === LOKI_TYPE) {
      return this.lokiVariableQuery(query, options);
    }
    const text = variableQueryText(query);
    if (text.trim() === '') {
      return [];
    }
    const target = await this.target();
    if (!target.metricFindQuery) {
      throw new WrapperError(
        'config',
        `The target data source "${target.name}" cannot answer variable queries; pick a Prometheus or Loki data source as the target.`
      );
    }
    const interpolated = interpolateExpr(text, options.scopedVars);
    const enforced = enforceText(interpolated, enforcer, 'Variable query');
    assertNoVariablesLeft(enforced, options.scopedVars, text);
    return target.metricFindQuery(enforced, options);
  }

  private async lokiVariableQuery(query: unknown, options: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const parsed = parseLokiVariableQuery(query);
    let stream: string | undefined;
    if (parsed.stream !== undefined) {
      stream = interpolateExpr(parsed.stream, options.scopedVars);
      assertNoVariablesLeft(stream, options.scopedVars, parsed.stream);
    }
    const range = options.range;
    if (parsed.type === 'labelNames') {
      return (await this.lokiMetadata.labelNames({ stream, range })).map((text) => ({ text }));
    }
    const label = interpolateExpr(parsed.label, options.scopedVars).trim();
    return (await this.lokiMetadata.labelValues(label, { stream, range })).map((text) => ({ text }));
  }

  async getTagKeys(options?: DataSourceGetTagKeysOptions<WrapperQuery>): Promise<MetricFindValue[]> {
    const filters = options?.filters ?? [];
    if ((await this.enforcer()).kind === LOKI_TYPE) {
      const stream = filters.length > 0 ? filtersToStreamSelector(filters) : undefined;
      return (await this.lokiMetadata.labelNames({ stream, range: options?.timeRange })).map((text) => ({ text }));
    }
    const names = await this.metadata.labelNames({
      match: filters.length > 0 ? filtersToSelector(filters) : undefined,
      range: options?.timeRange,
    });
    return names.filter((n) => n !== '__name__').map((text) => ({ text }));
  }

  async getTagValues(options: DataSourceGetTagValuesOptions<WrapperQuery>): Promise<MetricFindValue[]> {
    const others = (options.filters ?? []).filter((f) => f.key !== options.key);
    if ((await this.enforcer()).kind === LOKI_TYPE) {
      const stream = others.length > 0 ? filtersToStreamSelector(others) : undefined;
      const found = await this.lokiMetadata.labelValues(options.key, { stream, range: options.timeRange });
      return found.map((text) => ({ text }));
    }
    const values = await this.metadata.labelValues(options.key, {
      match: others.length > 0 ? filtersToSelector(others) : undefined,
      range: options.timeRange,
    });
    return values.map((text) => ({ text }));
  }

  /**
   * Log context (Loki): the query for the lines around `row`, its stream selector built from the
   * row's labels without the tenant label and enforced by the engine here, so the text is pinned
   * to the user's tenant whatever the row's labels claim.
   */
  async getLogRowContextQuery(
    row: LogRowModel,
    options?: LogRowContextOptions,
    origQuery?: WrapperQuery
  ): Promise<WrapperQuery> {
    const e = await this.enforcer();
    if (e.kind !== LOKI_TYPE) {
      throw new WrapperError('rejected', `Log context needs a Loki target; the target of "${this.name}" is ${e.kind}.`);
    }
    const expr = enforceMatch(contextSelector(row, e.label) || undefined, e);
    const { direction, limit } = contextWindow(row, options);
    return {
      refId: `log-context-${origQuery?.refId ?? row.dataFrame?.refId ?? 'A'}`,
      expr,
      queryType: 'range',
      maxLines: limit,
      direction,
      datasource: { type: this.type, uid: this.uid },
    };
  }

  /**
   * Runs the context query. It is forwarded as built (no interpolation: row labels are data, not
   * templates), after a check that the target's own variable pass cannot change it.
   */
  async getLogRowContext(
    row: LogRowModel,
    options?: LogRowContextOptions,
    origQuery?: WrapperQuery
  ): Promise<DataQueryResponse> {
    const prepared = (async (): Promise<Prepared> => {
      const query = await this.getLogRowContextQuery(row, options, origQuery);
      const target = await this.target();
      const scopedVars = options?.scopedVars ?? {};
      assertNoVariablesLeft(query.expr, scopedVars, query.expr);
      const { range } = contextWindow(row, options);
      const forwarded: DataQueryRequest<WrapperQuery> = {
        requestId: `${this.uid}-log-context-${row.uid}`,
        app: 'logs-context',
        interval: '1s',
        intervalMs: 1000,
        range,
        scopedVars,
        targets: [{ ...query, datasource: { type: target.type, uid: target.uid } }],
        timezone: 'utc',
        startTime: Date.now(),
      };
      return { target, forwarded, errors: [] };
    })();
    const response = await lastValueFrom(this.run(from(prepared)));
    if (response.state === LoadingState.Error) {
      throw new WrapperError('rejected', response.errors?.map((x) => x.message).join('; ') ?? 'Log context failed.');
    }
    return response;
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
      const labels =
        (await this.enforcer()).kind === LOKI_TYPE
          ? await this.lokiMetadata.labelNames()
          : await this.metadata.labelNames();
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
