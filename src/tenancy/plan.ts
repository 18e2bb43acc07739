/**
 * planTenants(spec, live) → Plan: pure, deterministic, no I/O (Terraform-style plan value).
 *
 * Ownership rules (see registry.ts and naming.ts):
 * - which org is a tenant's org is decided by the ownership registry in the provisioning org;
 *   markers in tenant orgs only cross-check it, and any disagreement is a `conflict`
 *   (planOwnership.ts);
 * - an object with our marker for this tenant is managed: created, repaired (update) and, when it
 *   is no longer in the spec, reported `orphaned` (deleted by apply only with prune);
 * - an object without our marker that is in the way (same org name, team name, data source
 *   uid/name) is a `conflict`: the tenant is blocked until the admin resolves it;
 * - token-mode tenants and shared orgs get a token step (planTokens.ts); shared orgs are planned by
 *   planSharedOrg.ts.
 */
import { desiredTenant } from './desired';
import { desiredAlerting } from './desiredAlerting';
import type { LiveOrg, LiveState } from './observe';
import { ALERTING_MARKER_KEY } from './observeAlerting';
import { planAlerting } from './planAlerting';
import { planBundledDashboards } from './planDashboards';
import { planDatasource } from './planDatasource';
import { planTenantLogs, tenantLogsUids } from './planLogs';
import { planApp, planFolder } from './planFolderAndApp';
import { planTenantOrg, unregisterStep, type OwnershipOptions } from './planOwnership';
import { planSharedOrg } from './planSharedOrg';
import { planToken, planTokenLeftovers, type TokenPlanContext } from './planTokens';
import { makeStep, summarise, type Plan, type PlanStep, type StepContext, type TenantPlan } from './planTypes';
import { planTeams, planUsers } from './planUsersAndTeams';
import type { TenantSpec, TenantSpecEntry } from './spec';
import { tenantPolicyWarnings } from './specPolicies';
import { usesLogsToken } from './specLogs';
import { readTokenRegistry, type TokenScope } from './tokenRegistry';

export interface PlanOptions extends OwnershipOptions {
  /** Re-send write-only secrets even when Grafana reports them set (secret rotation / repair). */
  rotateSecrets?: boolean;
  /** Issue new bearer tokens: all (`true`) or these tenant / shared org ids. Old ones stay valid until the next apply. */
  rotateTokens?: boolean | string[];
}

export function planTenants(spec: TenantSpec, live: LiveState, options: PlanOptions = {}): Plan {
  const tokens = tokenContext(live, options);
  const tenants = spec.tenants.map((tenant) => planTenant(spec, tenant, live, options, tokens));
  tenants.push(...spec.sharedOrgs.map((shared) => planSharedOrg(spec, shared, live, options, tokens)));
  const specIds = new Set([...spec.tenants.map((t) => t.id), ...spec.sharedOrgs.map((o) => o.id)]);
  const registry = live.registry;
  for (const entry of registry.error ? [] : registry.entries) {
    if (specIds.has(entry.tenantId)) {
      continue;
    }
    const state = live.orgStates.find((s) => s.org.id === entry.orgId);
    addTenantPlan(
      tenants,
      state
        ? orphanedTenant(state, entry.tenantId)
        : notInSpec(entry.tenantId, `org ${entry.orgId}`, entry.orgId, [
            unregisterStep(entry.tenantId, entry.orgId, 'the org no longer exists'),
          ])
    );
  }
  for (const state of live.orgStates) {
    const claimed = state.markerTenant;
    const listed = registry.entries.some((e) => e.orgId === state.org.id);
    if (claimed !== undefined && !specIds.has(claimed) && !listed && !registry.error) {
      // A marker alone never leads to a deletion: tenants' org Admins can write it.
      addTenantPlan(
        tenants,
        notInSpec(claimed, state.org.name, state.org.id, [
          makeStep(claimed, 'org', 'conflict', `org "${state.org.name}"`, [], null, {
            message: `org "${state.org.name}" (id ${state.org.id}) carries an ownership marker for tenant "${claimed}", which is neither in the spec nor in the registry (org ${registry.orgId})`,
            fix: 'nothing is done with it: delete the org in Grafana if it is an old tenant, or remove jsonData.tenantId from its Tenancy app settings',
          }),
        ])
      );
    }
  }
  const tokenIds: Record<TokenScope, Set<string>> = {
    tenant: new Set(spec.tenants.filter((t) => usesToken(t)).map((t) => t.id)),
    'shared-org': new Set(spec.sharedOrgs.map((o) => o.id)),
    'tenant-logs': new Set(spec.tenants.filter((t) => usesLogsToken(t.logs)).map((t) => t.id)),
    'shared-org-logs': new Set(spec.sharedOrgs.filter((o) => o.logsProxyUrl !== undefined).map((o) => o.id)),
  };
  planTokenLeftovers(tenants, tokenIds, specIds, tokens);
  return {
    self: { id: live.self.id, login: live.self.login },
    registryOrgId: registry.orgId,
    grafana: live.grafana,
    tenants,
    summary: summarise(tenants),
  };
}

const usesToken = (t: TenantSpecEntry) => t.datasource.mode === 'proxy' && t.datasource.tenantVia === 'token';

/** The token hashes sit beside the ownership registry, in the provisioning org's app settings. */
function tokenContext(live: LiveState, options: PlanOptions): TokenPlanContext {
  const rotate = options.rotateTokens ?? false;
  const registryOrgId = live.registry.orgId;
  const state = live.orgStates.find((s) => s.org.id === registryOrgId);
  if (!state || state.readError || !state.appSettings) {
    return {
      rotate,
      registryOrgId,
      registryError: `the app settings of the provisioning org ${registryOrgId} could not be read${state?.readError ? `: ${state.readError}` : ' (no such org)'}`,
    };
  }
  return { rotate, registryOrgId, registry: readTokenRegistry(state.appSettings.jsonData) };
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
  if (tenant.datasource.mode === 'proxy' && tenant.datasource.tenantVia === 'query-param') {
    warnings.push(
      'query-param mode: the tenant parameter is added by Grafana, but a caller of the data source proxy can add its own parameter of the same name; our enforcing proxy refuses a request that names the tenant twice (prom-label-proxy merges them), and only Grafana may reach the proxy (trusted network path). Prefer token mode (omit tenantVia).'
    );
  }
  if (tenant.datasource.mode === 'proxy' && tenant.datasource.tenantVia === 'header') {
    warnings.push(
      'header mode: the proxy believes whatever tenant header reaches it, so only Grafana may reach the proxy (trusted network path). Prefer token mode (omit tenantVia).'
    );
  }
  if (tenant.logsDefaultsSkipped) {
    warnings.push(
      'no Loki data source: this tenant has `rules:`, which the Loki proxy does not enforce, so it does not take `defaults.logs` (give it `labelValues:`, or its own `logs: { mode: loki-multitenant, ... }`)'
    );
  }
  warnings.push(...tenantPolicyWarnings(spec, tenant));
  const owned = planTenantOrg(
    tenant,
    desired.users.map((u) => u.key),
    live,
    options
  );
  const result = (steps: PlanStep[]): TenantPlan => ({
    tenantId: tenant.id,
    orgName: tenant.orgName,
    orgId: owned.org?.org.id,
    inSpec: true,
    blocked: steps.some((s) => s.action === 'conflict'),
    steps,
    warnings,
  });
  if (owned.conflict) {
    return result(owned.steps.filter((s) => s.action === 'conflict'));
  }
  const ctx: StepContext = {
    tenantId: tenant.id,
    self: live.self,
    users: live.users,
    bundledDashboards: live.bundledDashboards,
    org: owned.org,
    rotateSecrets: options.rotateSecrets ?? false,
    warnings,
  };
  const datasourceSteps = planDatasource(desired, ctx, { siblings: tenantLogsUids(tenant) });
  const tokenSteps = usesToken(tenant)
    ? planToken(
        { scope: 'tenant', id: tenant.id, datasource: desired.datasource, org: owned.org, datasourceSteps },
        tokens
      )
    : [];
  // Alerting after the folder (rules live in it), before the app settings (the marker goes last).
  const alerting = planAlerting(desiredAlerting(tenant.id, tenant.alerting), ctx);
  return result([
    ...owned.steps,
    ...planUsers(desired, ctx),
    ...planTeams(desired, ctx),
    ...datasourceSteps,
    ...tokenSteps,
    ...planTenantLogs(tenant, ctx, owned.org, tokens),
    ...planFolder(desired, ctx),
    // Before the app is enabled: Grafana's enable-time import then finds them imported already.
    ...planBundledDashboards(desired.app.enabled, desired.folder, ctx, { logs: tenant.logs !== undefined }),
    ...alerting.steps,
    ...planApp(desired, ctx, { [ALERTING_MARKER_KEY]: alerting.managed }),
  ]);
}

function orphanedTenant(state: LiveOrg, tenantId: string): TenantPlan {
  if (state.markerTenant === tenantId && state.appSettings?.jsonData?.sharedOrg === true) {
    // A shared org holds everyone's dashboards and users: prune never deletes it, it is only reported.
    return {
      ...notInSpec(tenantId, state.org.name, state.org.id, [
        makeStep(tenantId, 'org', 'orphaned', `org "${state.org.name}"`, [], null, {
          requiresPrune: true,
          message: `shared org "${tenantId}" is no longer in the spec; its managed teams and data sources stay until you delete them in Grafana, and no mapping file is written for it any more`,
        }),
      ]),
      kind: 'shared-org',
    };
  }
  if (state.markerTenant !== undefined && state.markerTenant !== tenantId) {
    // Never delete on a disputed record: the registry and the org's marker must agree first.
    return notInSpec(tenantId, state.org.name, state.org.id, [
      makeStep(tenantId, 'org', 'conflict', `org "${state.org.name}"`, [], null, {
        message: `forged ownership: the registry gives org "${state.org.name}" (id ${state.org.id}) to tenant "${tenantId}" (no longer in the spec), but its marker names tenant "${state.markerTenant}"`,
        fix: `review the org's admins, then either delete the org in Grafana or correct the marker/registry so they agree; nothing is deleted meanwhile`,
      }),
    ]);
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
  return notInSpec(tenantId, state.org.name, state.org.id, [
    step,
    unregisterStep(tenantId, state.org.id, 'the org is deleted with it', true),
  ]);
}

/** One plan per tenant id: a second finding for the same id joins the first. */
function addTenantPlan(tenants: TenantPlan[], plan: TenantPlan): void {
  const same = tenants.find((t) => t.tenantId === plan.tenantId);
  if (!same) {
    tenants.push(plan);
    return;
  }
  same.steps.push(...plan.steps);
  same.blocked = same.steps.some((s) => s.action === 'conflict');
}

function notInSpec(tenantId: string, orgName: string, orgId: number, steps: PlanStep[]): TenantPlan {
  return {
    tenantId,
    orgName,
    orgId,
    inSpec: false,
    blocked: steps.some((s) => s.action === 'conflict'),
    steps,
    warnings: [],
  };
}
