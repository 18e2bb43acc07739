/**
 * GrafanaApi: typed calls for tenant provisioning. Every org-scoped method takes the org
 * explicitly and the transport sends it as `X-Grafana-Org-Id` (CONTRACT §2). Pagination follows
 * each endpoint's own rules (CONTRACT §12 "Pagination"); list methods return all pages.
 */
import { capabilitiesFrom, type GrafanaCapabilities } from './capabilities';
import { GrafanaApiError } from './errors';
import { collectPages } from './paging';
import { withTeamIds } from './teamIds';
import { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, RetryPolicy } from './retry';
import type { Transport, TransportRequest } from './transport';
import type * as T from './types';

export interface CallOptions {
  /** Allow retries of this write (it is idempotent, or a duplicate is harmless). Reads always retry. */
  retrySafe?: boolean;
}

interface RequestOptions extends CallOptions {
  orgId?: number;
  body?: unknown;
}

const PAGE_SIZE = 1000;

function qs(params: Record<string, string | number | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of v === undefined ? [] : Array.isArray(v) ? v : [v]) {
      q.append(k, String(item));
    }
  }
  const s = q.toString();
  return s === '' ? '' : '?' + s;
}

const enc = encodeURIComponent;

export class GrafanaApi {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly transport: Transport,
    policy: Partial<RetryPolicy> = {}
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
  }

  /** One call with retries; throws GrafanaApiError for any non-2xx answer. */
  async request<R>(method: TransportRequest['method'], path: string, opts: RequestOptions = {}): Promise<R> {
    const retryable =
      method === 'GET' || opts.retrySafe === true || (this.policy.retryIdempotentWrites && method !== 'POST');
    const req: TransportRequest = {
      method,
      path,
      ...(opts.orgId !== undefined ? { orgId: opts.orgId } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let error: GrafanaApiError;
      try {
        const res = await this.transport(req);
        if (res.status >= 200 && res.status < 300) {
          return res.body as R;
        }
        error = new GrafanaApiError({ status: res.status, method, path, orgId: opts.orgId, body: res.body });
        if (!isRetryableStatus(res.status)) {
          throw error;
        }
      } catch (e) {
        if (e instanceof GrafanaApiError && !isRetryableStatus(e.status)) {
          throw e;
        }
        error =
          e instanceof GrafanaApiError
            ? e
            : new GrafanaApiError({ status: 0, method, path, orgId: opts.orgId, body: undefined, cause: e });
      }
      if (!retryable || attempt >= this.policy.retries) {
        throw error;
      }
      await this.policy.sleep(backoffDelay(this.policy, attempt));
    }
  }

  /** Like `request`, but a 404 yields `undefined` (for lookups that may legitimately miss). */
  private async find<R>(path: string, orgId?: number): Promise<R | undefined> {
    try {
      return await this.request<R>('GET', path, { orgId });
    } catch (e) {
      if (e instanceof GrafanaApiError && e.status === 404) {
        return undefined;
      }
      throw e;
    }
  }

  // --- orgs (global; Server Admin) ---------------------------------------------------------------

  /** All orgs; `page` is 0-based on this endpoint (CONTRACT §4). */
  listOrgs(query?: string): Promise<T.Org[]> {
    return collectPages(
      '/api/orgs',
      PAGE_SIZE,
      (page) => this.request<T.Org[]>('GET', '/api/orgs' + qs({ query, perpage: PAGE_SIZE, page })),
      (o) => String(o.id),
      0
    );
  }
  getOrg(orgId: number): Promise<T.OrgDetails> {
    return this.request('GET', `/api/orgs/${orgId}`);
  }
  findOrgByName(name: string): Promise<T.OrgDetails | undefined> {
    return this.find(`/api/orgs/name/${enc(name)}`);
  }
  /** The caller (a user) becomes Admin of the new org (CONTRACT §2.1). */
  createOrg(name: string, opts?: CallOptions): Promise<{ orgId: number; message: string }> {
    return this.request('POST', '/api/orgs', { ...opts, body: { name } });
  }
  updateOrg(orgId: number, name: string, opts?: CallOptions): Promise<void> {
    return this.request('PUT', `/api/orgs/${orgId}`, { ...opts, body: { name } });
  }
  /** Deletes the org and everything in it. Must not be the org the request acts on (400). */
  deleteOrg(orgId: number, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/orgs/${orgId}`, opts);
  }

  // --- org users (org in the path) ---------------------------------------------------------------

  listOrgUsers(orgId: number): Promise<T.OrgUser[]> {
    return this.request('GET', `/api/orgs/${orgId}/users`);
  }
  addOrgUser(orgId: number, loginOrEmail: string, role: T.OrgRole, opts?: CallOptions): Promise<{ userId: number }> {
    return this.request('POST', `/api/orgs/${orgId}/users`, { ...opts, body: { loginOrEmail, role } });
  }
  updateOrgUserRole(orgId: number, userId: number, role: T.OrgRole, opts?: CallOptions): Promise<void> {
    return this.request('PATCH', `/api/orgs/${orgId}/users/${userId}`, { ...opts, body: { role } });
  }
  removeOrgUser(orgId: number, userId: number, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/orgs/${orgId}/users/${userId}`, opts);
  }

  // --- users (global; Server Admin) --------------------------------------------------------------

  /** Case-insensitive login or email; undefined when nobody has it. */
  lookupUser(loginOrEmail: string): Promise<T.UserProfile | undefined> {
    return this.find(`/api/users/lookup${qs({ loginOrEmail })}`);
  }
  async searchUsers(query?: string): Promise<T.UserSearchHit[]> {
    const all: T.UserSearchHit[] = [];
    for (let page = 1; ; page++) {
      const res = await this.request<{ users: T.UserSearchHit[]; totalCount: number }>(
        'GET',
        '/api/users/search' + qs({ query, perpage: PAGE_SIZE, page })
      );
      all.push(...res.users);
      if (res.users.length < PAGE_SIZE || all.length >= res.totalCount) {
        return all;
      }
    }
  }
  createUser(form: T.CreateUserForm, opts?: CallOptions): Promise<{ id: number; uid?: string }> {
    return this.request('POST', '/api/admin/users', { ...opts, body: form });
  }
  /** The signed-in identity, with `orgId` = the org the request acted on. */
  currentUser(orgId?: number): Promise<T.UserProfile> {
    return this.request('GET', '/api/user', { orgId });
  }
  currentUserOrgs(): Promise<T.UserOrg[]> {
    return this.request('GET', '/api/user/orgs');
  }

  // --- teams (current org = orgId) ---------------------------------------------------------------

  /**
   * All teams of the org; 1-based pages with totalCount (CONTRACT §5.3). `name` is an exact match.
   * Every team returned has its numeric id: with `kubernetesTeamsRedirect` the search answers teams
   * without one, so those are read again by uid (teamIds.ts).
   */
  async searchTeams(orgId: number, filter: { query?: string; name?: string } = {}): Promise<T.Team[]> {
    const all = await collectPages(
      '/api/teams/search',
      PAGE_SIZE,
      async (page) =>
        (
          await this.request<{ teams: T.TeamSearchHit[]; totalCount: number }>(
            'GET',
            '/api/teams/search' + qs({ query: filter.query, name: filter.name, perpage: PAGE_SIZE, page }),
            { orgId }
          )
        ).teams,
      (t) => t.uid ?? String(t.id)
    );
    return withTeamIds(all, (uid) => this.getTeam(orgId, uid));
  }
  /** By numeric id or by uid (Grafana resolves a uid in the path, `MiddlewareTeamUIDResolver`). */
  getTeam(orgId: number, teamIdOrUid: number | string): Promise<T.Team> {
    return this.request('GET', `/api/teams/${enc(String(teamIdOrUid))}`, { orgId });
  }
  /** A user caller becomes the team's Admin member (CONTRACT §5.3); remove it if unwanted. */
  createTeam(
    orgId: number,
    team: { name: string; email?: string },
    opts?: CallOptions
  ): Promise<{ teamId: number; uid?: string }> {
    return this.request('POST', '/api/teams', { ...opts, orgId, body: { name: team.name, email: team.email ?? '' } });
  }
  updateTeam(orgId: number, teamId: number, team: { name: string; email?: string }, opts?: CallOptions): Promise<void> {
    return this.request('PUT', `/api/teams/${teamId}`, {
      ...opts,
      orgId,
      body: { name: team.name, email: team.email ?? '' },
    });
  }
  deleteTeam(orgId: number, teamId: number, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/teams/${teamId}`, { ...opts, orgId });
  }
  listTeamMembers(orgId: number, teamId: number): Promise<T.TeamMember[]> {
    return this.request('GET', `/api/teams/${teamId}/members`, { orgId });
  }
  addTeamMember(orgId: number, teamId: number, userId: number, opts?: CallOptions): Promise<void> {
    return this.request('POST', `/api/teams/${teamId}/members`, { ...opts, orgId, body: { userId } });
  }
  /** 0 = member, 4 = team admin. The user must already be a member. Idempotent. */
  setTeamMemberPermission(
    orgId: number,
    teamId: number,
    userId: number,
    permission: 0 | 4,
    opts: CallOptions = { retrySafe: true }
  ): Promise<void> {
    return this.request('PUT', `/api/teams/${teamId}/members/${userId}`, { ...opts, orgId, body: { permission } });
  }
  /** Replaces the whole membership: `members`/`admins` are logins or emails; everyone else is removed. Idempotent. */
  setTeamMemberships(
    orgId: number,
    teamId: number,
    m: { members: string[]; admins: string[] },
    opts: CallOptions = { retrySafe: true }
  ): Promise<void> {
    return this.request('PUT', `/api/teams/${teamId}/members`, { ...opts, orgId, body: m });
  }
  removeTeamMember(orgId: number, teamId: number, userId: number, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/teams/${teamId}/members/${userId}`, { ...opts, orgId });
  }

  // --- data sources (by uid; current org = orgId) ------------------------------------------------

  listDataSources(orgId: number): Promise<T.DataSourceListItem[]> {
    return this.request('GET', '/api/datasources', { orgId });
  }
  getDataSource(orgId: number, uid: string): Promise<T.DataSource> {
    return this.request('GET', `/api/datasources/uid/${enc(uid)}`, { orgId });
  }
  findDataSource(orgId: number, uid: string): Promise<T.DataSource | undefined> {
    return this.find(`/api/datasources/uid/${enc(uid)}`, orgId);
  }
  /** The org's first data source becomes its default (CONTRACT §7.1). */
  createDataSource(orgId: number, ds: T.DataSourceInput, opts?: CallOptions): Promise<T.DataSourceWriteResult> {
    return this.request('POST', '/api/datasources', { ...opts, orgId, body: ds });
  }
  /** Send the full object: jsonData and flags are replaced, secureJsonData keys merged (CONTRACT §7.1). */
  updateDataSource(
    orgId: number,
    uid: string,
    ds: T.DataSourceInput,
    opts?: CallOptions
  ): Promise<T.DataSourceWriteResult> {
    return this.request('PUT', `/api/datasources/uid/${enc(uid)}`, { ...opts, orgId, body: ds });
  }
  deleteDataSource(orgId: number, uid: string, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/datasources/uid/${enc(uid)}`, { ...opts, orgId });
  }

  // --- folders -----------------------------------------------------------------------------------

  /** Folders directly under `parentUid` (top level by default), all pages, even when paging is ignored (paging.ts). */
  listFolders(orgId: number, parentUid?: string): Promise<T.FolderSummary[]> {
    return collectPages(
      '/api/folders',
      PAGE_SIZE,
      (page) =>
        this.request<T.FolderSummary[]>('GET', '/api/folders' + qs({ parentUid, limit: PAGE_SIZE, page }), { orgId }),
      (f) => f.uid
    );
  }
  getFolder(orgId: number, uid: string): Promise<T.Folder> {
    return this.request('GET', `/api/folders/${enc(uid)}`, { orgId });
  }
  findFolder(orgId: number, uid: string): Promise<T.Folder | undefined> {
    return this.find(`/api/folders/${enc(uid)}`, orgId);
  }
  createFolder(orgId: number, folder: T.CreateFolderInput, opts?: CallOptions): Promise<T.Folder> {
    return this.request('POST', '/api/folders', { ...opts, orgId, body: folder });
  }
  /** Needs the current `version` or `overwrite: true`, else 412 version-mismatch. */
  updateFolder(orgId: number, uid: string, folder: T.UpdateFolderInput, opts?: CallOptions): Promise<T.Folder> {
    return this.request('PUT', `/api/folders/${enc(uid)}`, { ...opts, orgId, body: folder });
  }
  /** Also deletes the dashboards in it. */
  deleteFolder(orgId: number, uid: string, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/folders/${enc(uid)}`, { ...opts, orgId });
  }
  getFolderPermissions(orgId: number, uid: string): Promise<T.PermissionEntry[]> {
    return this.request('GET', `/api/folders/${enc(uid)}/permissions`, { orgId });
  }
  /** Replaces the folder's whole permission list with `items`. Idempotent, so safe to retry. */
  setFolderPermissions(
    orgId: number,
    uid: string,
    items: T.PermissionItem[],
    opts: CallOptions = { retrySafe: true }
  ): Promise<void> {
    return this.request('POST', `/api/folders/${enc(uid)}/permissions`, { ...opts, orgId, body: { items } });
  }

  // --- dashboards --------------------------------------------------------------------------------

  /** All hits; `page` is 1-based with `limit` as page size and no total, so page until a short page (CONTRACT §8.4). */
  searchDashboards(orgId: number, q: T.SearchQuery = {}): Promise<T.SearchHit[]> {
    return collectPages(
      '/api/search',
      PAGE_SIZE,
      (page) =>
        this.request<T.SearchHit[]>(
          'GET',
          '/api/search' +
            qs({
              query: q.query,
              type: q.type,
              tag: q.tag,
              folderUIDs: q.folderUIDs,
              dashboardUIDs: q.dashboardUIDs,
              limit: PAGE_SIZE,
              page,
            }),
          { orgId }
        ),
      // Hits are keyed by uid: with unifiedStorageSearchUI they carry no numeric id.
      (h) => `${h.type}:${h.uid}`
    );
  }
  getDashboard(orgId: number, uid: string): Promise<T.DashboardWithMeta> {
    return this.request('GET', `/api/dashboards/uid/${enc(uid)}`, { orgId });
  }
  findDashboard(orgId: number, uid: string): Promise<T.DashboardWithMeta | undefined> {
    return this.find(`/api/dashboards/uid/${enc(uid)}`, orgId);
  }
  saveDashboard(orgId: number, input: T.SaveDashboardInput, opts?: CallOptions): Promise<T.SaveDashboardResult> {
    return this.request('POST', '/api/dashboards/db', { ...opts, orgId, body: input });
  }
  importDashboard(orgId: number, input: T.ImportDashboardInput, opts?: CallOptions): Promise<T.ImportDashboardResult> {
    return this.request('POST', '/api/dashboards/import', { ...opts, orgId, body: input });
  }
  deleteDashboard(orgId: number, uid: string, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/dashboards/uid/${enc(uid)}`, { ...opts, orgId });
  }

  // --- instance ----------------------------------------------------------------------------------

  /** Feature toggles and build info the frontend boots with (any signed-in identity). */
  frontendSettings(): Promise<T.FrontendSettings> {
    return this.request('GET', '/api/frontend/settings');
  }
  /** Version and toggles, checked (capabilities.ts): throws UnsupportedGrafanaError for a Grafana the app cannot serve. */
  async capabilities(): Promise<GrafanaCapabilities> {
    return capabilitiesFrom(await this.frontendSettings());
  }

  // --- plugin settings (per org) -----------------------------------------------------------------

  getPluginSettings(orgId: number, pluginId: string): Promise<T.PluginSettings> {
    return this.request('GET', `/api/plugins/${enc(pluginId)}/settings`, { orgId });
  }
  /**
   * Upsert; enabling an app (first time or false→true) imports its bundled dashboards into the
   * org's root, disabling deletes them (CONTRACT §9). Overwrites jsonData: send the full object.
   */
  updatePluginSettings(
    orgId: number,
    pluginId: string,
    settings: T.PluginSettingsInput,
    opts: CallOptions = { retrySafe: true }
  ): Promise<void> {
    return this.request('POST', `/api/plugins/${enc(pluginId)}/settings`, { ...opts, orgId, body: settings });
  }

  /** The app's bundled dashboards and whether each is imported in `orgId` (`GetPluginDashboards`, org Admin). */
  pluginDashboards(orgId: number, pluginId: string): Promise<T.PluginDashboard[]> {
    return this.request('GET', `/api/plugins/${enc(pluginId)}/dashboards`, { orgId });
  }

  // --- service accounts --------------------------------------------------------------------------

  async searchServiceAccounts(orgId: number, query?: string): Promise<T.ServiceAccount[]> {
    const all: T.ServiceAccount[] = [];
    for (let page = 1; ; page++) {
      const res = await this.request<{ serviceAccounts: T.ServiceAccount[]; totalCount: number }>(
        'GET',
        '/api/serviceaccounts/search' + qs({ query, perpage: PAGE_SIZE, page }),
        { orgId }
      );
      all.push(...res.serviceAccounts);
      if (res.serviceAccounts.length < PAGE_SIZE || all.length >= res.totalCount) {
        return all;
      }
    }
  }
  createServiceAccount(
    orgId: number,
    sa: { name: string; role: T.OrgRole; isDisabled?: boolean },
    opts?: CallOptions
  ): Promise<T.ServiceAccount> {
    return this.request('POST', '/api/serviceaccounts', { ...opts, orgId, body: sa });
  }
  /** The key is returned only here. */
  createServiceAccountToken(
    orgId: number,
    saId: number,
    name: string,
    opts?: CallOptions
  ): Promise<{ id: number; name: string; key: string }> {
    return this.request('POST', `/api/serviceaccounts/${saId}/tokens`, { ...opts, orgId, body: { name } });
  }
  deleteServiceAccount(orgId: number, saId: number, opts?: CallOptions): Promise<void> {
    return this.request('DELETE', `/api/serviceaccounts/${saId}`, { ...opts, orgId });
  }
}
