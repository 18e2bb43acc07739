/**
 * Types for the Grafana HTTP API subset the tenancy app uses, hand-written from the definitions in
 * ../shared/grafana-api/openapi-subset.json (Grafana 12.x api-merged.json). Only fields the app
 * reads are required; the rest are optional as in the Swagger file.
 */

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

/** OrgDTO */
export interface Org {
  id: number;
  name: string;
}
/** OrgDetailsDTO */
export interface OrgDetails extends Org {
  address?: Record<string, string>;
}
/** OrgUserDTO */
export interface OrgUser {
  orgId: number;
  userId: number;
  uid?: string;
  login: string;
  email: string;
  name?: string;
  role: OrgRole;
  isDisabled?: boolean;
  /** Identity-provider labels, e.g. ["OAuth"] (`searchOrgUsersHelper`, pkg/api/org_users.go). */
  authLabels?: string[];
  /** True when the role is synced from an identity provider: PATCH of the role answers 403. */
  isExternallySynced?: boolean;
}
/** UserProfileDTO */
export interface UserProfile {
  id: number;
  uid?: string;
  login: string;
  email: string;
  name?: string;
  orgId?: number;
  isGrafanaAdmin?: boolean;
  isDisabled?: boolean;
}
/** AdminCreateUserForm */
export interface CreateUserForm {
  login: string;
  email?: string;
  name?: string;
  password: string;
  orgId?: number;
}
/** UserSearchHitDTO */
export interface UserSearchHit {
  id: number;
  uid?: string;
  login: string;
  email: string;
  name?: string;
  isAdmin?: boolean;
}
/** UserOrgDTO */
export interface UserOrg {
  orgId: number;
  name: string;
  role: OrgRole;
}
/** TeamDTO */
export interface Team {
  id: number;
  uid?: string;
  orgId: number;
  name: string;
  email?: string;
  memberCount?: number;
}
/** A team as /api/teams/search answers it: without `id` when kubernetesTeamsRedirect is on. */
export type TeamSearchHit = Omit<Team, 'id'> & { id?: number };
/** TeamMemberDTO; `permission` 0 member, 4 admin. */
export interface TeamMember {
  orgId: number;
  teamId: number;
  userId: number;
  login: string;
  email: string;
  name?: string;
  permission: number;
}

export type Json = Record<string, unknown>;

/** DataSource (secrets are never returned; see `secureJsonFields`). */
export interface DataSource {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  access: string;
  url: string;
  user?: string;
  database?: string;
  basicAuth?: boolean;
  basicAuthUser?: string;
  withCredentials?: boolean;
  isDefault: boolean;
  jsonData: Json;
  secureJsonFields: Record<string, boolean>;
  version: number;
  readOnly: boolean;
}
/** DataSourceListItemDTO */
export type DataSourceListItem = Omit<
  DataSource,
  'secureJsonFields' | 'version' | 'withCredentials' | 'basicAuthUser'
> & { typeName?: string };
/** AddDataSourceCommand / UpdateDataSourceCommand. On update send the full object: jsonData is replaced, secrets merged. */
export interface DataSourceInput {
  name: string;
  type: string;
  uid?: string;
  access?: 'proxy' | 'direct';
  url?: string;
  user?: string;
  database?: string;
  basicAuth?: boolean;
  basicAuthUser?: string;
  withCredentials?: boolean;
  isDefault?: boolean;
  jsonData?: Json;
  secureJsonData?: Record<string, string>;
  version?: number;
}
export interface DataSourceWriteResult {
  id: number;
  name: string;
  message: string;
  datasource: DataSource;
}

/** FolderSearchHit */
export interface FolderSummary {
  id: number;
  uid: string;
  title: string;
  parentUid?: string;
}
/** Folder */
export interface Folder extends FolderSummary {
  orgId?: number;
  url?: string;
  version: number;
}
/** CreateFolderCommand */
export interface CreateFolderInput {
  title: string;
  uid?: string;
  parentUid?: string;
  description?: string;
}
/** UpdateFolderCommand */
export interface UpdateFolderInput {
  title: string;
  version?: number;
  overwrite?: boolean;
  description?: string;
}
/** 1 View, 2 Edit, 4 Admin. */
export type PermissionLevel = 1 | 2 | 4;
/** DashboardACLUpdateItem: exactly one of userId, teamId, role. */
export interface PermissionItem {
  userId?: number;
  teamId?: number;
  role?: 'Viewer' | 'Editor';
  permission: PermissionLevel;
}
/** DashboardACLInfoDTO */
export interface PermissionEntry {
  userId?: number;
  userLogin?: string;
  teamId?: number;
  teamUid?: string;
  team?: string;
  role?: string;
  permission: number;
  permissionName?: string;
  inherited?: boolean;
}

/** Hit of /api/search; no numeric `id` when unifiedStorageSearchUI serves search from the unified index. */
export interface SearchHit {
  id?: number;
  uid: string;
  orgId?: number;
  title: string;
  type: 'dash-db' | 'dash-folder' | string;
  url: string;
  tags?: string[];
  folderUid?: string;
  folderTitle?: string;
}
export interface SearchQuery {
  query?: string;
  type?: 'dash-db' | 'dash-folder';
  tag?: string[];
  folderUIDs?: string[];
  dashboardUIDs?: string[];
}
/** DashboardFullWithMeta */
export interface DashboardWithMeta {
  dashboard: Json & { uid: string; title: string; version: number; id?: number };
  meta: Json & { folderUid?: string; version?: number; url?: string };
}
/** SaveDashboardCommand */
export interface SaveDashboardInput {
  dashboard: Json;
  folderUid?: string;
  overwrite?: boolean;
  message?: string;
}
export interface SaveDashboardResult {
  id: number;
  uid: string;
  url: string;
  status: string;
  version: number;
  folderUid?: string;
}
/** ImportDashboardRequest */
export interface ImportDashboardInput {
  dashboard?: Json;
  pluginId?: string;
  path?: string;
  overwrite?: boolean;
  inputs?: Array<{ name: string; type: string; pluginId?: string; value: string }>;
  folderUid?: string;
}
/** ImportDashboardResponse */
export interface ImportDashboardResult {
  uid: string;
  title: string;
  dashboardId: number;
  folderUid?: string;
  imported?: boolean;
  importedUrl?: string;
  pluginId?: string;
}

/** PluginSettingDTO (hand-written in the subset, CONTRACT §9). */
export interface PluginSettings {
  id: string;
  type: string;
  name: string;
  enabled: boolean;
  pinned: boolean;
  autoEnabled?: boolean;
  jsonData?: Json;
  secureJsonFields?: Record<string, boolean>;
}
/** UpdatePluginSettingCmd: enabled/pinned/jsonData are overwritten (omitted = false/cleared); secrets merged. */
export interface PluginSettingsInput {
  enabled: boolean;
  pinned?: boolean;
  jsonData?: Json;
  secureJsonData?: Record<string, string>;
}

/** ServiceAccountDTO */
export interface ServiceAccount {
  id: number;
  uid?: string;
  orgId: number;
  name: string;
  login: string;
  role: OrgRole;
  isDisabled: boolean;
  tokens?: number;
}

/** The parts of GET /api/frontend/settings the client reads (pkg/api/frontendsettings.go). */
export interface FrontendSettings {
  /** Enabled toggles as a map name → true. */
  featureToggles?: Record<string, boolean>;
  buildInfo?: { version?: string; commit?: string; edition?: string };
}

/** PluginDashboardDTO of GET /api/plugins/:pluginId/dashboards (org Admin; per org `imported`). */
export interface PluginDashboard {
  pluginId: string;
  path: string;
  title: string;
  uid?: string;
  revision?: number;
  imported?: boolean;
  importedRevision?: number;
  removed?: boolean;
}
