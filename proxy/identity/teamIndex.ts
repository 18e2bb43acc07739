import type { Logger } from '../log';
import { ProxyRejection } from '../rejection';
import type { MappedTeam } from './fileFormats';
import { parsePolicy, ruleText, type Policy, type PolicyRule } from '../../src/policy';
import { identityOf, policyIdentity, type Identity } from './identity';

export interface TeamIndexOptions {
  /** Grafana's root URL, ending in "/". */
  grafanaRoot: URL;
  /** The org-scoped service account token (org Admin: teams:read). */
  serviceAccountToken: string;
  /** The mapped teams in force (changes when the mapping file reloads). */
  teams(): readonly MappedTeam[];
  /** A refresh starts when the index is this old; never more often. */
  refreshIntervalMs: number;
  /** Time Grafana has to answer one call. */
  timeoutMs: number;
  logger: Logger;
  /**
   * Tenant values as a one-rule policy on --label: a user in a values team and a rules team gets
   * the union of both as rules. Without it such a user gets no identity (fail closed).
   */
  valuesPolicy?: (values: readonly string[]) => Policy;
}

interface Index {
  /** When the refresh that built it started: its data is at least that recent. */
  startedAt: number;
  teams: readonly MappedTeam[];
  byUser: ReadonlyMap<number, Identity>;
}

/** The fields of Grafana's TeamMemberDTO (pkg/services/team/model.go) read here. */
interface TeamMember {
  userId?: unknown;
  teamId?: unknown;
  teamUID?: unknown;
}

/**
 * user id → tenant values, from the members of the mapped teams (GET /api/teams/:id/members with
 * the service account; one call per mapped team per refresh). ID tokens carry no teams
 * (../shared/grafana-api/CONTRACT.md, "Grafana's signed ID token"), and /api/users/:id/teams
 * needs a Server Admin, so the proxy keeps this index instead of asking per request.
 *
 * Refresh and staleness: a request that finds the index older than refreshIntervalMs starts one
 * refresh (single flight) and is answered from the current index meanwhile; an index older than
 * refreshIntervalMs + timeoutMs is never used: requests wait for the refresh, and get 503 if it
 * fails. So every answer reflects memberships as they were at most refreshIntervalMs + timeoutMs
 * ago (30 s + 10 s by default), and Grafana gets at most (teams mapped) calls per refresh interval.
 * A mapping file change invalidates the index at once.
 *
 * Teams are matched by id, and each member row's teamUID must equal the mapped uid: a team deleted
 * and recreated under the same name is a different team and grants nothing until the mapping is
 * regenerated.
 */
export class TeamMembershipIndex {
  private index: Index | null = null;
  private inFlight: Promise<void> | null = null;
  private lastFailureAt = -Infinity;
  private lastError = 'no refresh yet';

  constructor(private readonly o: TeamIndexOptions) {}

  /** Tenant values of a user; null when the user is in no mapped team. Throws 503 when unusable. */
  async identityFor(userId: number): Promise<Identity | null> {
    const now = Date.now();
    const teams = this.o.teams();
    if (!this.isUsable(this.index, teams, now, this.o.refreshIntervalMs)) {
      this.refreshSoon(now);
    }
    if (!this.isUsable(this.index, teams, now, this.o.refreshIntervalMs + this.o.timeoutMs)) {
      await this.inFlight?.catch(() => undefined);
      if (!this.isUsable(this.index, teams, Date.now(), this.o.refreshIntervalMs + this.o.timeoutMs)) {
        throw new ProxyRejection(
          503,
          'identity-unavailable',
          `team memberships could not be read from Grafana (${this.lastError}); check --grafana-url and the service account token`
        );
      }
    }
    return this.index!.byUser.get(userId) ?? null;
  }

  /** Loads the index now (start-up); throws naming the problem. */
  async refreshNow(): Promise<void> {
    this.refreshSoon(Date.now(), true);
    await this.inFlight;
  }

  private isUsable(index: Index | null, teams: readonly MappedTeam[], now: number, maxAge: number): index is Index {
    return index !== null && index.teams === teams && now - index.startedAt < maxAge;
  }

  private refreshSoon(now: number, force = false): void {
    // After a failure, wait a little before asking again, so a Grafana outage is not hammered.
    if (this.inFlight || (!force && now - this.lastFailureAt < Math.min(5000, this.o.refreshIntervalMs))) {
      return;
    }
    const teams = this.o.teams();
    this.inFlight = this.build(teams, now)
      .then(
        (index) => {
          this.index = index;
        },
        (err: Error) => {
          this.lastFailureAt = Date.now();
          this.lastError = err.message;
          this.o.logger({ level: 'error', msg: 'team membership refresh failed', error: err.message });
          throw err;
        }
      )
      .finally(() => {
        this.inFlight = null;
      });
    this.inFlight.catch(() => undefined);
  }

  private async build(teams: readonly MappedTeam[], startedAt: number): Promise<Index> {
    const valuesByUser = new Map<number, Set<string>>();
    const rulesByUser = new Map<number, PolicyRule[]>();
    const answers = await Promise.all(teams.map((team) => this.members(team)));
    teams.forEach((team, i) => {
      const members = answers[i];
      const stranger = members.find((m) => m.teamId !== team.id || (m.teamUID !== undefined && m.teamUID !== team.uid));
      if (stranger) {
        this.o.logger({
          level: 'error',
          msg: 'mapped team does not match Grafana (id/uid differ); it grants nothing until the mapping is regenerated',
          teamId: team.id,
          teamUid: team.uid,
        });
        return;
      }
      for (const m of members) {
        if (typeof m.userId !== 'number') {
          continue;
        }
        if (team.policy) {
          rulesByUser.set(m.userId, [...(rulesByUser.get(m.userId) ?? []), ...team.policy.rules]);
        } else {
          const set = valuesByUser.get(m.userId) ?? new Set<string>();
          team.values.forEach((v) => set.add(v));
          valuesByUser.set(m.userId, set);
        }
      }
    });
    const byUser = new Map<number, Identity>();
    for (const [user, values] of valuesByUser) {
      if (!rulesByUser.has(user)) {
        byUser.set(user, identityOf([...values])!);
      }
    }
    // A user in several teams sees the union of their rules (rules OR); values teams join as the
    // one-rule policy of their values.
    for (const [user, rules] of rulesByUser) {
      const values = valuesByUser.get(user);
      const all = [...rules];
      if (values) {
        if (!this.o.valuesPolicy) {
          continue; // no way to express the values as a rule: no identity rather than a partial one
        }
        all.push(...this.o.valuesPolicy([...values]).rules);
      }
      byUser.set(user, policyIdentity(parsePolicy(all.map(ruleText))));
    }
    return { startedAt, teams, byUser };
  }

  private async members(team: MappedTeam): Promise<TeamMember[]> {
    const url = new URL(`api/teams/${team.id}/members`, this.o.grafanaRoot);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { Authorization: `Bearer ${this.o.serviceAccountToken}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      throw new Error(`GET ${url.pathname}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`GET ${url.pathname} answered ${res.status}: ${text.slice(0, 120)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`GET ${url.pathname} did not answer JSON`);
    }
    if (!Array.isArray(body)) {
      throw new Error(`GET ${url.pathname} did not answer a list of team members`);
    }
    return body as TeamMember[];
  }
}
