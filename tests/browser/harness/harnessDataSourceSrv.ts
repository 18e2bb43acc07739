/**
 * Minimal `getDataSourceSrv()` for the harness: the instance settings come from the fake's
 * `GET /api/datasources` (current UI org), loaded once at boot, so pickers such as
 * `DataSourcePicker` list real rows. `get()` (a live DataSourceApi) is registered per page via
 * `registerHarnessDataSource` because the harness has no plugin loader.
 */
import type { DataSourceApi, DataSourceInstanceSettings, DataSourceRef } from '@grafana/data';
import type { BackendSrv, DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';

interface DataSourceRow {
  id: number;
  uid: string;
  name: string;
  type: string;
  url?: string;
  access?: string;
  isDefault?: boolean;
  readOnly?: boolean;
  jsonData?: Record<string, unknown>;
}

const apis = new Map<string, DataSourceApi>();

/** Lets a page make `getDataSourceSrv().get(uid)` return an instance it built itself. */
export function registerHarnessDataSource(uid: string, api: DataSourceApi): void {
  apis.set(uid, api);
}

function toSettings(row: DataSourceRow): DataSourceInstanceSettings {
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    type: row.type,
    url: row.url,
    access: (row.access as 'proxy' | 'direct') ?? 'proxy',
    isDefault: Boolean(row.isDefault),
    readOnly: Boolean(row.readOnly),
    jsonData: row.jsonData ?? {},
    meta: {
      id: row.type,
      name: row.type,
      type: 'datasource',
      module: '',
      baseUrl: '',
      metrics: true,
      info: {
        author: { name: '' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
    } as unknown as DataSourceInstanceSettings['meta'],
  } as DataSourceInstanceSettings;
}

export async function createHarnessDataSourceSrv(backendSrv: BackendSrv): Promise<DataSourceSrv> {
  let rows: DataSourceInstanceSettings[] = [];
  const load = async () => {
    if (!(window as { __harnessHasGrafana?: boolean }).__harnessHasGrafana) {
      return;
    }
    try {
      const list = await backendSrv.get<DataSourceRow[]>('/api/datasources');
      rows = Array.isArray(list) ? list.map(toSettings) : [];
    } catch {
      // No Grafana behind the harness (or no access): pickers show an empty list.
      rows = [];
    }
  };
  await load();
  const find = (ref?: DataSourceRef | string | null) => {
    if (ref === undefined || ref === null) {
      return rows.find((r) => r.isDefault);
    }
    const key = typeof ref === 'string' ? ref : ref.uid;
    return rows.find((r) => r.uid === key || r.name === key);
  };
  return {
    getList: (filters?: GetDataSourceListFilters) =>
      rows.filter((r) => {
        if (filters?.pluginId && r.type !== filters.pluginId) {
          return false;
        }
        const types = filters?.type === undefined ? undefined : ([] as string[]).concat(filters.type);
        if (types && !types.includes(r.type)) {
          return false;
        }
        return filters?.filter ? filters.filter(r) : true;
      }),
    getInstanceSettings: find,
    get: async (ref) => {
      const settings = find(ref);
      const api = settings && apis.get(settings.uid);
      if (!api) {
        throw new Error(
          `harness dataSourceSrv: no DataSourceApi registered for ${JSON.stringify(ref)}; call registerHarnessDataSource in the page file`
        );
      }
      return api;
    },
    reload: () => {
      void load();
    },
    registerRuntimeDataSource: () => {},
  };
}
