/** `/api/dashboards/*` in the current org (CONTRACT §8.2, §8.3). */
import { callerLogin, requireOrgRole } from '../auth';
import { fail, failTagged, objectBody, ok, slugify } from '../http';
import { DashboardRow, FakeState } from '../state';
import { folderUrl } from './folders';
import type { Route, RouteContext } from './types';
import { validateUid } from './uids';

export interface SaveInput {
  orgId: number;
  dashboard: Record<string, any>;
  folderUid: string;
  overwrite: boolean;
  by: string;
  /** Set by plugin imports (CONTRACT §9). */
  pluginId?: string;
  importedRevision?: number;
}

export function dashboardUrl(d: { uid: string; title: string }): string {
  return `/d/${d.uid}/${slugify(d.title)}`;
}

/** The dashboard service's save rules (CONTRACT §8.2): versioning, overwrite, plugin ownership, validation. */
export function saveDashboard(state: FakeState, input: SaveInput): DashboardRow {
  const dash = input.dashboard;
  const title = typeof dash.title === 'string' ? dash.title.trim() : '';
  if (title === '') {
    failTagged(400, 'empty-name', 'Dashboard title cannot be empty');
  }
  if (title.length > 5000) {
    failTagged(400, 'title-too-long', 'Dashboard title cannot be more than 5000 characters');
  }
  const uid = typeof dash.uid === 'string' && dash.uid !== '' ? validateUid(dash.uid) : undefined;
  if (input.folderUid !== '' && !state.folder(input.orgId, input.folderUid)) {
    fail(400, 'folder not found');
  }
  const byUid = uid === undefined ? undefined : state.dashboard(input.orgId, uid);
  const id = typeof dash.id === 'number' && dash.id > 0 ? dash.id : undefined;
  const byId = id === undefined ? undefined : state.dashboards.get(id);
  if (id !== undefined && (!byId || byId.orgId !== input.orgId)) {
    failTagged(404, 'not-found', 'Dashboard not found');
  }
  if (byId && byUid && byId.id !== byUid.id) {
    fail(400, 'A dashboard with the same uid already exists');
  }
  const existing = byUid ?? byId;
  if (existing) {
    if (!input.overwrite && dash.version !== existing.version) {
      failTagged(412, 'version-mismatch', 'The dashboard has been changed by someone else');
    }
    if (!input.overwrite && existing.pluginId !== '') {
      const plugin = state.plugins.get(existing.pluginId);
      failTagged(412, 'plugin-dashboard', `The dashboard belongs to plugin ${plugin?.name ?? existing.pluginId}.`);
    }
  }
  if (state.rejectDuplicateDashboardTitles) {
    const clash = state
      .dashboardsOf(input.orgId)
      .find(
        (d) => d.folderUid === input.folderUid && d.title.toLowerCase() === title.toLowerCase() && d.id !== existing?.id
      );
    if (clash) {
      failTagged(412, 'name-exists', 'A dashboard with the same name in the folder already exists');
    }
  }
  const now = state.now();
  const row: DashboardRow = existing ?? {
    id: state.nextId('dashboard'),
    uid: uid ?? state.newUid(),
    orgId: input.orgId,
    title,
    folderUid: '',
    version: 0,
    json: {},
    pluginId: '',
    importedRevision: 0,
    created: now,
    updated: now,
    createdBy: input.by,
    updatedBy: input.by,
  };
  row.title = title;
  row.folderUid = input.folderUid;
  row.version += 1;
  row.updated = now;
  row.updatedBy = input.by;
  if (input.pluginId !== undefined) {
    row.pluginId = input.pluginId;
    row.importedRevision = input.importedRevision ?? 0;
  }
  row.json = { ...dash, id: row.id, uid: row.uid, title, version: row.version };
  state.dashboards.set(row.id, row);
  return row;
}

/** Replaces `${NAME}` in every string of an imported dashboard with the matching input's value. */
function substituteInputs(value: unknown, inputs: Array<{ name?: string; value?: string }>): unknown {
  if (typeof value === 'string') {
    return inputs.reduce((s, i) => (i.name ? s.split('${' + i.name + '}').join(String(i.value ?? '')) : s), value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => substituteInputs(v, inputs));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteInputs(v, inputs)]));
  }
  return value;
}

function dashboardOrFail(ctx: RouteContext): DashboardRow {
  const d = ctx.state.dashboard(ctx.auth.orgId, ctx.params.uid);
  if (!d) {
    failTagged(404, 'not-found', 'Dashboard not found');
  }
  return d;
}

export const dashboardRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/dashboards/db',
    handle: ({ state, auth, body }) => {
      requireOrgRole(auth, 'Editor', 'dashboards:write');
      const b = objectBody(body);
      if (!b.dashboard || typeof b.dashboard !== 'object') {
        fail(400, 'bad request data');
      }
      if (typeof b.message === 'string' && b.message.length > 500) {
        fail(400, 'message too long, max 500 characters');
      }
      const row = saveDashboard(state, {
        orgId: auth.orgId,
        dashboard: b.dashboard,
        folderUid: String(b.folderUid ?? ''),
        overwrite: b.overwrite === true,
        by: callerLogin(auth),
      });
      return ok({
        id: row.id,
        uid: row.uid,
        url: dashboardUrl(row),
        status: 'success',
        version: row.version,
        slug: slugify(row.title),
        title: row.title,
        folderUid: row.folderUid,
      });
    },
  },
  {
    method: 'POST',
    pattern: '/api/dashboards/import',
    handle: ({ state, auth, body }) => {
      requireOrgRole(auth, 'Editor', 'dashboards:create');
      const b = objectBody(body);
      const pluginId = typeof b.pluginId === 'string' ? b.pluginId : '';
      let source: Record<string, any> | undefined = b.dashboard;
      let revision = 0;
      if (pluginId !== '' && b.path) {
        const bundled = state.plugins.get(pluginId)?.dashboards.find((d) => d.path === b.path);
        if (!bundled) {
          fail(404, 'Dashboard not found');
        }
        source = bundled.json;
        revision = bundled.revision ?? 1;
      }
      if (!source || typeof source !== 'object') {
        // dashboardimport service ImportDashboard: `ErrDashboardMustBeSet`-style 422 (CONTRACT
        // "Found against Grafana's source"; pkg/services/dashboardimport/service/service.go).
        fail(422, 'Dashboard must be set');
      }
      const {
        __inputs: _i,
        __requires: _r,
        ...dashboard
      } = substituteInputs(source, Array.isArray(b.inputs) ? b.inputs : []) as Record<string, any>;
      const row = saveDashboard(state, {
        orgId: auth.orgId,
        dashboard,
        folderUid: String(b.folderUid ?? ''),
        overwrite: b.overwrite === true,
        by: callerLogin(auth),
        ...(pluginId !== '' ? { pluginId, importedRevision: revision } : {}),
      });
      const folder = row.folderUid ? state.folder(auth.orgId, row.folderUid) : undefined;
      return ok({
        uid: row.uid,
        pluginId,
        title: row.title,
        description: '',
        path: String(b.path ?? ''),
        revision,
        importedRevision: revision,
        imported: true,
        importedUri: 'db/' + slugify(row.title),
        importedUrl: dashboardUrl(row),
        slug: slugify(row.title),
        removed: false,
        dashboardId: row.id,
        folderId: folder?.id ?? 0,
        folderUid: row.folderUid,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/api/dashboards/uid/:uid',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Viewer', 'dashboards:read');
      const d = dashboardOrFail(ctx);
      const folder = d.folderUid ? ctx.state.folder(d.orgId, d.folderUid) : undefined;
      return ok({
        dashboard: d.json,
        meta: {
          type: 'db',
          canSave: true,
          canEdit: true,
          canAdmin: true,
          canStar: true,
          canDelete: true,
          slug: slugify(d.title),
          url: dashboardUrl(d),
          expires: '0001-01-01T00:00:00Z',
          created: d.created,
          updated: d.updated,
          createdBy: d.createdBy,
          updatedBy: d.updatedBy,
          version: d.version,
          hasAcl: false,
          isFolder: false,
          folderId: folder?.id ?? 0,
          folderUid: d.folderUid,
          folderTitle: folder?.title ?? 'Dashboards',
          folderUrl: folder ? folderUrl(folder) : '',
          provisioned: false,
          provisionedExternalId: '',
        },
      });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/dashboards/uid/:uid',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Editor', 'dashboards:delete');
      const d = dashboardOrFail(ctx);
      ctx.state.dashboards.delete(d.id);
      return ok({ uid: d.uid, title: d.title, message: `Dashboard ${d.title} deleted` });
    },
  },
];
