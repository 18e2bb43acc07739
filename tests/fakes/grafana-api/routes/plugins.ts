/** `/api/plugins/{id}/settings` per org, and the bundled-dashboard sync (CONTRACT §9). */
import { requireOrgRole } from '../auth';
import { fail, objectBody, ok } from '../http';
import { FakeState, PluginDef } from '../state';
import { secureJsonFields } from './datasources';
import { saveDashboard } from './dashboards';
import type { Route } from './types';

function pluginDto(state: FakeState, orgId: number, p: PluginDef) {
  const row = state.pluginSetting(orgId, p.id);
  // No row: an app reports enabled/pinned = autoEnabled; other types false (CONTRACT §9).
  const fallback = p.type === 'app' ? p.autoEnabled : false;
  return {
    id: p.id,
    type: p.type,
    name: p.name,
    enabled: row ? row.enabled : fallback,
    pinned: row ? row.pinned : fallback,
    autoEnabled: p.autoEnabled,
    module: `public/plugins/${p.id}/module.js`,
    baseUrl: `public/plugins/${p.id}`,
    info: { version: '1.0.0' },
    includes: p.dashboards.map((d) => ({ type: 'dashboard', name: String(d.json.title ?? d.path), path: d.path })),
    dependencies: {},
    ...(row?.jsonData ? { jsonData: row.jsonData } : {}),
    secureJsonFields: secureJsonFields(row?.secureJsonData ?? {}),
    defaultNavUrl: p.type === 'app' ? `/a/${p.id}` : '',
    latestVersion: '',
    hasUpdate: false,
    state: '',
    signature: 'valid',
  };
}

/**
 * `syncPluginDashboards` on enable: delete bundled dashboards marked removed, import the others
 * whose stored importedRevision differs (root folder, overwrite, plugin id recorded); on disable
 * delete every dashboard of the plugin in the org (`dashboard_updater.go`, CONTRACT §9).
 */
export function syncPluginDashboards(state: FakeState, orgId: number, p: PluginDef, enabled: boolean): void {
  if (!enabled) {
    state.deleteWhere(state.dashboards, (d) => d.orgId === orgId && d.pluginId === p.id);
    return;
  }
  for (const bundled of p.dashboards) {
    const uid = typeof bundled.json.uid === 'string' ? bundled.json.uid : undefined;
    const existing = state
      .dashboardsOf(orgId)
      .find((d) => d.pluginId === p.id && (uid !== undefined ? d.uid === uid : d.title === bundled.json.title));
    if (bundled.removed) {
      if (existing) {
        state.dashboards.delete(existing.id);
      }
      continue;
    }
    const revision = bundled.revision ?? 1;
    if (existing && existing.importedRevision === revision) {
      continue;
    }
    const { __inputs: _i, __requires: _r, ...dashboard } = bundled.json;
    saveDashboard(state, {
      orgId,
      dashboard,
      folderUid: '',
      overwrite: true,
      by: 'admin',
      pluginId: p.id,
      importedRevision: revision,
    });
  }
}

function pluginOr404(state: FakeState, id: string, message: string): PluginDef {
  const p = state.plugins.get(id);
  if (!p) {
    fail(404, message);
  }
  return p;
}

export const pluginRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/plugins/:pluginId/settings',
    handle: ({ state, auth, params }) => {
      const p = pluginOr404(state, params.pluginId, 'Plugin not found, no installed plugin with that id');
      if (auth.role === undefined || auth.role === 'None') {
        fail(403, 'Access Denied');
      }
      return ok(pluginDto(state, auth.orgId, p));
    },
  },
  {
    method: 'POST',
    pattern: '/api/plugins/:pluginId/settings',
    handle: ({ state, auth, params, body }) => {
      const p = pluginOr404(state, params.pluginId, 'Plugin not installed');
      requireOrgRole(auth, 'Admin', 'plugins:write');
      const b = objectBody(body);
      const enabled = b.enabled === true;
      if (p.autoEnabled && !enabled) {
        fail(400, 'Cannot disable auto-enabled plugin');
      }
      let row = state.pluginSetting(auth.orgId, p.id);
      // An event (and so a dashboard sync) fires only on row creation or an `enabled` change.
      const changed = !row || row.enabled !== enabled;
      if (!row) {
        row = { orgId: auth.orgId, pluginId: p.id, enabled, pinned: false, jsonData: undefined, secureJsonData: {} };
        state.pluginSettings.push(row);
      }
      // enabled/pinned/jsonData are overwritten (omitted → false/cleared); secrets merged.
      row.enabled = enabled;
      row.pinned = b.pinned === true;
      row.jsonData = b.jsonData && typeof b.jsonData === 'object' ? b.jsonData : undefined;
      for (const [k, v] of Object.entries((b.secureJsonData as Record<string, unknown>) ?? {})) {
        row.secureJsonData[k] = String(v ?? '');
      }
      if (changed && p.type === 'app') {
        // The sync runs in the PluginStateChangedEvent handler after the commit
        // (dashboard_updater.go): callers must poll for the dashboards, not assume them at the 200.
        const orgId = auth.orgId;
        state.later(state.pluginDashboardDelay, () => syncPluginDashboards(state, orgId, p, enabled));
      }
      return ok({ message: 'Plugin settings updated' });
    },
  },
  {
    // Grafana's GetPluginDashboards (org Admin; not in openapi-subset.json, so not schema-checked).
    method: 'GET',
    pattern: '/api/plugins/:pluginId/dashboards',
    handle: ({ state, auth, params }) => {
      requireOrgRole(auth, 'Admin', 'plugins:write');
      const p = pluginOr404(state, params.pluginId, 'Plugin not found');
      return ok(
        p.dashboards.map((d) => {
          const uid = typeof d.json.uid === 'string' ? d.json.uid : '';
          const row = state.dashboardsOf(auth.orgId).find((x) => x.pluginId === p.id && x.uid === uid);
          return {
            pluginId: p.id,
            path: d.path,
            title: String(d.json.title ?? ''),
            uid,
            revision: d.revision ?? 1,
            imported: row !== undefined,
            importedRevision: row?.importedRevision ?? 0,
            dashboardId: row?.id ?? 0,
            removed: d.removed === true,
          };
        })
      );
    },
  },
];
