/**
 * Adapts the shared typed client (src/grafana-api GrafanaApi) to the narrow TenancyApi port.
 * The client retries reads itself; writes are not retried by the client (no `retrySafe`), so
 * applyPlan's own backoff is the only retry layer for writes.
 */
import type { GrafanaApi } from '../grafana-api';
import { alertingPortFromGrafana } from './grafanaAlertingAdapter';
import type { TenancyApi } from './ports';

/** applyPlan retries writes itself (with marker-checked adoption on 409); the client must not retry them too. */
const NO_CLIENT_WRITE_RETRY = { retrySafe: false };

export function tenancyApiFromGrafana(api: GrafanaApi): TenancyApi {
  return {
    ...alertingPortFromGrafana(api),
    grafanaInfo: () => api.capabilities(),
    currentUser: async () => {
      const u = await api.currentUser();
      return { id: u.id, login: u.login, email: u.email, orgId: u.orgId };
    },
    listOrgs: async () => (await api.listOrgs()).map((o) => ({ id: o.id, name: o.name })),
    listUsers: async () => (await api.searchUsers()).map((u) => ({ id: u.id, login: u.login, email: u.email })),
    createOrg: async (name) => ({ orgId: (await api.createOrg(name)).orgId }),
    renameOrg: (orgId, name) => api.updateOrg(orgId, name),
    deleteOrg: (orgId) => api.deleteOrg(orgId),

    listOrgUsers: async (orgId) =>
      (await api.listOrgUsers(orgId)).map((u) => ({
        userId: u.userId,
        login: u.login,
        email: u.email,
        role: u.role,
        externallySynced: u.isExternallySynced === true,
        authLabels: u.authLabels ?? [],
      })),
    addOrgUser: async (orgId, loginOrEmail, role) => {
      await api.addOrgUser(orgId, loginOrEmail, role);
    },
    updateOrgUserRole: (orgId, userId, role) => api.updateOrgUserRole(orgId, userId, role),

    listTeams: async (orgId) =>
      (await api.searchTeams(orgId)).map((t) => ({
        id: t.id,
        ...(t.uid ? { uid: t.uid } : {}),
        name: t.name,
        email: t.email ?? '',
      })),
    createTeam: async (orgId, name, email) => ({ teamId: (await api.createTeam(orgId, { name, email })).teamId }),
    updateTeam: (orgId, teamId, name, email) => api.updateTeam(orgId, teamId, { name, email }),
    deleteTeam: (orgId, teamId) => api.deleteTeam(orgId, teamId),
    listTeamMembers: async (orgId, teamId) =>
      (await api.listTeamMembers(orgId, teamId)).map((m) => ({
        userId: m.userId,
        login: m.login,
        email: m.email,
        permission: m.permission,
      })),
    addTeamMember: (orgId, teamId, userId) => api.addTeamMember(orgId, teamId, userId),
    setTeamMemberPermission: (orgId, teamId, userId, permission) =>
      api.setTeamMemberPermission(orgId, teamId, userId, permission === 4 ? 4 : 0, NO_CLIENT_WRITE_RETRY),
    removeTeamMember: (orgId, teamId, userId) => api.removeTeamMember(orgId, teamId, userId),

    listDataSources: async (orgId) =>
      (await api.listDataSources(orgId)).map((d) => ({
        id: d.id,
        uid: d.uid,
        name: d.name,
        type: d.type,
        url: d.url,
        access: d.access,
        isDefault: d.isDefault,
        basicAuth: d.basicAuth,
        readOnly: d.readOnly,
        jsonData: d.jsonData ?? {},
      })),
    getDataSource: async (orgId, uid) => {
      const d = await api.getDataSource(orgId, uid);
      return { ...d, jsonData: d.jsonData ?? {}, secureJsonFields: d.secureJsonFields ?? {} };
    },
    createDataSource: async (orgId, body) => {
      await api.createDataSource(orgId, body);
    },
    updateDataSource: async (orgId, uid, body) => {
      await api.updateDataSource(orgId, uid, body);
    },
    deleteDataSource: (orgId, uid) => api.deleteDataSource(orgId, uid),

    search: async (orgId) =>
      (await api.searchDashboards(orgId)).map((h) => ({
        uid: h.uid,
        title: h.title,
        type: h.type,
        folderUid: h.folderUid,
        tags: h.tags,
      })),
    createFolder: async (orgId, uid, title) => {
      await api.createFolder(orgId, { uid, title });
    },
    updateFolderTitle: async (orgId, uid, title) => {
      await api.updateFolder(orgId, uid, { title, overwrite: true });
    },
    deleteFolder: (orgId, uid) => api.deleteFolder(orgId, uid),
    getFolderPermissions: async (orgId, uid) =>
      (await api.getFolderPermissions(orgId, uid)).map((p) => ({
        role: p.role || undefined,
        teamId: p.teamId || undefined,
        userId: p.userId || undefined,
        permission: p.permission,
        inherited: p.inherited,
      })),
    setFolderPermissions: (orgId, uid, items) =>
      api.setFolderPermissions(
        orgId,
        uid,
        items.map((i) => ({
          ...(i.role ? { role: i.role as 'Viewer' | 'Editor' } : {}),
          ...(i.teamId ? { teamId: i.teamId } : {}),
          ...(i.userId ? { userId: i.userId } : {}),
          permission: i.permission as 1 | 2 | 4,
        })),
        NO_CLIENT_WRITE_RETRY
      ),

    listBundledDashboards: async (orgId, pluginId) =>
      (await api.pluginDashboards(orgId, pluginId))
        .filter((d) => !d.removed && d.uid)
        .map((d) => ({ uid: d.uid!, path: d.path, title: d.title })),
    importBundledDashboard: async (orgId, pluginId, path, folderUid) => {
      await api.importDashboard(
        orgId,
        { pluginId, path, overwrite: true, folderUid: folderUid ?? '' },
        NO_CLIENT_WRITE_RETRY
      );
    },
    getAppSettings: async (orgId, pluginId) => {
      const s = await api.getPluginSettings(orgId, pluginId);
      return {
        enabled: s.enabled,
        pinned: s.pinned,
        jsonData: (s.jsonData as Record<string, unknown> | null | undefined) ?? null,
      };
    },
    setAppSettings: (orgId, pluginId, body) => api.updatePluginSettings(orgId, pluginId, body, NO_CLIENT_WRITE_RETRY),
  };
}
