/**
 * The wrapper data source of a shared org (interfaces §3): a convenience layer in the browser that
 * adds the tenant matcher to every query the user's panels send, so dashboards show the user's own
 * tenants without erroring. The wall is the ID-token proxy behind the org's Prometheus data source.
 *
 * Its jsonData carries `teamTenants: [{ uid, id, values }]` — the mapped teams as Grafana returned
 * them (uid and numeric id, never names: team admins can rename teams and editors may create
 * teams) — and `teamsManagedBySpec: true`, which is what allows the wrapper to read them.
 */
import { logsWrapperUid, MANAGED_BY, teamMarkerTenant, wrapperDatasourceUid } from './naming';
import { ApplyStepError } from './applyErrors';
import type { DataSourceBody, TenancyApi } from './ports';
import type { TeamRef } from './planTypes';
import type { LiveTeam } from './observe';

export const WRAPPER_PLUGIN_TYPE = 'mtlabs-tenantwrapper-datasource';

export interface TeamTenant {
  uid: string;
  id: number;
  values: string[];
}

/**
 * `metrics` targets the org's Prometheus data source; `logs` (a second wrapper, own uid and name)
 * targets its Loki data source — the wrapper rewrites LogQL for that target.
 */
export type WrapperVariant = 'metrics' | 'logs';

export function desiredWrapperBody(
  sharedOrgId: string,
  orgName: string,
  targetUid: string,
  label: string,
  variant: WrapperVariant = 'metrics'
): DataSourceBody {
  return {
    uid: variant === 'logs' ? logsWrapperUid(sharedOrgId) : wrapperDatasourceUid(sharedOrgId),
    name: variant === 'logs' ? `Tenant logs (${orgName})` : `Tenant data (${orgName})`,
    type: WRAPPER_PLUGIN_TYPE,
    access: 'proxy',
    url: '',
    isDefault: false,
    basicAuth: false,
    basicAuthUser: '',
    jsonData: {
      managedBy: MANAGED_BY,
      tenantId: sharedOrgId,
      targetUid,
      tenantLabel: label,
      teamsManagedBySpec: true,
    },
  };
}

/** The mapping from live teams, when every spec team already exists with our marker; otherwise undefined. */
export function teamTenantsFromLive(
  sharedOrgId: string,
  teams: Array<{ name: string; values: string[] }>,
  live: LiveTeam[]
): TeamTenant[] | undefined {
  const out: TeamTenant[] = [];
  for (const team of teams) {
    const found = live.find((t) => t.name.toLowerCase() === team.name.toLowerCase());
    if (!found || found.markerTenant !== sharedOrgId || !found.uid) {
      return undefined;
    }
    out.push({ uid: found.uid, id: found.id, values: [...team.values] });
  }
  return out;
}

/**
 * At apply time: the mapped teams' uids and ids as Grafana returns them now. A team that is missing
 * or lost our marker fails the step (never mapped by name alone).
 */
export async function resolveTeamTenants(
  api: TenancyApi,
  orgId: number,
  teams: Array<{ team: TeamRef; values: string[] }>,
  sharedOrgId: string
): Promise<TeamTenant[]> {
  const live = await api.listTeams(orgId);
  return teams.map(({ team, values }) => {
    const found = live.find((t) => t.name.toLowerCase() === team.name.toLowerCase());
    if (!found || teamMarkerTenant(found.email) !== sharedOrgId || !found.uid) {
      throw new ApplyStepError(
        `team "${team.name}" in org ${orgId} is missing, has no uid, or is not managed for shared org "${sharedOrgId}"`,
        'plan again: the plan recreates the team or reports the conflict'
      );
    }
    return { uid: found.uid, id: found.id, values: [...values] };
  });
}
