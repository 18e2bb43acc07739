/**
 * The narrow slice of Grafana's HTTP API the tenancy module needs. Every org-scoped call names
 * its org explicitly (`orgId`) because the browser's getBackendSrv() overwrites X-Grafana-Org-Id
 * with the UI's current org (CONTRACT §2.3): an implementation must send the org per request
 * (server-side transport with X-Grafana-Org-Id, or a path that carries the org).
 *
 * Errors: implementations throw an error with a numeric `status` (GrafanaApiError in
 * src/grafana-api) so callers can branch on 404/409/412.
 */
import type { AlertingPort } from './alertingPorts';
import type { OrgRole } from './spec';

export interface OrgRef {
  id: number;
  name: string;
}

export interface UserRef {
  id: number;
  login: string;
  email: string;
  /** For the signed-in user: the org its requests act on when none is named (GET /api/user). */
  orgId?: number;
}

export interface OrgUser {
  userId: number;
  login: string;
  email: string;
  role: string;
  /**
   * Grafana's `isExternallySynced` on the org users list: the user's role comes from an identity
   * provider (OAuth/LDAP/SAML org role sync) and Grafana refuses to change it (403
   * `org.externallySynced`, `updateOrgUserHelper` in pkg/api/org_users.go).
   */
  externallySynced?: boolean;
  /** Grafana's `authLabels` (e.g. "OAuth", "LDAP"), to name the identity provider. */
  authLabels?: string[];
}

export interface TeamRecord {
  id: number;
  /** Grafana's team uid (shared-org team mappings match by uid/id, never by name). */
  uid?: string;
  name: string;
  email: string;
}

export interface TeamMemberRecord {
  userId: number;
  login: string;
  email: string;
  /** 0 member, 4 admin (CONTRACT §5.3). */
  permission: number;
}

export interface DataSourceRecord {
  id: number;
  uid: string;
  name: string;
  type: string;
  url: string;
  access?: string;
  isDefault: boolean;
  basicAuth?: boolean;
  basicAuthUser?: string;
  readOnly?: boolean;
  jsonData: Record<string, unknown>;
  /** Only on reads by uid (list items omit it). */
  secureJsonFields?: Record<string, boolean>;
  version?: number;
}

export interface DataSourceBody {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  url: string;
  isDefault: boolean;
  basicAuth: boolean;
  basicAuthUser: string;
  jsonData: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export interface SearchHit {
  uid: string;
  title: string;
  type: 'dash-db' | 'dash-folder' | string;
  folderUid?: string;
  tags?: string[];
}

/** One folder ACL entry as the tenancy module compares it: a role or a team. */
export interface FolderPermissionItem {
  role?: string;
  teamId?: number;
  userId?: number;
  /** 1 View, 2 Edit, 4 Admin. */
  permission: number;
  /** Inherited from a parent folder: not part of this folder's own list. */
  inherited?: boolean;
}

/** A dashboard the app bundles (plugin.json `includes`), as Grafana lists it. */
export interface BundledDashboardRef {
  uid: string;
  path: string;
  title: string;
}

export interface AppSettingsRecord {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown> | null;
}

export interface AppSettingsBody {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
}

/** The Grafana being provisioned, as GET /api/frontend/settings describes it (src/grafana-api/capabilities.ts). */
export interface GrafanaInfo {
  version: string;
  featureToggles: string[];
  /** How the client copes with each enabled toggle that changes API shapes. */
  adaptations: string[];
}

/** Alerting calls (contact points, policies, rule groups) live in alertingPorts.ts. */
export interface TenancyApi extends AlertingPort {
  /** Read first; throws (naming the version or toggle) for a Grafana the app cannot provision. */
  grafanaInfo(): Promise<GrafanaInfo>;

  // --- signed-in identity and global objects (Server Admin) ---
  currentUser(): Promise<UserRef>;
  listOrgs(): Promise<OrgRef[]>;
  listUsers(): Promise<UserRef[]>;
  createOrg(name: string): Promise<{ orgId: number }>;
  renameOrg(orgId: number, name: string): Promise<void>;
  deleteOrg(orgId: number): Promise<void>;

  // --- org membership (org in the path) ---
  listOrgUsers(orgId: number): Promise<OrgUser[]>;
  addOrgUser(orgId: number, loginOrEmail: string, role: OrgRole): Promise<void>;
  updateOrgUserRole(orgId: number, userId: number, role: OrgRole): Promise<void>;

  // --- org-scoped objects (org selected per request) ---
  listTeams(orgId: number): Promise<TeamRecord[]>;
  createTeam(orgId: number, name: string, email: string): Promise<{ teamId: number }>;
  updateTeam(orgId: number, teamId: number, name: string, email: string): Promise<void>;
  deleteTeam(orgId: number, teamId: number): Promise<void>;
  listTeamMembers(orgId: number, teamId: number): Promise<TeamMemberRecord[]>;
  addTeamMember(orgId: number, teamId: number, userId: number): Promise<void>;
  setTeamMemberPermission(orgId: number, teamId: number, userId: number, permission: number): Promise<void>;
  removeTeamMember(orgId: number, teamId: number, userId: number): Promise<void>;

  listDataSources(orgId: number): Promise<DataSourceRecord[]>;
  getDataSource(orgId: number, uid: string): Promise<DataSourceRecord>;
  createDataSource(orgId: number, body: DataSourceBody): Promise<void>;
  updateDataSource(orgId: number, uid: string, body: DataSourceBody): Promise<void>;
  deleteDataSource(orgId: number, uid: string): Promise<void>;

  /** `/api/search` without a type: folders and dashboards in one read. */
  search(orgId: number): Promise<SearchHit[]>;
  createFolder(orgId: number, uid: string, title: string): Promise<void>;
  updateFolderTitle(orgId: number, uid: string, title: string): Promise<void>;
  deleteFolder(orgId: number, uid: string): Promise<void>;
  getFolderPermissions(orgId: number, uid: string): Promise<FolderPermissionItem[]>;
  setFolderPermissions(orgId: number, uid: string, items: FolderPermissionItem[]): Promise<void>;

  /** The app's bundled dashboards (the list is the same in every org; removed ones left out). */
  listBundledDashboards(orgId: number, pluginId: string): Promise<BundledDashboardRef[]>;
  /**
   * `POST /api/dashboards/import` of one bundled dashboard (overwrite, plugin id recorded) into
   * `folderUid`, or the org's root as Grafana's own sync does when omitted.
   */
  importBundledDashboard(orgId: number, pluginId: string, path: string, folderUid?: string): Promise<void>;

  getAppSettings(orgId: number, pluginId: string): Promise<AppSettingsRecord>;
  setAppSettings(orgId: number, pluginId: string, body: AppSettingsBody): Promise<void>;
}

/** The status of an API error, or undefined for non-HTTP failures. */
export function errorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
