import { config, getBackendSrv, isFetchError } from '@grafana/runtime';

import { WrapperError } from './errors';
import type { WrapperSettings } from './types';

/** The part of Grafana's TeamDTO the wrapper reads (CONTRACT.md §5.3, openapi `TeamDTO`). */
export interface UserTeam {
  id?: number;
  uid?: string;
  name: string;
  orgId?: number;
}

export type FetchTeams = () => Promise<unknown>;

/** Team list lifetime: short, so that a team change reaches open dashboards within a minute. */
export const TEAM_CACHE_TTL_MS = 60_000;

export const USER_TEAMS_PATH = '/api/user/teams';

/**
 * GET /api/user/teams through getBackendSrv. It answers the teams of the signed-in user in the org
 * selected in the UI only: getBackendSrv overwrites X-Grafana-Org-Id with the UI org
 * (CONTRACT.md §2.3) and the handler filters by the request's org (CONTRACT.md §5.3).
 */
export const fetchUserTeams: FetchTeams = () =>
  getBackendSrv().get(USER_TEAMS_PATH, undefined, undefined, { showErrorAlert: false, hideFromInspector: true });

/** Identifies the browser session's user and org; a change (org switch, re-login) drops the cache. */
function bootSessionKey(): string {
  const user = config.bootData?.user;
  return user ? `${user.id ?? ''}@${user.orgId ?? ''}` : '';
}

interface Flight {
  key: string;
  promise: Promise<UserTeam[]>;
  /** Started by prefetch(), before anyone asked: its failure is retried, not handed out. */
  prefetch: boolean;
}

interface CacheEntry {
  key: string;
  teams: UserTeam[];
  fetchedAt: number;
}

export interface TeamDirectoryOptions {
  fetchTeams?: FetchTeams;
  ttlMs?: number;
  now?: () => number;
  sessionKey?: () => string;
}

/**
 * The signed-in user's teams, fetched at most once per TTL and with at most one request in
 * flight: a 30-panel dashboard asks for the teams 30 times at once and all callers share one
 * HTTP call. Failures are not cached (the next caller retries) but are shared by the callers
 * that were waiting on the failed request — except a failed prefetch (see prefetch()), which the
 * callers waiting on it retry once with a request of their own.
 */
export class TeamDirectory {
  private readonly fetchTeams: FetchTeams;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sessionKey: () => string;
  private cache?: CacheEntry;
  private inFlight?: Flight;

  constructor(opts: TeamDirectoryOptions = {}) {
    this.fetchTeams = opts.fetchTeams ?? fetchUserTeams;
    this.ttlMs = opts.ttlMs ?? TEAM_CACHE_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.sessionKey = opts.sessionKey ?? bootSessionKey;
  }

  teams(): Promise<UserTeam[]> {
    const key = this.sessionKey();
    const cached = this.cache;
    if (cached && cached.key === key && this.now() - cached.fetchedAt < this.ttlMs) {
      return Promise.resolve(cached.teams);
    }
    const flight = this.inFlight;
    if (flight && flight.key === key) {
      // A prefetch may have been started long before anyone needed the answer (and may have met
      // a transient error): its callers retry once with a query-time request of their own
      // (shared between them) instead of all failing on it.
      return flight.prefetch ? flight.promise.catch(() => this.teams()) : flight.promise;
    }
    return this.start(key, false);
  }

  /**
   * Starts the lookup before the first query needs it (the data source constructor calls this:
   * Grafana builds the instance as the dashboard loads, so the round trip overlaps whatever runs
   * before the first query). Never throws, never caches a failure: a failed prefetch is retried
   * at query time, so it cannot turn into "no tenant" nor into "all tenants".
   */
  prefetch(): void {
    const key = this.sessionKey();
    if (this.peek() || this.inFlight?.key === key) {
      return;
    }
    this.start(key, true).catch(() => undefined);
  }

  private start(key: string, prefetch: boolean): Promise<UserTeam[]> {
    const flight: Flight = { key, prefetch, promise: this.load(key) };
    this.inFlight = flight;
    flight.promise.then(
      () => this.settled(flight),
      () => this.settled(flight)
    );
    return flight.promise;
  }

  private settled(flight: Flight): void {
    if (this.inFlight === flight) {
      this.inFlight = undefined;
    }
  }

  /** The cached list if it is fresh, without waiting (lets callers skip async hops per query). */
  peek(): UserTeam[] | undefined {
    const cached = this.cache;
    return cached && cached.key === this.sessionKey() && this.now() - cached.fetchedAt < this.ttlMs
      ? cached.teams
      : undefined;
  }

  /** Forget the cached list, e.g. after an admin changed the user's teams. */
  invalidate(): void {
    this.cache = undefined;
  }

  private async load(key: string): Promise<UserTeam[]> {
    let body: unknown;
    try {
      body = await this.fetchTeams();
    } catch (e) {
      // Also a synchronous throw (no backendSrv yet): every failure is a team-lookup error.
      throw lookupFailed(e);
    }
    const teams = parseTeams(body);
    this.cache = { key, teams, fetchedAt: this.now() };
    return teams;
  }
}

function lookupFailed(e: unknown): WrapperError {
  let cause: string;
  if (isFetchError(e)) {
    const message = (e.data as { message?: unknown } | undefined)?.message;
    cause = `answered ${e.status}${typeof message === 'string' && message ? ` "${message}"` : ''}`;
  } else {
    cause = `failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  return new WrapperError(
    'team-lookup',
    `Could not look up your teams: GET ${USER_TEAMS_PATH} ${cause}. Queries stay blocked until your teams are known; ` +
      'reload the page, and if it persists ask a Grafana admin to check the server log.'
  );
}

function parseTeams(body: unknown): UserTeam[] {
  if (!Array.isArray(body)) {
    throw new WrapperError(
      'team-lookup',
      `GET ${USER_TEAMS_PATH} returned ${body === null ? 'null' : typeof body} instead of a list of teams; ` +
        'queries stay blocked. Ask a Grafana admin to check that nothing rewrites Grafana API responses.'
    );
  }
  return body.flatMap((t): UserTeam[] =>
    typeof t === 'object' && t !== null && typeof (t as UserTeam).name === 'string' ? [t as UserTeam] : []
  );
}

/** The process-wide (browser session) directory every wrapper instance shares. */
export const sessionTeamDirectory = new TeamDirectory();

export interface TenantMapping {
  /** Sorted, unique, non-empty tenant values. */
  values: string[];
  /** Names of the user's teams that contributed values. */
  mappedTeams: string[];
}

/**
 * Pure mapping of the user's teams to tenant values:
 * 1. `teamTenants` rows (written by tenancy apply) match a team by uid, else by numeric id — never
 *    by name;
 * 2. explicit `teamMappings` rows match the exact team name (an admin picked that team; names are
 *    unique per org);
 * 3. the name conventions apply to teams without a row, and only when the spec manages the org's
 *    teams (`teamsManagedBySpec`); otherwise `conventionRefusal` stops every query first.
 * Empty values are dropped: `tenant=""` would match every series WITHOUT a tenant label in
 * Prometheus, i.e. data of no tenant.
 */
export function mapTeamsToTenants(
  teams: ReadonlyArray<Pick<UserTeam, 'name' | 'uid' | 'id'>>,
  settings: Pick<WrapperSettings, 'teamMappings' | 'convention' | 'conventionPrefix'> &
    Partial<Pick<WrapperSettings, 'teamTenants' | 'teamsManagedBySpec'>>
): TenantMapping {
  const values = new Set<string>();
  const mappedTeams: string[] = [];
  const conventions = settings.teamsManagedBySpec !== false || settings.teamTenants === undefined;
  for (const team of teams) {
    const { name } = team;
    const byIdentity = (settings.teamTenants ?? []).filter((row) => sameTeam(row, team));
    const rows = settings.teamMappings.filter((row) => row.team.trim() === name);
    let teamValues: string[];
    if (byIdentity.length > 0 || rows.length > 0) {
      teamValues = [...byIdentity.flatMap((row) => row.values), ...rows.flatMap((row) => row.values)];
    } else if (conventions && settings.convention === 'team-name') {
      teamValues = [name];
    } else if (
      conventions &&
      settings.convention === 'strip-prefix' &&
      settings.conventionPrefix &&
      name.startsWith(settings.conventionPrefix)
    ) {
      teamValues = [name.slice(settings.conventionPrefix.length)];
    } else {
      teamValues = [];
    }
    const usable = teamValues.map((v) => String(v).trim()).filter((v) => v !== '');
    if (usable.length > 0) {
      mappedTeams.push(name);
      usable.forEach((v) => values.add(v));
    }
  }
  return { values: [...values].sort(), mappedTeams };
}

/** uid when the row has one (uids are never reused), else the numeric id; a row with neither matches nothing. */
function sameTeam(row: { uid?: string; id?: number }, team: Pick<UserTeam, 'uid' | 'id'>): boolean {
  if (typeof row.uid === 'string' && row.uid !== '') {
    return row.uid === team.uid;
  }
  return typeof row.id === 'number' && row.id === team.id;
}

/**
 * The name conventions let whoever can create or rename a team (team admins; editors with
 * `editors_can_admin`) claim a tenant by naming the team after it. They are refused unless the
 * tenancy app manages this org's teams (issue #14; interfaces §3).
 */
export function conventionRefusal(settings: WrapperSettings, dataSourceName: string): WrapperError | undefined {
  if (settings.convention === 'none' || settings.teamsManagedBySpec) {
    return undefined;
  }
  return new WrapperError(
    'config',
    `Data source "${dataSourceName}" maps teams to tenants by team name ("${settings.convention}" convention), which anyone who can create or rename a team could use to claim another tenant, so no query is sent. ` +
      'Ask a Grafana admin to map the teams explicitly (team rows, or a sharedOrgs entry in the tenant spec, which writes team uids), and set "Teams without a row" to "Explicit rows only".'
  );
}

export interface ResolvedTenant extends TenantMapping {
  label: string;
}

/**
 * Resolves the signed-in user's tenant values for one wrapper data source. Grafana server admins
 * get no bypass: the user's identity is only ever read through its team list.
 */
export class TenantResolver {
  constructor(
    private readonly settings: WrapperSettings,
    private readonly dataSourceName: string,
    private readonly directory: TeamDirectory = sessionTeamDirectory
  ) {}

  private last?: { teams: UserTeam[]; tenant: ResolvedTenant };

  async resolve(): Promise<ResolvedTenant> {
    return this.fromTeams(await this.directory.teams());
  }

  /** Starts the team lookup early; see TeamDirectory.prefetch (failures are retried, not kept). */
  prefetch(): void {
    this.directory.prefetch();
  }

  /** The tenant from the cached team list, or undefined when the list must be fetched first. */
  resolveCached(): ResolvedTenant | undefined {
    const teams = this.directory.peek();
    return teams ? this.fromTeams(teams) : undefined;
  }

  private fromTeams(teams: UserTeam[]): ResolvedTenant {
    if (this.last?.teams === teams) {
      return this.last.tenant;
    }
    const refusal = conventionRefusal(this.settings, this.dataSourceName);
    if (refusal) {
      throw refusal;
    }
    const mapping = mapTeamsToTenants(teams, this.settings);
    if (mapping.values.length === 0) {
      const yours =
        teams.length > 0
          ? `your teams in this organization: ${teams.map((t) => t.name).join(', ')}`
          : 'you are in no team in this organization';
      throw new WrapperError(
        'no-tenant',
        `You are not in any team mapped to a tenant in data source "${this.dataSourceName}" (${yours}), so no query is sent. ` +
          `Ask an admin to add you to a team mapped in data source "${this.dataSourceName}".`
      );
    }
    const tenant = { label: this.settings.tenantLabel, ...mapping };
    this.last = { teams, tenant };
    return tenant;
  }
}
