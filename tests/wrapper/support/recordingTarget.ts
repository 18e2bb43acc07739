import {
  DataSourceApi,
  FieldType,
  toDataFrame,
  type DataQuery,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type DataSourceRef,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type TestDataSourceResponse,
} from '@grafana/data';
import type { DataSourceSrv } from '@grafana/runtime';

export interface PromLikeQuery extends DataQuery {
  expr: string;
  instant?: boolean;
  range?: boolean;
  legendFormat?: string;
}

export function instanceSettings<T extends object>(
  uid: string,
  type: string,
  name: string,
  jsonData: T
): DataSourceInstanceSettings<any> {
  return {
    uid,
    type,
    name,
    id: 1,
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: { id: type, name: type, type: 'datasource', metrics: true, info: { logos: { small: '', large: '' } } } as any,
  } as DataSourceInstanceSettings<any>;
}

/**
 * A minimal target data source that records everything it receives and answers one empty series
 * per query. Its type is "prometheus" so that the wrapper accepts it as a target.
 */
export class RecordingTarget extends DataSourceApi<PromLikeQuery> {
  readonly queries: Array<DataQueryRequest<PromLikeQuery>> = [];
  readonly variableQueries: Array<{ query: unknown; options?: LegacyMetricFindQueryOptions }> = [];

  constructor(uid = 'prom', name = 'Central Prometheus') {
    super(instanceSettings(uid, 'prometheus', name, {}));
  }

  /** Every expr the target was asked to run, in order. */
  get exprs(): string[] {
    return this.queries.flatMap((r) => r.targets.map((t) => t.expr));
  }

  async query(request: DataQueryRequest<PromLikeQuery>): Promise<DataQueryResponse> {
    this.queries.push(request);
    return {
      data: request.targets.map((t) =>
        toDataFrame({
          refId: t.refId,
          fields: [
            { name: 'Time', type: FieldType.time, values: [] },
            { name: 'Value', type: FieldType.number, values: [] },
          ],
        })
      ),
    };
  }

  async metricFindQuery(query: unknown, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    this.variableQueries.push({ query, options });
    return [{ text: 'recorded' }];
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return { status: 'success', message: 'ok' };
  }
}

/** getDataSourceSrv() stand-in knowing a fixed set of data source instances by uid. */
export class FakeDataSourceSrv implements DataSourceSrv {
  readonly lookups: string[] = [];
  constructor(private readonly instances: Array<DataSourceApi<any>>) {}

  /** A data source created after the page loaded (e.g. an admin adds the target later). */
  add(ds: DataSourceApi<any>): void {
    this.instances.push(ds);
  }

  async get(ref?: string | DataSourceRef | null): Promise<DataSourceApi> {
    const uid = typeof ref === 'string' ? ref : ref?.uid;
    this.lookups.push(String(uid));
    const ds = this.instances.find((d) => d.uid === uid || d.name === uid);
    if (!ds) {
      throw new Error(`Datasource ${uid} was not found`);
    }
    return ds;
  }
  getList(): Array<DataSourceInstanceSettings<any>> {
    return this.instances.map((d) => instanceSettings(d.uid, d.type, d.name, {}));
  }
  getInstanceSettings(ref?: string | DataSourceRef | null): DataSourceInstanceSettings<any> | undefined {
    const uid = typeof ref === 'string' ? ref : ref?.uid;
    return this.getList().find((s) => s.uid === uid || s.name === uid);
  }
  reload(): Promise<void> {
    return Promise.resolve();
  }
  registerRuntimeDataSource(): void {}
}
