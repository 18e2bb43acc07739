/** `/api/datasources*` in the current org (CONTRACT §7, §7.1). */
import { requireOrgRole } from '../auth';
import { byName, fail, failErrutil, numericParam, objectBody, ok } from '../http';
import { DataSourceRow, FakeState } from '../state';
import type { Route, RouteContext } from './types';
import { validateUid } from './uids';

const TYPE_NAMES: Record<string, string> = { prometheus: 'Prometheus', loki: 'Loki', testdata: 'TestData' };

/** `secureJsonFields`: `true` for each stored non-empty secret; values are never returned (CONTRACT §7.1). */
export function secureJsonFields(secrets: Record<string, string>): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(secrets)) {
    if (v !== '') {
      out[k] = true;
    }
  }
  return out;
}

export function dataSourceDto(d: DataSourceRow) {
  return {
    id: d.id,
    uid: d.uid,
    orgId: d.orgId,
    name: d.name,
    type: d.type,
    typeLogoUrl: `public/plugins/${d.type}/img/logo.svg`,
    access: d.access,
    url: d.url,
    user: d.user,
    database: d.database,
    basicAuth: d.basicAuth,
    basicAuthUser: d.basicAuthUser,
    withCredentials: d.withCredentials,
    isDefault: d.isDefault,
    jsonData: d.jsonData,
    secureJsonFields: secureJsonFields(d.secureJsonData),
    version: d.version,
    readOnly: d.readOnly,
  };
}

function listItem(d: DataSourceRow) {
  const { secureJsonFields: _s, version: _v, withCredentials: _w, basicAuthUser: _b, ...rest } = dataSourceDto(d);
  return { ...rest, typeName: TYPE_NAMES[d.type] ?? d.type };
}

/**
 * Upstream headers Grafana adds for a data source: `jsonData.httpHeaderNameN` with
 * `secureJsonData.httpHeaderValueN`, stopping at the first missing name index; a header whose
 * value secret is missing is skipped (`getCustomHeaders`, CONTRACT §7.1).
 */
export function customHeaders(d: DataSourceRow): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; ; i++) {
    const name = d.jsonData[`httpHeaderName${i}`];
    if (typeof name !== 'string' || name === '') {
      return out;
    }
    const value = d.secureJsonData[`httpHeaderValue${i}`];
    if (value !== undefined && value !== '') {
      out[name] = value;
    }
  }
}

function validateUrl(url: string): void {
  if (url === '') {
    return;
  }
  try {
    new URL(url);
  } catch {
    fail(400, 'Validation error, invalid URL');
  }
}

function stringSecrets(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((value as Record<string, unknown>) ?? {})) {
    out[k] = String(v ?? '');
  }
  return out;
}

function uniqueDefaultName(state: FakeState, orgId: number, type: string): string {
  const taken = new Set(state.datasourcesOf(orgId).map((d) => d.name));
  if (!taken.has(type)) {
    return type;
  }
  for (let i = 1; ; i++) {
    if (!taken.has(`${type}-${i}`)) {
      return `${type}-${i}`;
    }
  }
}

function applyFields(d: DataSourceRow, b: Record<string, any>): void {
  d.type = String(b.type ?? d.type);
  d.access = String(b.access ?? 'proxy');
  d.url = String(b.url ?? '');
  d.user = String(b.user ?? '');
  d.database = String(b.database ?? '');
  d.basicAuth = Boolean(b.basicAuth);
  d.basicAuthUser = String(b.basicAuthUser ?? '');
  d.withCredentials = Boolean(b.withCredentials);
  d.jsonData = (b.jsonData as Record<string, unknown>) ?? {};
}

function setDefault(state: FakeState, d: DataSourceRow): void {
  for (const other of state.datasourcesOf(d.orgId)) {
    other.isDefault = other.id === d.id;
  }
}

function byUid({ state, auth, params }: RouteContext): DataSourceRow {
  const d = state.datasourcesOf(auth.orgId).find((x) => x.uid === params.uid);
  if (!d) {
    fail(404, 'Data source not found');
  }
  return d;
}
function byNameParam({ state, auth, params }: RouteContext): DataSourceRow {
  const d = state.datasourcesOf(auth.orgId).find((x) => x.name === params.name);
  if (!d) {
    fail(404, 'Data source not found');
  }
  return d;
}
function byId({ state, auth, params }: RouteContext): DataSourceRow {
  const d = state.datasources.get(numericParam(params.id, 'id is invalid'));
  if (!d || d.orgId !== auth.orgId) {
    fail(404, 'Data source not found');
  }
  return d;
}

function create(ctx: RouteContext) {
  const { state, auth } = ctx;
  requireOrgRole(auth, 'Admin', 'datasources:create');
  const b = objectBody(ctx.body);
  if (b.jsonData?.teamHttpHeaders !== undefined) {
    fail(403, 'Cannot create datasource with team HTTP headers, need to use updateDatasourceLBACRules API');
  }
  const type = String(b.type ?? '');
  const name = b.name ? String(b.name) : uniqueDefaultName(state, auth.orgId, type);
  if (name.length > 190) {
    failErrutil(400, 'datasource.nameInvalid', 'Invalid datasource name.');
  }
  validateUrl(String(b.url ?? ''));
  const existing = state.datasourcesOf(auth.orgId);
  if (existing.some((d) => d.name === name)) {
    fail(409, 'data source with the same name already exists');
  }
  const uid = b.uid ? validateUid(String(b.uid)) : state.newUid();
  if (existing.some((d) => d.uid === uid)) {
    fail(409, 'data source with the same uid already exists');
  }
  const d: DataSourceRow = {
    id: state.nextId('datasource'),
    uid,
    orgId: auth.orgId,
    name,
    type,
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    withCredentials: false,
    // The first data source in an org becomes the default even if false was sent (CONTRACT §7.1).
    isDefault: existing.length === 0 || Boolean(b.isDefault),
    jsonData: {},
    secureJsonData: stringSecrets(b.secureJsonData),
    version: 1,
    readOnly: false,
  };
  applyFields(d, b);
  state.datasources.set(d.id, d);
  if (d.isDefault) {
    setDefault(state, d);
  }
  return ok({ message: 'Datasource added', id: d.id, name: d.name, datasource: dataSourceDto(d) });
}

function update(ctx: RouteContext, d: DataSourceRow) {
  const { state } = ctx;
  requireOrgRole(ctx.auth, 'Admin', 'datasources:write');
  if (d.readOnly) {
    fail(403, 'Cannot update read-only data source');
  }
  const b = objectBody(ctx.body);
  const name = String(b.name ?? d.name);
  if (state.datasourcesOf(d.orgId).some((x) => x.name === name && x.id !== d.id)) {
    fail(409, 'Failed to update datasource: data source with the same name already exists');
  }
  if (typeof b.version === 'number' && b.version < d.version) {
    fail(409, 'Datasource has already been updated by someone else. Please reload and try again');
  }
  validateUrl(String(b.url ?? ''));
  const keptLbac = d.jsonData.teamHttpHeaders;
  applyFields(d, b);
  if (keptLbac !== undefined) {
    d.jsonData = { ...d.jsonData, teamHttpHeaders: keptLbac }; // RetainExistingLBACRules
  } else {
    delete d.jsonData.teamHttpHeaders;
  }
  d.name = name;
  // Secrets merge: unsent keys keep their stored value (CONTRACT §7.1 fillWithSecureJSONData).
  d.secureJsonData = { ...d.secureJsonData, ...stringSecrets(b.secureJsonData) };
  d.version += 1;
  if (b.isDefault) {
    setDefault(state, d);
  } else {
    d.isDefault = false;
  }
  return ok({ message: 'Datasource updated', id: d.id, name: d.name, datasource: dataSourceDto(d) });
}

function remove(ctx: RouteContext, d: DataSourceRow) {
  requireOrgRole(ctx.auth, 'Admin', 'datasources:delete');
  if (d.readOnly) {
    fail(403, 'Cannot delete read-only data source');
  }
  ctx.state.datasources.delete(d.id);
  return ok({ message: 'Data source deleted', id: d.id });
}

const read = (ctx: RouteContext) => requireOrgRole(ctx.auth, 'Viewer', 'datasources:read');

export const dataSourceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/datasources',
    handle: (ctx) => {
      read(ctx);
      return ok(ctx.state.datasourcesOf(ctx.auth.orgId).sort(byName).map(listItem));
    },
  },
  { method: 'POST', pattern: '/api/datasources', handle: create },
  {
    method: 'GET',
    pattern: '/api/datasources/uid/:uid',
    handle: (ctx) => {
      read(ctx);
      return ok(dataSourceDto(byUid(ctx)));
    },
  },
  { method: 'PUT', pattern: '/api/datasources/uid/:uid', handle: (ctx) => update(ctx, byUid(ctx)) },
  { method: 'DELETE', pattern: '/api/datasources/uid/:uid', handle: (ctx) => remove(ctx, byUid(ctx)) },
  {
    method: 'GET',
    pattern: '/api/datasources/name/:name',
    handle: (ctx) => {
      read(ctx);
      return ok(dataSourceDto(byNameParam(ctx)));
    },
  },
  { method: 'DELETE', pattern: '/api/datasources/name/:name', handle: (ctx) => remove(ctx, byNameParam(ctx)) },
  {
    method: 'GET',
    pattern: '/api/datasources/id/:name',
    handle: (ctx) => {
      read(ctx);
      return ok({ id: byNameParam(ctx).id });
    },
  },
  // Deprecated numeric-id routes: Grafana 12 no longer serves reads by id; update/delete until 12.5 (CONTRACT §7).
  { method: 'PUT', pattern: '/api/datasources/:id', handle: (ctx) => update(ctx, byId(ctx)) },
  { method: 'DELETE', pattern: '/api/datasources/:id', handle: (ctx) => remove(ctx, byId(ctx)) },
];
