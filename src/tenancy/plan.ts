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
 *   leaves behind: the org marker is written last, after the contents).
 */
import { desiredTenant } from './desired';
import { desiredAlerting } from './desiredAlerting';
import { folderMarkerTenant, jsonDataMarkerTenant } from './naming';
import type { LiveOrg, LiveState } from './observe';
import { ALERTING_MARKER_KEY } from './observeAlerting';
import { planAlerting } from './planAlerting';
import { planDatasource } from './planDatasource';
import { planApp, planFolder } from './planFolderAndApp';
import { makeStep, summarise, type Plan, type PlanStep, type StepContext, type TenantPlan } from './planTypes';
import { planTeams, planUsers, resolveUser } from './planUsersAndTeams';
import type { TenantSpec, TenantSpecEntry } from './spec';

export interface PlanOptions {
  /** Re-send write-only secrets even when Grafana reports them set (secret rotation / repair). */
  rotateSecrets?: boolean;
}

export function planTenants(spec: TenantSpec, live: LiveState, options: PlanOptions = {}): Plan {
  const tenants = spec.tenants.map((tenant) => planTenant(spec, tenant, live, options));
  const specIds = new Set(spec.tenants.map((t) => t.id));
  for (const state of live.orgStates) {
    if (state.markerTenant !== undefined && !specIds.has(state.markerTenant)) {
      tenants.push(orphanedTenant(state, state.markerTenant));
    }
  }
  return { self: { id: live.self.id, login: live.self.login }, tenants, summary: summarise(tenants) };
}

function planTenant(spec: TenantSpec, tenant: TenantSpecEntry, live: LiveState, options: PlanOptions): TenantPlan {
  const desired = desiredTenant(spec, tenant);
  const warnings: string[] = [];
  const byMarker = live.orgStates.find((s) => s.markerTenant === tenant.id);
  const byName = live.orgStates.find((s) => s.org.name.toLowerCase() === tenant.orgName.toLowerCase());
  const result = (orgId: number | undefined, steps: PlanStep[]): TenantPlan => ({
    tenantId: tenant.id,
    orgName: tenant.orgName,
    orgId,
    inSpec: true,
    blocked: steps.some((s) => s.action === 'conflict'),
    steps,
    warnings,
  });
  const orgTarget = `org "${tenant.orgName}"`;
  const conflict = (message: string, fix: string) =>
    makeStep(tenant.id, 'org', 'conflict', orgTarget, [], null, { message, fix });

  if (tenant.datasource.mode === 'proxy' && tenant.datasource.tenantVia === 'query-param') {
    warnings.push(
      'query-param mode: the tenant parameter is added by Grafana, but a caller of the data source proxy can add its own parameter of the same name; the enforcing proxy must reject duplicates. Prefer tenantVia: header.'
    );
  }

  let org: LiveOrg | undefined;
  const orgSteps: PlanStep[] = [];
  if (byMarker) {
    org = byMarker;
    if (byMarker.readError || !byMarker.contents) {
      return result(byMarker.org.id, [
        conflict(byMarker.readError ?? `org "${byMarker.org.name}" could not be read`, 'fix access and plan again'),
      ]);
    }
    if (byMarker.org.name === tenant.orgName) {
      orgSteps.push(makeStep(tenant.id, 'org', 'unchanged', orgTarget, [], null));
    } else if (byName && byName !== byMarker) {
      return result(byMarker.org.id, [
        conflict(
          `cannot rename org "${byMarker.org.name}" to "${tenant.orgName}": another org already has that name`,
          'rename or delete the other org, or keep the old orgName'
        ),
      ]);
    } else {
      orgSteps.push(
        makeStep(
          tenant.id,
          'org',
          'update',
          orgTarget,
          [{ field: 'name', before: byMarker.org.name, after: tenant.orgName }],
          { type: 'renameOrg', name: tenant.orgName }
        )
      );
    }
  } else if (byName) {
    if (byName.readError || !byName.contents) {
      return result(byName.org.id, [
        conflict(
          byName.readError ?? `org "${byName.org.name}" could not be read`,
          'fix access, or choose another orgName'
        ),
      ]);
    }
    if (byName.markerTenant !== undefined) {
      return result(byName.org.id, [
        conflict(
          `org "${byName.org.name}" belongs to tenant "${byName.markerTenant}"`,
          'use another orgName for this tenant'
        ),
      ]);
    }
    const foreign = foreignObjects(
      byName,
      tenant.id,
      desired.users.map((u) => resolveUser(live.users, u.key)?.id),
      live.self.id
    );
    if (foreign.length > 0) {
      return result(byName.org.id, [
        conflict(
          `org "${byName.org.name}" already exists and was not created by the tenancy app (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
          'choose another orgName, or delete/rename the existing org in Grafana'
        ),
      ]);
    }
    org = byName;
    orgSteps.push(
      makeStep(
        tenant.id,
        'org',
        'update',
        orgTarget,
        [{ field: 'ownership', before: '(none)', after: `tenant ${tenant.id}` }],
        null,
        {
          message:
            'adopting: the org holds only this tenant’s managed objects (left by an interrupted apply); the marker is written by the app-settings step',
        }
      )
    );
  } else {
    orgSteps.push(
      makeStep(tenant.id, 'org', 'create', orgTarget, [{ field: 'name', before: null, after: tenant.orgName }], {
        type: 'createOrg',
        name: tenant.orgName,
      })
    );
  }

  const ctx: StepContext = {
    tenantId: tenant.id,
    self: live.self,
    users: live.users,
    org,
    rotateSecrets: options.rotateSecrets ?? false,
    warnings,
  };
  // Alerting after the folder (rules live in it), before the app settings (the marker goes last).
  const alerting = planAlerting(desiredAlerting(tenant.id, tenant.alerting), ctx);
  const steps = [
    ...orgSteps,
    ...planUsers(desired, ctx),
    ...planTeams(desired, ctx),
    ...planDatasource(desired, ctx),
    ...planFolder(desired, ctx),
    ...alerting.steps,
    ...planApp(desired, ctx, { [ALERTING_MARKER_KEY]: alerting.managed }),
  ];
  return result(org?.org.id, steps);
}

/** Objects in an unmarked org that the tenancy app did not create for this tenant. */
function foreignObjects(
  state: LiveOrg,
  tenantId: string,
  declaredUserIds: Array<number | undefined>,
  selfId: number
): string[] {
  const c = state.contents!;
  const allowedUsers = new Set([selfId, ...declaredUserIds.filter((x): x is number => x !== undefined)]);
  return [
    ...c.users.filter((u) => !allowedUsers.has(u.userId)).map((u) => `user ${u.login}`),
    ...c.teams.filter((t) => t.markerTenant !== tenantId).map((t) => `team ${t.name}`),
    ...c.datasources.filter((d) => jsonDataMarkerTenant(d.jsonData) !== tenantId).map((d) => `data source ${d.name}`),
    ...c.hits
      .filter((h) =>
        h.type === 'dash-folder'
          ? folderMarkerTenant(h.uid) !== tenantId
          : h.folderUid === undefined || folderMarkerTenant(h.folderUid) !== tenantId
      )
      .map((h) => `${h.type === 'dash-folder' ? 'folder' : 'dashboard'} ${h.title}`),
    ...(state.appSettings?.enabled ? ['the app enabled without ownership marker'] : []),
  ];
}

function orphanedTenant(state: LiveOrg, tenantId: string): TenantPlan {
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
