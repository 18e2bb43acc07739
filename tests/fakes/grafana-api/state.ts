/**
 * In-memory state of the fake Grafana. Every org-scoped object carries its `orgId`; numeric ids
 * come from one counter per entity type shared by all orgs (CONTRACT §10: database
 * auto-increment, global across orgs, never reused within a run).
 */
import { randomBytes } from 'crypto';

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';
export const ORG_ROLES: readonly OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

export function roleAtLeast(role: OrgRole | undefined, min: OrgRole): boolean {
  return role !== undefined && ORG_ROLES.indexOf(role) >= ORG_ROLES.indexOf(min);
}

export interface OrgRow {
  id: number;
  name: string;
  created: string;
}
export interface UserRow {
  id: number;
  uid: string;
  login: string;
  email: string;
  name: string;
  password: string;
  isGrafanaAdmin: boolean;
  /** The stored "current org" (`user.org_id`), changed by POST /api/user/using/{id} (CONTRACT §2.2). */
  currentOrgId: number;
  created: string;
  /**
   * The identity provider that last signed the user in (`user_auth.auth_module`, e.g.
   * `oauth_generic_oauth`, `ldap`); undefined for Grafana-local users. With org role sync on (the
   * default), such a user is "externally synced" (`isExternallySynced`, pkg/api/org_users.go).
   */
  authModule?: string;
}
export interface MembershipRow {
  orgId: number;
  userId: number;
  role: OrgRole;
  created: string;
}
export interface TeamRow {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  email: string;
  /** userId → permission (0 member, 4 admin). */
  members: Map<number, number>;
  created: string;
}
export interface DataSourceRow {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  access: string;
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  basicAuthUser: string;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  version: number;
  readOnly: boolean;
}
export interface AclItem {
  userId?: number;
  teamId?: number;
  role?: 'Viewer' | 'Editor';
  permission: number;
}
export interface FolderRow {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  parentUid: string;
  version: number;
  created: string;
  updated: string;
  createdBy: string;
  updatedBy: string;
  acl: AclItem[];
}
export interface DashboardRow {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  folderUid: string;
  version: number;
  json: Record<string, unknown>;
  /** Set when an app plugin imported it (CONTRACT §9). */
  pluginId: string;
  importedRevision: number;
  created: string;
  updated: string;
  createdBy: string;
  updatedBy: string;
}
export interface BundledDashboard {
  /** Path inside the plugin, e.g. `dashboards/overview.json`. */
  path: string;
  json: Record<string, unknown>;
  /** plugin.json `includes[].revision`-like counter; a change re-imports on sync. */
  revision?: number;
  removed?: boolean;
}
export interface PluginDef {
  id: string;
  type: 'app' | 'datasource' | 'panel';
  name: string;
  autoEnabled: boolean;
  dashboards: BundledDashboard[];
}
export interface PluginSettingRow {
  orgId: number;
  pluginId: string;
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown> | undefined;
  secureJsonData: Record<string, string>;
}
export interface ServiceAccountRow {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  login: string;
  role: OrgRole;
  isDisabled: boolean;
}
export interface TokenRow {
  id: number;
  saId: number;
  orgId: number;
  name: string;
  key: string;
  created: string;
  expires: string | undefined;
}

type Counter = 'org' | 'user' | 'team' | 'datasource' | 'dashboard' | 'serviceaccount' | 'token';

const UID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class FakeState {
  private counters: Record<Counter, number> = {
    org: 0,
    user: 0,
    team: 0,
    datasource: 0,
    dashboard: 0,
    serviceaccount: 0,
    token: 0,
  };
  readonly orgs = new Map<number, OrgRow>();
  readonly users = new Map<number, UserRow>();
  readonly memberships: MembershipRow[] = [];
  readonly teams = new Map<number, TeamRow>();
  readonly datasources = new Map<number, DataSourceRow>();
  readonly folders = new Map<number, FolderRow>();
  readonly dashboards = new Map<number, DashboardRow>();
  readonly plugins = new Map<string, PluginDef>();
  readonly pluginSettings: PluginSettingRow[] = [];
  readonly serviceAccounts = new Map<number, ServiceAccountRow>();
  readonly tokens = new Map<number, TokenRow>();
  /** session token → user id (cookie `grafana_session`). */
  readonly sessions = new Map<string, number>();
  /** Reproduce ≤11.x `name-exists` on same-title dashboards in one folder (off: 12.x, CONTRACT §8.2). */
  rejectDuplicateDashboardTitles = false;
  /** Grafana feature toggles that change API shapes (featureToggles.ts in the fake). */
  featureToggles = new Set<string>();
  /** `buildInfo.version` of /api/frontend/settings. */
  version = '12.4.0';
  /**
   * Work Grafana does after answering (the plugin-dashboard sync runs in an event handler after the
   * settings commit, dashboard_updater.go): each entry runs once `afterRequests` more requests were
   * handled.
   */
  deferred: Array<{ afterRequests: number; run: () => void }> = [];
  /** Requests after which an enable/disable's dashboard sync shows (0: before the 200, as ≤12.3 fakes assumed). */
  pluginDashboardDelay = 0;

  /** Runs `run` now, or after `afterRequests` more requests when that is > 0. */
  later(afterRequests: number, run: () => void): void {
    if (afterRequests <= 0) {
      run();
    } else {
      this.deferred.push({ afterRequests, run });
    }
  }

  /** Called once per handled request: runs the deferred work that is due. */
  tick(): void {
    const due = this.deferred.filter((d) => --d.afterRequests <= 0);
    this.deferred = this.deferred.filter((d) => d.afterRequests > 0);
    due.forEach((d) => d.run());
  }

  nextId(kind: Counter): number {
    this.counters[kind] += 1;
    return this.counters[kind];
  }

  /** 14 random lower-case alphanumerics, like Grafana's short uids (CONTRACT §10); never derived from a name. */
  newUid(): string {
    const bytes = randomBytes(14);
    let uid = '';
    for (const b of bytes) {
      uid += UID_ALPHABET[b % UID_ALPHABET.length];
    }
    return uid;
  }

  now(): string {
    return new Date().toISOString();
  }

  // --- lookups -------------------------------------------------------------------------------

  orgByName(name: string): OrgRow | undefined {
    return [...this.orgs.values()].find((o) => o.name === name);
  }

  /** Login/email lookups are case-insensitive (CONTRACT §5.1). */
  userByLoginOrEmail(value: string): UserRow | undefined {
    const v = value.toLowerCase();
    return (
      [...this.users.values()].find((u) => u.login.toLowerCase() === v) ??
      [...this.users.values()].find((u) => u.email.toLowerCase() === v)
    );
  }

  membership(orgId: number, userId: number): MembershipRow | undefined {
    return this.memberships.find((m) => m.orgId === orgId && m.userId === userId);
  }

  addMembership(orgId: number, userId: number, role: OrgRole): MembershipRow {
    const row = { orgId, userId, role, created: this.now() };
    this.memberships.push(row);
    return row;
  }

  removeWhere<T>(list: T[], pred: (t: T) => boolean): void {
    for (let i = list.length - 1; i >= 0; i--) {
      if (pred(list[i])) {
        list.splice(i, 1);
      }
    }
  }

  deleteWhere<T>(map: Map<number, T>, pred: (t: T) => boolean): void {
    for (const [id, row] of map) {
      if (pred(row)) {
        map.delete(id);
      }
    }
  }

  teamsOf(orgId: number): TeamRow[] {
    return [...this.teams.values()].filter((t) => t.orgId === orgId);
  }
  datasourcesOf(orgId: number): DataSourceRow[] {
    return [...this.datasources.values()].filter((d) => d.orgId === orgId);
  }
  foldersOf(orgId: number): FolderRow[] {
    return [...this.folders.values()].filter((f) => f.orgId === orgId);
  }
  dashboardsOf(orgId: number): DashboardRow[] {
    return [...this.dashboards.values()].filter((d) => d.orgId === orgId);
  }
  folder(orgId: number, uid: string): FolderRow | undefined {
    return this.foldersOf(orgId).find((f) => f.uid === uid);
  }
  dashboard(orgId: number, uid: string): DashboardRow | undefined {
    return this.dashboardsOf(orgId).find((d) => d.uid === uid);
  }
  pluginSetting(orgId: number, pluginId: string): PluginSettingRow | undefined {
    return this.pluginSettings.find((p) => p.orgId === orgId && p.pluginId === pluginId);
  }

  /**
   * Removes an org and everything keyed by it (CONTRACT §4 "Deleting an org"): memberships, teams
   * and members, data sources, SAs and tokens, dashboards/folders, plugin settings. Users stay.
   */
  cascadeDeleteOrg(orgId: number): void {
    this.orgs.delete(orgId);
    this.removeWhere(this.memberships, (m) => m.orgId === orgId);
    this.deleteWhere(this.teams, (t) => t.orgId === orgId);
    this.deleteWhere(this.datasources, (d) => d.orgId === orgId);
    this.deleteWhere(this.folders, (f) => f.orgId === orgId);
    this.deleteWhere(this.dashboards, (d) => d.orgId === orgId);
    this.deleteWhere(this.serviceAccounts, (s) => s.orgId === orgId);
    this.deleteWhere(this.tokens, (t) => t.orgId === orgId);
    this.removeWhere(this.pluginSettings, (p) => p.orgId === orgId);
  }
}
