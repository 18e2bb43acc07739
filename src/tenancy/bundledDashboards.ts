/**
 * The dashboards bundled in the app plugin (plugin.json `includes`, files in src/dashboards/),
 * by path and uid; tests/tenancy/dashboardsInFolder.test.ts keeps this list equal to plugin.json
 * and the JSON files.
 */
export interface BundledDashboardRef {
  /** Path inside the plugin, as `POST /api/dashboards/import` takes it with `pluginId`. */
  path: string;
  uid: string;
  title: string;
}

export const BUNDLED_DASHBOARDS: readonly BundledDashboardRef[] = [
  { path: 'dashboards/tenant-overview.json', uid: 'mtlabs-tenant-overview', title: 'Tenant overview' },
  { path: 'dashboards/agent-remote-write.json', uid: 'mtlabs-agent-remote-write', title: 'Agent remote-write health' },
  { path: 'dashboards/resource-overview.json', uid: 'mtlabs-resource-overview', title: 'Resource overview' },
];
