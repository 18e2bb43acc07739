import { dateTime, type DataQueryRequest, type DataSourceApi } from '@grafana/data';
import { setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';

import { TenantWrapperDataSource } from '../../../src/datasource/datasource';
import { TeamDirectory, USER_TEAMS_PATH } from '../../../src/datasource/tenantResolver';
import { WRAPPER_PLUGIN_ID, type WrapperOptions, type WrapperQuery } from '../../../src/datasource/types';
import { FakeTemplateSrv, type FakeVariable } from './fakeTemplateSrv';
import { RecordingBackendSrv, fetchError, type RecordedRequest } from './recordingBackendSrv';
import { FakeDataSourceSrv, instanceSettings } from './recordingTarget';

export { targetProxyPath as PROXY_PREFIX } from '../../../src/datasource/metadataApi';
import { targetProxyPath as PROXY_PREFIX } from '../../../src/datasource/metadataApi';
export { targetResourcePath as RESOURCE_PREFIX } from '../../../src/datasource/lokiMetadataApi';
import { targetResourcePath as RESOURCE_PREFIX } from '../../../src/datasource/lokiMetadataApi';

export interface HarnessOptions {
  /** Team names of the signed-in user (GET /api/user/teams). */
  teams: string[] | (() => string[]);
  /**
   * Answers for target calls through the data source proxy (path after .../proxy/uid/<uid>/) and
   * through a backend data source's resource route (path after .../uid/<uid>/resources/).
   */
  resource?: (path: string, req: RecordedRequest) => unknown | Promise<unknown>;
  targets: Array<DataSourceApi<any>>;
  variables?: Record<string, FakeVariable>;
  jsonData?: WrapperOptions;
  teamLookupFails?: boolean;
}

export const DEFAULT_JSON: WrapperOptions = {
  targetUid: 'prom',
  tenantLabel: 'tenant',
  teamMappings: [
    { team: 'team-a', values: ['a'] },
    { team: 'team-b', values: ['b'] },
  ],
  convention: 'none',
};

/**
 * Installs the recording fakes through @grafana/runtime's setters and builds a wrapper with its own
 * TeamDirectory (so that team lookups are counted per test, through getBackendSrv as in Grafana).
 */
export function wrapperHarness(opts: HarnessOptions) {
  const backend = new RecordingBackendSrv(async (req) => {
    if (req.path === USER_TEAMS_PATH) {
      if (opts.teamLookupFails) {
        throw fetchError(500, { message: 'Internal Server Error' });
      }
      const names = typeof opts.teams === 'function' ? opts.teams() : opts.teams;
      return names.map((name, i) => ({ id: i + 1, uid: `team${i}`, orgId: 1, name, memberCount: 1, permission: 0 }));
    }
    for (const t of opts.targets) {
      for (const prefix of [PROXY_PREFIX(t.uid), RESOURCE_PREFIX(t.uid)]) {
        if (req.path.startsWith(prefix) && opts.resource) {
          return opts.resource(req.path.slice(prefix.length), req);
        }
      }
    }
    throw fetchError(404, { message: 'Not found' });
  });
  setBackendSrv(backend);
  const dataSources = new FakeDataSourceSrv(opts.targets);
  setDataSourceSrv(dataSources);
  const templates = new FakeTemplateSrv(opts.variables ?? {});
  setTemplateSrv(templates);
  const directory = new TeamDirectory({ sessionKey: () => 'test-session' });
  const wrapper = new TenantWrapperDataSource(
    instanceSettings('wrapper', WRAPPER_PLUGIN_ID, 'Tenant data', opts.jsonData ?? DEFAULT_JSON) as never,
    directory
  );
  return { backend, templates, directory, wrapper, dataSources };
}

const FROM = dateTime(1_704_067_200_000);
const TO = dateTime(1_704_070_800_000);
export const RANGE = { from: FROM, to: TO, raw: { from: FROM, to: TO } };

let requestCounter = 0;
export function panelRequest(
  targets: Array<Partial<WrapperQuery>>,
  extra: Partial<DataQueryRequest<WrapperQuery>> = {}
): DataQueryRequest<WrapperQuery> {
  return {
    requestId: `r${++requestCounter}`,
    interval: '15s',
    intervalMs: 15_000,
    range: RANGE,
    scopedVars: { __interval: { text: '15s', value: '15s' }, __interval_ms: { text: '15000', value: 15000 } },
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), expr: '', ...t })) as WrapperQuery[],
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
    ...extra,
  } as DataQueryRequest<WrapperQuery>;
}

/** The match[] values of a recorded request. */
export function matchParams(req: RecordedRequest): string[] {
  return req.query.getAll('match[]');
}
