/**
 * Deterministic names, uids and ownership markers. Everything the tenancy app creates is findable
 * again from live state alone (so a crashed or interrupted apply is finished by the next run) and
 * carries a marker (so the app never touches what it does not own).
 *
 * Markers per object kind:
 * - org: the app's plugin settings in that org, `jsonData: { managedBy, tenantId }`.
 * - data source: `jsonData.managedBy` + `jsonData.tenantId`, uid `mtt-<tenant>-prom` (Loki:
 *   `mtt-<tenant>-loki`; both carry the same marker, so each planner knows the other's uid).
 * - team: the team email `mtlabs-tenancy+<tenant>@managed.invalid` (teams have no jsonData and the
 *   create API takes no uid; `.invalid` is a reserved TLD, so no mail is ever sent).
 * - folder: uid `mtt-<tenant>` (caller-chosen uid prefix; Grafana never generates a dash-prefix uid
 *   like that, generated uids are 14 lower-case alphanumerics — CONTRACT §10).
 */
export const APP_PLUGIN_ID = 'mtlabs-tenancy-app';
export const MANAGED_BY = 'mtlabs-tenancy-app';
export const MANAGED_UID_PREFIX = 'mtt-';

/** Tenant ids become uid parts (`mtt-<id>-prom`, max 40 chars in Grafana), so they stay short slugs. */
export const TENANT_ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?$/;
/** RFC 7230 token characters: what an HTTP header name may contain. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Grafana refuses longer uids (CONTRACT §10). */
export const GRAFANA_UID_MAX = 40;

export const datasourceUid = (tenantId: string) => `${MANAGED_UID_PREFIX}${tenantId}-prom`;
/** The tenant's (or shared org's) Loki data source: a sibling of the Prometheus one, same marker. */
export const logsDatasourceUid = (tenantId: string) => `${MANAGED_UID_PREFIX}${tenantId}-loki`;
export const defaultLogsDatasourceName = (tenantId: string) => `Loki (${tenantId})`;
/** A shared org's wrapper data source, targeting its Prometheus data source. */
export const wrapperDatasourceUid = (sharedOrgId: string) => `${MANAGED_UID_PREFIX}${sharedOrgId}-wrapper`;
/** The shared org's second wrapper, targeting its Loki data source. */
export const logsWrapperUid = (sharedOrgId: string) => `${MANAGED_UID_PREFIX}${sharedOrgId}-logs-wrapper`;
/** The bundled "Tenant logs overview" (src/dashboards/tenant-logs-overview.json): imported only for tenants with `logs`. */
export const LOGS_DASHBOARD_UID = 'mtlabs-tenant-logs-overview';
export const folderUid = (tenantId: string) => `${MANAGED_UID_PREFIX}${tenantId}`;
export const defaultDatasourceName = (tenantId: string) => `Prometheus (${tenantId})`;
export const defaultFolderTitle = (orgName: string) => `${orgName} dashboards`;
export const teamMarkerEmail = (tenantId: string) => `mtlabs-tenancy+${tenantId}@managed.invalid`;

const TEAM_MARKER = /^mtlabs-tenancy\+([a-z0-9-]+)@managed\.invalid$/;

/** Tenant id a team's email marks it as belonging to, or undefined for an unmanaged team. */
export function teamMarkerTenant(email: string | undefined | null): string | undefined {
  return email ? TEAM_MARKER.exec(email)?.[1] : undefined;
}

/** Tenant id in a jsonData marker (data source or app settings), or undefined when unmanaged. */
export function jsonDataMarkerTenant(jsonData: Record<string, unknown> | null | undefined): string | undefined {
  if (!jsonData || jsonData.managedBy !== MANAGED_BY || typeof jsonData.tenantId !== 'string') {
    return undefined;
  }
  return jsonData.tenantId;
}

/** Tenant id a folder uid marks it as belonging to (`mtt-<tenant>` exactly). */
export function folderMarkerTenant(uid: string): string | undefined {
  if (!uid.startsWith(MANAGED_UID_PREFIX)) {
    return undefined;
  }
  const id = uid.slice(MANAGED_UID_PREFIX.length);
  return TENANT_ID_PATTERN.test(id) ? id : undefined;
}
