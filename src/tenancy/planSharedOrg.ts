/**
 * Planning a shared organization (pure): one org used by several tenants, isolated server-side by
 * the enforcing proxy in `--grafana-id-token` mode (interfaces §2). Apply manages in that org:
 * - the org (created, or an existing org adopted with its users and dashboards);
 * - the spec's teams (created with the ownership e-mail; membership is left to Grafana/SSO, except
 *   that the provisioning user is never a member: it would see those tenants' data);
 * - the Prometheus data source pointing at the org's ID-token proxy, authenticated with the
 *   Grafana→proxy shared secret (`Authorization: Bearer`, secureJsonData; planTokens.ts), so a
 *   user's ID token lifted from elsewhere cannot be replayed to the proxy;
 * - the wrapper data source with `teamTenants` (wrapperDatasource.ts);
 * - the app settings marker.
 * Every other Prometheus data source in the org is a conflict: it would reach Prometheus without
 * the wall (every org member can query every data source of the org in Grafana OSS).
 * The proxy's team mapping file is rendered after apply from live teams (tokensFile.ts).
 */
import {
  datasourceUid,
  defaultDatasourceName,
  MANAGED_BY,
  teamMarkerEmail,
  jsonDataMarkerTenant,
  wrapperDatasourceUid,
} from './naming';
import { TOKEN_HEADER_NAME, type DesiredDatasource } from './desired';
import type { LiveState } from './observe';
import { planDatasource } from './planDatasource';
import { planApp } from './planFolderAndApp';
import { planTenantOrg, type OwnershipOptions } from './planOwnership';
import { planToken, type TokenPlanContext } from './planTokens';
import { makeStep, type PlanStep, type StepContext, type TenantPlan } from './planTypes';
import { planSharedLogs, sharedLogsUids } from './planSharedLogs';
import type { SharedOrgSpec, TenantSpec } from './spec';
import { planWrapper } from './planWrapper';
import { desiredWrapperBody } from './wrapperDatasource';

export function desiredSharedDatasource(shared: SharedOrgSpec): DesiredDatasource {
  return {
    body: {
      uid: datasourceUid(shared.id),
      name: defaultDatasourceName(shared.id),
      type: 'prometheus',
      access: 'proxy',
      url: shared.proxyUrl,
      isDefault: true,
      basicAuth: false,
      basicAuthUser: '',
      jsonData: { managedBy: MANAGED_BY, tenantId: shared.id, httpHeaderName1: TOKEN_HEADER_NAME },
    },
    secrets: {},
    secretsKeptAsStored: [],
  };
}

export function planSharedOrg(
  spec: TenantSpec,
  shared: SharedOrgSpec,
  live: LiveState,
  options: OwnershipOptions,
  tokens: TokenPlanContext
): TenantPlan {
  const warnings: string[] = [
    'shared org: Grafana-managed alert rules here run without a user, so the ID-token proxy refuses their queries; put alerting in the tenant orgs',
  ];
  const result = (orgId: number | undefined, steps: PlanStep[]): TenantPlan => ({
    tenantId: shared.id,
    kind: 'shared-org',
    orgName: shared.orgName,
    orgId,
    inSpec: true,
    blocked: steps.some((s) => s.action === 'conflict'),
    steps,
    warnings,
  });
  const owned = planTenantOrg(shared, [], live, { ...options, adoptPopulated: true });
  if (owned.conflict) {
    return result(
      owned.org?.org.id,
      owned.steps.filter((s) => s.action === 'conflict')
    );
  }
  const org = owned.org;
  const ctx: StepContext = {
    tenantId: shared.id,
    self: live.self,
    users: live.users,
    bundledDashboards: live.bundledDashboards,
    org,
    rotateSecrets: false,
    warnings,
  };
  const want = desiredSharedDatasource(shared);
  // The wrappers and the Loki data source carry the same marker: not orphans of the Prometheus one.
  const siblings = [wrapperDatasourceUid(shared.id), ...sharedLogsUids(shared)];
  const datasourceSteps = [
    ...foreignPrometheusConflicts(shared, ctx),
    ...planDatasource({ datasource: want }, ctx, { siblings }),
  ];
  const steps = [
    ...owned.steps,
    ...planSharedTeams(shared, ctx),
    ...datasourceSteps,
    ...planToken({ scope: 'shared-org', id: shared.id, datasource: want, org, datasourceSteps }, tokens),
    ...planWrapper(shared, ctx, desiredWrapperBody(shared.id, shared.orgName, datasourceUid(shared.id), spec.label)),
    ...planSharedLogs(spec, shared, ctx, tokens),
    ...planApp(
      {
        app: {
          enabled: shared.dashboards,
          pinned: true,
          marker: { managedBy: MANAGED_BY, tenantId: shared.id, sharedOrg: true },
        },
      },
      ctx
    ),
  ];
  return result(org?.org.id, steps);
}

/** Any Prometheus data source but ours lets org members query Prometheus around the ID-token wall. */
function foreignPrometheusConflicts(shared: SharedOrgSpec, ctx: StepContext): PlanStep[] {
  return (ctx.org?.contents?.datasources ?? [])
    .filter((d) => d.type === 'prometheus' && jsonDataMarkerTenant(d.jsonData) !== shared.id)
    .map((d) =>
      makeStep(shared.id, 'datasource', 'conflict', `data source "${d.name}"`, [], null, {
        message: `Prometheus data source "${d.name}" (uid ${d.uid}, ${d.url}) in a shared org: every member of the org can query it directly, around the ID-token proxy`,
        fix: `delete it from org "${shared.orgName}" (or move it to a tenant org); in a shared org only the managed data source may reach Prometheus`,
      })
    );
}

function planSharedTeams(shared: SharedOrgSpec, ctx: StepContext): PlanStep[] {
  const steps: PlanStep[] = [];
  const liveTeams = ctx.org?.contents?.teams ?? [];
  for (const team of shared.teams) {
    const target = `team "${team.name}"`;
    const live = liveTeams.find((t) => t.name.toLowerCase() === team.name.toLowerCase());
    if (live && live.markerTenant !== shared.id) {
      steps.push(
        makeStep(shared.id, 'team', 'conflict', target, [], null, {
          message: `team "${live.name}" already exists in this org and is not managed for shared org "${shared.id}"`,
          fix: 'rename or delete the existing team in Grafana (its members would otherwise gain tenant data by its name), or rename the team in the spec',
        })
      );
      continue;
    }
    if (!live) {
      steps.push(
        makeStep(
          shared.id,
          'team',
          'create',
          target,
          [
            { field: 'name', before: null, after: team.name },
            { field: 'tenant values', before: null, after: team.values.join(', ') },
          ],
          { type: 'createTeam', name: team.name, email: teamMarkerEmail(shared.id), removeCreatorUserId: ctx.self.id }
        )
      );
      continue;
    }
    steps.push(makeStep(shared.id, 'team', 'unchanged', target, [], null));
    if (live.members?.some((m) => m.userId === ctx.self.id)) {
      steps.push(
        makeStep(
          shared.id,
          'team-member',
          'update',
          `team "${team.name}" member "${ctx.self.login}"`,
          [{ field: 'member', before: ctx.self.login, after: null }],
          { type: 'removeTeamMember', team: { name: live.name, id: live.id }, userId: ctx.self.id },
          { message: 'the provisioning user is never a member of a mapped team (it would see those tenants’ data)' }
        )
      );
    }
  }
  for (const live of liveTeams) {
    if (
      live.markerTenant === shared.id &&
      !shared.teams.some((t) => t.name.toLowerCase() === live.name.toLowerCase())
    ) {
      steps.push(
        makeStep(
          shared.id,
          'team',
          'orphaned',
          `team "${live.name}"`,
          [{ field: 'name', before: live.name, after: null }],
          { type: 'deleteTeam', team: { name: live.name, id: live.id } },
          { requiresPrune: true, message: 'managed team no longer in the spec (the proxy mapping drops it at once)' }
        )
      );
    }
  }
  return steps;
}
