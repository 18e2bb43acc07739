/**
 * Reads the live state the planner needs, with as few calls as possible: global lists once
 * (current user, orgs, users), the app settings of every org once (the marker of tenant orgs, and
 * the ownership registry of the provisioning org, registry.ts), then per tenant org: org users, teams, members of managed teams, data sources, the
 * managed data source by uid (for secureJsonFields), one `/api/search` (folders + dashboards)
 * and the managed folder's permissions. No writes.
 */
import {
  folderUid,
  jsonDataMarkerTenant,
  datasourceUid,
  logsDatasourceUid,
  teamMarkerTenant,
  APP_PLUGIN_ID,
} from './naming';
import {
  errorMessage,
  errorStatus,
  type AppSettingsRecord,
  type BundledDashboardRef,
  type DataSourceRecord,
  type FolderPermissionItem,
  type GrafanaInfo,
  type OrgRef,
  type OrgUser,
  type SearchHit,
  type TeamMemberRecord,
  type TeamRecord,
  type TenancyApi,
  type UserRef,
} from './ports';
import { readAlerting, shouldReadAlerting, type LiveAlerting } from './observeAlerting';
import { readRegistry, registeredTenantOf, unreadableRegistry, type Registry } from './registry';
import type { TenantSpec } from './spec';

export interface LiveTeam extends TeamRecord {
  /** Tenant id from the team's ownership marker, if any. */
  markerTenant?: string;
  /** Read only for managed teams. */
  members?: TeamMemberRecord[];
}

export interface LiveOrg {
  org: OrgRef;
  /** Tenant id from the app settings marker, if any. */
  markerTenant?: string;
  appSettings?: AppSettingsRecord;
  /** Set when the org's contents could not be read (e.g. the admin is not a member). */
  readError?: string;
  /** Present when the contents were read (tenant orgs of the spec). */
  contents?: {
    users: OrgUser[];
    teams: LiveTeam[];
    datasources: DataSourceRecord[];
    /** The managed data source read by uid (has secureJsonFields), when it exists. */
    managedDatasource?: DataSourceRecord;
    /** The managed Loki data source read by uid, when it exists (orgs without one: no extra read). */
    managedLogsDatasource?: DataSourceRecord;
    hits: SearchHit[];
    /** ACL of the managed folder, when it exists. */
    folderPermissions?: FolderPermissionItem[];
    /** Read when the tenant has alerting on, or the org had managed alerting (observeAlerting.ts). */
    alerting?: LiveAlerting;
  };
}

export interface LiveState {
  /** Version and feature toggles (read first; the planner only shows them). */
  grafana: GrafanaInfo;
  self: UserRef;
  users: UserRef[];
  orgs: OrgRef[];
  /** The authoritative tenant → org record, from the provisioning org's app settings. */
  registry: Registry;
  /** The app's bundled dashboards (uids Grafana imports into every org where the app is enabled). */
  bundledDashboards: BundledDashboardRef[];
  /** Every org with its settings marker; contents only for orgs a spec tenant maps to. */
  orgStates: LiveOrg[];
}

export interface ReadOptions {
  /** Parallel tenant reads (default 4): enough to hide latency, gentle on Grafana. */
  concurrency?: number;
  /**
   * The org whose app settings hold the ownership registry: the org the admin page runs in, or the
   * CLI's --provisioning-org. Default: the org the signed-in user's requests act on (GET /api/user).
   */
  provisioningOrgId?: number;
}

export async function readLiveState(api: TenancyApi, spec: TenantSpec, options: ReadOptions = {}): Promise<LiveState> {
  // First: a Grafana whose API the app cannot read is refused before anything is planned.
  const grafana = await api.grafanaInfo();
  const [self, orgs, users] = await Promise.all([api.currentUser(), api.listOrgs(), api.listUsers()]);
  const concurrency = options.concurrency ?? 4;
  const provisioningOrgId = options.provisioningOrgId ?? self.orgId ?? 1;
  const [orgStates, bundled] = await Promise.all([
    mapLimit(orgs, concurrency, (org) => readOrgMarker(api, org)),
    readBundledDashboards(api, provisioningOrgId),
  ]);
  const registry = registryOf(orgStates, provisioningOrgId);
  const wanted = new Set([...spec.tenants.map((t) => t.id), ...spec.sharedOrgs.map((o) => o.id)]);
  const names = new Set([...spec.tenants, ...spec.sharedOrgs].map((t) => t.orgName.toLowerCase()));
  const owner = (s: LiveOrg) => registeredTenantOf(registry, s.org.id);
  const toRead = orgStates.filter(
    (s) =>
      s.readError === undefined &&
      s.org.id !== registry.orgId &&
      (wanted.has(owner(s) ?? '') ||
        (s.markerTenant !== undefined && wanted.has(s.markerTenant)) ||
        names.has(s.org.name.toLowerCase()))
  );
  await mapLimit(toRead, concurrency, async (state) => {
    try {
      const tenantId = owner(state) ?? state.markerTenant ?? tenantForName(spec, state.org.name);
      const alerting = spec.tenants.find((t) => t.id === tenantId)?.alerting;
      state.contents = await readOrgContents(
        api,
        state.org.id,
        tenantId,
        shouldReadAlerting(alerting, state.appSettings?.jsonData)
          ? () => readAlerting(api, state.org.id, tenantId, alerting)
          : undefined
      );
    } catch (err) {
      state.readError = readErrorText(state.org, err);
    }
  });
  return { grafana, self, users, orgs, registry, bundledDashboards: bundled, orgStates };
}

/**
 * The app's bundled dashboards, listed once (the list is the same in every org), so a tenant org
 * where one went missing while the app stayed enabled is seen as drift. Unreadable → none known:
 * only that detection is lost, nothing is written on a guess.
 */
async function readBundledDashboards(api: TenancyApi, orgId: number): Promise<BundledDashboardRef[]> {
  try {
    return await api.listBundledDashboards(orgId, APP_PLUGIN_ID);
  } catch {
    return [];
  }
}

/** The registry from the provisioning org's settings (already read with the markers). */
function registryOf(orgStates: LiveOrg[], orgId: number): Registry {
  const state = orgStates.find((s) => s.org.id === orgId);
  if (!state) {
    return unreadableRegistry(orgId, `org ${orgId} does not exist; pass the org the admin provisions from`);
  }
  if (state.readError || !state.appSettings) {
    return unreadableRegistry(orgId, state.readError ?? 'no app settings');
  }
  return readRegistry(orgId, state.appSettings.jsonData);
}

async function readOrgMarker(api: TenancyApi, org: OrgRef): Promise<LiveOrg> {
  try {
    const appSettings = await api.getAppSettings(org.id, APP_PLUGIN_ID);
    return { org, appSettings, markerTenant: jsonDataMarkerTenant(appSettings.jsonData) };
  } catch (err) {
    return { org, readError: readErrorText(org, err) };
  }
}

function tenantForName(spec: TenantSpec, orgName: string): string {
  return [...spec.tenants, ...spec.sharedOrgs].find((t) => t.orgName.toLowerCase() === orgName.toLowerCase())?.id ?? '';
}

async function readOrgContents(
  api: TenancyApi,
  orgId: number,
  tenantId: string,
  readAlertingState?: () => Promise<LiveAlerting>
): Promise<NonNullable<LiveOrg['contents']>> {
  const [users, teamRecords, datasources, hits, alerting] = await Promise.all([
    api.listOrgUsers(orgId),
    api.listTeams(orgId),
    api.listDataSources(orgId),
    api.search(orgId),
    readAlertingState?.(),
  ]);
  const teams: LiveTeam[] = await Promise.all(
    teamRecords.map(async (team) => {
      const markerTenant = teamMarkerTenant(team.email);
      // Members of unmanaged teams are never changed, so they are not read.
      const members = markerTenant === tenantId ? await api.listTeamMembers(orgId, team.id) : undefined;
      return { ...team, markerTenant, members };
    })
  );
  const byUid = (uid: string) =>
    datasources.some((d) => d.uid === uid) ? api.getDataSource(orgId, uid) : Promise.resolve(undefined);
  const [managedDatasource, managedLogsDatasource] = await Promise.all([
    byUid(datasourceUid(tenantId)),
    byUid(logsDatasourceUid(tenantId)),
  ]);
  const fUid = folderUid(tenantId);
  const folderPermissions = hits.some((h) => h.uid === fUid && h.type === 'dash-folder')
    ? await api.getFolderPermissions(orgId, fUid)
    : undefined;
  return {
    users,
    teams,
    datasources,
    managedDatasource,
    ...(managedLogsDatasource ? { managedLogsDatasource } : {}),
    hits,
    folderPermissions,
    alerting,
  };
}

function readErrorText(org: OrgRef, err: unknown): string {
  const status = errorStatus(err);
  if (status === 403 || status === 401) {
    return `cannot read org "${org.name}" (id ${org.id}): ${errorMessage(err)}. Add the provisioning user as Admin of that org, or rename the tenant's orgName`;
  }
  return `reading org "${org.name}" (id ${org.id}) failed: ${errorMessage(err)}`;
}

/** Runs `fn` over `items` with at most `limit` promises in flight; keeps the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
