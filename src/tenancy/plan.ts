/**
 * planTenants(spec, live) → Plan: pure, deterministic, no I/O (Terraform-style plan value).
 *
 * Ownership rules (see naming.ts for the markers):
 * - an object with our marker for this tenant is managed: created, repaired (update) and, when it
 *   is no longer in the spec, reported `orphaned` (deleted by apply only with prune);
 * - an object without our marker that is in the way (same org name, team name, data source
 *   uid/name) is a `conflict`: the tenant is blocked until the admin resolves it;
 * - an org without the marker whose name matches the spec is adopted only when it holds nothing
 *   but objects carrying this tenant's markers and users of the spec (what an interrupted apply
 *   leaves behind: the org marker is written last, after the contents) — planOrg.ts;
 * - token-mode tenants and shared orgs get a token step (planTokens.ts); shared orgs are planned
 *   by planSharedOrg.ts.
 */
import { desiredTenant } from './desired';
import type { LiveOrg, LiveState } from './observe';
import { planDatasource } from './planDatasource';
import { planApp, planFolder } from './planFolderAndApp';
import { planOrg } from './planOrg';
import { planSharedOrg } from './planSharedOrg';
import { planToken, planTokenLeftovers, type TokenPlanContext } from './planTokens';
import { makeStep, summarise, type Plan, type PlanStep, type StepContext, type TenantPlan } from './planTypes';
import { planTeams, planUsers, resolveUser } from './planUsersAndTeams';
import type { TenantSpec, TenantSpecEntry } from './spec';
import { readTokenRegistry } from './tokenRegistry';

export interface PlanOptions {
  /** Re-send write-only secrets even when Grafana reports them set (secret rotation / repair). */
  rotateSecrets?: boolean;
  /** Issue new bearer tokens: all (`true`) or these tenant / shared org ids. Old ones stay valid until the next apply. */
  rotateTokens?: boolean | string[];
  /**
   * The org whose app settings keep the token hashes and the audit log (the org the admin page runs
   * in, the CLI's `--audit-org`). Token-mode tenants and shared orgs are conflicts without it.
   */
  provisioningOrgId?: number;
}

export function planTenants(spec: TenantSpec, live: LiveState, options: PlanOptions = {}): Plan {
  const tokens = tokenContext(live, options);
  const tenants = spec.tenants.map((tenant) => planTenant(spec, tenant, live, options, tokens));
  tenants.push(...spec.sharedOrgs.map((shared) => planSharedOrg(spec, shared, live, tokens)));
  const specIds = new Set([...spec.tenants.map((t) => t.id), ...spec.sharedOrgs.map((o) => o.id)]);
  for (const state of live.orgStates) {
    if (state.markerTenant !== undefined && !specIds.has(state.markerTenant)) {
      tenants.push(orphanedTenant(state, state.markerTenant));
    }
  }
  const tokenIds = new Set([
    ...spec.tenants.filter((t) => usesToken(t)).map((t) => t.id),
    ...spec.sharedOrgs.map((o) => o.id),
  ]);
  planTokenLeftovers(tenants, tokenIds, specIds, tokens);
  return { self: { id: live.self.id, login: live.self.login }, tenants, summary: summarise(tenants) };
}

const usesToken = (t: TenantSpecEntry) => t.datasource.mode === 'proxy' && t.datasource.tenantVia === 'token';

function tokenContext(live: LiveState, options: PlanOptions): TokenPlanContext {
  const rotate = options.rotateTokens ?? false;
  const orgId = options.provisioningOrgId;
  if (orgId === undefined) {
    return { rotate };
  }
  const state = live.orgStates.find((s) => s.org.id === orgId);
  if (!state || state.readError || !state.appSettings) {
    return {
      rotate,
      registryOrgId: orgId,
      registryError: `the app settings of the provisioning org ${orgId} could not be read${state?.readError ? `: ${state.readError}` : ' (no such org)'}`,
    };
  }
  return { rotate, registryOrgId: orgId, registry: readTokenRegistry(state.appSettings.jsonData) };
}

function planTenant(
  spec: TenantSpec,
  tenant: TenantSpecEntry,
  live: LiveState,
  options: PlanOptions,
  tokens: TokenPlanContext
): TenantPlan {
  const desired = desiredTenant(spec, tenant);
  const warnings: string[] = [];
  const result = (orgId: number | undefined, steps: PlanStep[]): TenantPlan => ({
    tenantId: tenant.id,
    orgName: tenant.orgName,
    orgId,
    inSpec: true,
    blocked: steps.some((s) => s.action === 'conflict'),
    steps,
    warnings,
  });

  if (tenant.datasource.mode === 'proxy' && tenant.datasource.tenantVia === 'query-param') {
    warnings.push(
      'query-param mode: the tenant parameter is added by Grafana, but a caller of the data source proxy can add its own parameter of the same name; the enforcing proxy must reject duplicates, and the network path to the proxy must be trusted. Prefer token mode (omit tenantVia).'
    );
  }
  if (tenant.datasource.mode === 'proxy' && tenant.datasource.tenantVia === 'header') {
    warnings.push(
      'header mode: the proxy believes whatever tenant header reaches it, so only Grafana may reach the proxy (trusted network path), and an org Admin can edit the header. Prefer token mode (omit tenantVia).'
    );
  }

  const orgPlan = planOrg({
    id: tenant.id,
    orgName: tenant.orgName,
    live,
    allowedUserIds: desired.users.map((u) => resolveUser(live.users, u.key)?.id),
    adoptPopulated: false,
  });
  if (orgPlan.blocked) {
    return result(orgPlan.orgId, orgPlan.steps);
  }
  const org = orgPlan.org;
  const ctx: StepContext = {
    tenantId: tenant.id,
    self: live.self,
    users: live.users,
    org,
    rotateSecrets: options.rotateSecrets ?? false,
    warnings,
  };
  const datasourceSteps = planDatasource(desired, ctx);
  const tokenSteps = usesToken(tenant)
    ? planToken({ scope: 'tenant', id: tenant.id, datasource: desired.datasource, org, datasourceSteps }, tokens)
    : [];
  const steps = [
    ...orgPlan.steps,
    ...planUsers(desired, ctx),
    ...planTeams(desired, ctx),
    ...datasourceSteps,
    ...tokenSteps,
    ...planFolder(desired, ctx),
    ...planApp(desired, ctx),
  ];
  return result(org?.org.id, steps);
}

function orphanedTenant(state: LiveOrg, tenantId: string): TenantPlan {
  if (state.appSettings?.jsonData?.sharedOrg === true) {
    // A shared org holds everyone's dashboards: it is never deleted by prune, only reported.
    const step = makeStep(tenantId, 'org', 'orphaned', `org "${state.org.name}"`, [], null, {
      requiresPrune: true,
      message: `shared org "${tenantId}" is no longer in the spec; its managed teams and data sources stay until you delete them in Grafana (the proxy mapping file is no longer written for it)`,
    });
    return {
      tenantId,
      kind: 'shared-org',
      orgName: state.org.name,
      orgId: state.org.id,
      inSpec: false,
      blocked: false,
      steps: [step],
      warnings: [],
    };
  }
  const step = makeStep(
    tenantId,
    'org',
    'orphaned',
    `org "${state.org.name}"`,
    [{ field: 'name', before: state.org.name, after: null }],
    { type: 'deleteOrg' },
    {
      requiresPrune: true,
      message: `tenant "${tenantId}" is no longer in the spec; pruning deletes the org with its teams, data sources, folders and dashboards`,
    }
  );
  return {
    tenantId,
    orgName: state.org.name,
    orgId: state.org.id,
    inSpec: false,
    blocked: false,
    steps: [step],
    warnings: [],
  };
}
