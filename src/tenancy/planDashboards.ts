/**
 * Bundled dashboards in the tenant folder (pure). Each is imported by apply with
 * `POST /api/dashboards/import` + `pluginId` + `path` + `folderUid` (CONTRACT §8.3), which records
 * the plugin id and the bundled revision on the dashboard. When the app is then enabled, Grafana's
 * own sync (`syncPluginDashboards`, CONTRACT §9) finds every bundled dashboard already imported at
 * its revision and leaves it where it is: in the tenant folder, not at the root.
 *
 * After a plugin upgrade with a new revision, Grafana's start-up sync re-imports the dashboard with
 * no folder (it lands at the root); the next plan sees it outside the tenant folder and imports it
 * back once — a re-run after that moves nothing. With `dashboards: false` nothing is planned here:
 * disabling the app makes Grafana delete every dashboard carrying its plugin id (planApp).
 *
 * The logs dashboard (LOGS_DASHBOARD_UID) is imported into the folder only for a tenant with
 * `logs`: its variables list the org's Loki data sources. Grafana's enable-time sync imports every
 * bundled dashboard of the app, so a tenant org without logs may hold it at the root; that copy is
 * left alone (it lists no data source and shows nothing).
 */
import { APP_PLUGIN_ID, LOGS_DASHBOARD_UID } from './naming';
import { makeStep, type PlanStep, type StepContext } from './planTypes';

export function planBundledDashboards(
  enabled: boolean,
  folder: { uid: string; title: string },
  ctx: StepContext,
  tenant: { logs: boolean } = { logs: false }
): PlanStep[] {
  if (!enabled) {
    return [];
  }
  // The installed plugin's list, read once from Grafana (observe.ts readBundledDashboards).
  const bundled = ctx.bundledDashboards.filter((d) => tenant.logs || d.uid !== LOGS_DASHBOARD_UID);
  const hits = ctx.org?.contents?.hits ?? [];
  return bundled.map((d) => {
    const target = `dashboard "${d.title}"`;
    const live = hits.find((h) => h.uid === d.uid && h.type === 'dash-db');
    const op = {
      type: 'importBundledDashboard' as const,
      pluginId: APP_PLUGIN_ID,
      path: d.path,
      folderUid: folder.uid,
    };
    if (!live) {
      return makeStep(
        ctx.tenantId,
        'dashboard',
        'create',
        target,
        [{ field: 'folder', before: null, after: folder.title }],
        op
      );
    }
    if (live.folderUid !== folder.uid) {
      return makeStep(
        ctx.tenantId,
        'dashboard',
        'update',
        target,
        [{ field: 'folder', before: live.folderUid ? live.folderUid : '(root)', after: folder.title }],
        op,
        {
          message: 'a plugin upgrade or the app being enabled imported it at the root; it moves into the tenant folder',
        }
      );
    }
    return makeStep(ctx.tenantId, 'dashboard', 'unchanged', target, [], null);
  });
}
