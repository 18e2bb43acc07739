/**
 * Which org is a tenant's org (pure): the ownership registry decides, markers only cross-check.
 *
 * - Registered org: used; its marker must name the same tenant (a missing marker is drift the
 *   app-settings step repairs). A marker naming another tenant, or a second org whose marker claims
 *   this tenant, is a conflict: someone with Admin in a tenant org rewrote it (registry.ts says why
 *   that is possible), and adopting it could hand one tenant's data source to another.
 * - Not registered, one org's marker claims the tenant: a conflict, unless the admin explicitly asked
 *   to adopt markers (`adoptMarkers`, CLI `--adopt-markers`) — the migration path for installs
 *   provisioned before the registry — and the org carries the spec's orgName.
 * - Not registered and unclaimed: found by name as before (created, or adopted when it holds only
 *   what an interrupted apply leaves), then registered right after the org step, so a run cut short
 *   is found again by the next one.
 */
import { folderMarkerTenant, jsonDataMarkerTenant } from './naming';
import type { LiveOrg, LiveState } from './observe';
import { makeStep, type PlanStep } from './planTypes';
import { resolveUser } from './planUsersAndTeams';
import { registeredOrgsOf, registeredTenantOf } from './registry';
import type { TenantSpecEntry } from './spec';

export interface OwnershipOptions {
  /** Record orgs found only by their marker in the registry (migration; never implied). */
  adoptMarkers?: boolean;
}

/** Shared orgs (planSharedOrg.ts) exist to hold everyone's users and dashboards: found by name, they are adopted populated. */
export interface OrgKindOptions {
  adoptPopulated?: boolean;
}

export interface TenantOrg {
  /** The live org to plan into; undefined when it is created. */
  org?: LiveOrg;
  /** Org and registry steps; a conflict step here blocks the tenant and nothing else is planned. */
  steps: PlanStep[];
  conflict: boolean;
}

const REGISTRY_TARGET = 'ownership registry';

export function planTenantOrg(
  tenant: Pick<TenantSpecEntry, 'id' | 'orgName'>,
  declaredUsers: string[],
  live: LiveState,
  options: OwnershipOptions & OrgKindOptions
): TenantOrg {
  const t = tenant.id;
  const registry = live.registry;
  const orgTarget = `org "${tenant.orgName}"`;
  const stop = (message: string, fix: string, kind: 'org' | 'org-registry' = 'org'): TenantOrg => ({
    steps: [makeStep(t, kind, 'conflict', kind === 'org' ? orgTarget : REGISTRY_TARGET, [], null, { message, fix })],
    conflict: true,
  });
  const where = `the registry (app settings of org ${registry.orgId})`;
  const name = (s: LiveOrg) => `org "${s.org.name}" (id ${s.org.id})`;
  if (registry.error) {
    return stop(
      registry.error,
      `restore jsonData.registry in the Tenancy app settings of org ${registry.orgId} (the audit log beside it lists every org apply registered), or remove the key and plan with adoptMarkers`,
      'org-registry'
    );
  }
  const stateOf = (orgId: number) => live.orgStates.find((s) => s.org.id === orgId);
  const registered = registeredOrgsOf(registry, t)
    .map(stateOf)
    .filter((s): s is LiveOrg => s !== undefined);
  const claimants = live.orgStates.filter((s) => s.markerTenant === t);
  const staleSteps = registeredOrgsOf(registry, t)
    .filter((id) => !stateOf(id))
    .map((id) => unregisterStep(t, id, 'the org no longer exists'));

  if (registered.length > 1) {
    return stop(
      `${where} lists ${registered.map(name).join(' and ')} for tenant "${t}"`,
      `keep one: remove the wrong org's entry from jsonData.registry in org ${registry.orgId}, then plan again`,
      'org-registry'
    );
  }
  if (registered.length === 1) {
    const org = registered[0];
    if (org.org.id === registry.orgId) {
      return stop(
        `${name(org)} is the provisioning org that holds the registry; a tenant org Admin could rewrite it`,
        'provision from an org no tenant user has a role in, or give this tenant another org'
      );
    }
    if (org.markerTenant !== undefined && org.markerTenant !== t) {
      return stop(
        `forged ownership: the marker in ${name(org)} names tenant "${org.markerTenant}", but ${where} gives that org to tenant "${t}"`,
        `an Admin of that org rewrote its Tenancy app settings: review the org's admins, then set jsonData.tenantId back to "${t}" there (or, if the org really belongs to "${org.markerTenant}", correct the registry entry in org ${registry.orgId}); nothing is written until they agree`
      );
    }
    const others = claimants.filter((s) => s !== org);
    if (others.length > 0) {
      return stop(
        `forged ownership: ${others.map(name).join(', ')} also claim${others.length === 1 ? 's' : ''} tenant "${t}" by marker, but ${where} gives it to ${name(org)}`,
        `remove jsonData.tenantId from the Tenancy app settings of ${others.map(name).join(', ')} (an Admin of that org wrote it), or delete that org`
      );
    }
    const steps = [...staleSteps, ...orgSteps(tenant, org, live)];
    return { org, steps, conflict: steps.some((s) => s.action === 'conflict') };
  }

  if (claimants.length > 1) {
    return stop(
      `forged ownership: ${claimants.map(name).join(' and ')} all claim tenant "${t}" by marker and ${where} lists none of them`,
      `find the real org of "${t}", remove the marker from the others' Tenancy app settings, then plan again (with adoptMarkers if the real one is not registered yet)`
    );
  }
  if (claimants.length === 1) {
    const org = claimants[0];
    const owner = registeredTenantOf(registry, org.org.id);
    if (owner !== undefined) {
      return stop(
        `forged ownership: the marker in ${name(org)} claims tenant "${t}", but ${where} gives that org to tenant "${owner}"`,
        `an Admin of that org rewrote its marker: set jsonData.tenantId back to "${owner}" there; tenant "${t}" then gets its own org`
      );
    }
    if (!options.adoptMarkers) {
      return stop(
        `${name(org)} carries an ownership marker for tenant "${t}", but ${where} does not list it`,
        registry.present
          ? `a marker alone is not proof (org Admins can write it). If ${name(org)} really is "${t}"'s org, plan with adoptMarkers (Tenants page: "Adopt ownership markers"; CLI --adopt-markers) to record it; otherwise remove the marker from that org's Tenancy app settings`
          : `this Grafana was provisioned before the registry existed (markers only). Review ${name(org)}, then plan once with adoptMarkers (Tenants page: "Adopt ownership markers"; CLI --adopt-markers): apply records every such org in the registry, later plans trust only the registry`
      );
    }
    if (org.org.name.toLowerCase() !== tenant.orgName.toLowerCase() || org.org.id === registry.orgId) {
      return stop(
        `${name(org)} carries a marker for tenant "${t}", but its name is not the spec's orgName "${tenant.orgName}"`,
        'adoptMarkers only adopts an org whose name matches orgName: rename the org in Grafana (Server Admin) or correct orgName, then plan again'
      );
    }
    if (org.readError || !org.contents) {
      return stop(org.readError ?? `${name(org)} could not be read`, 'fix access and plan again');
    }
    return {
      org,
      steps: [
        ...staleSteps,
        makeStep(t, 'org', 'unchanged', orgTarget, [], null),
        registerStep(
          t,
          org.org.id,
          'adopting the existing marker (adoptMarkers): the registry becomes the owner record'
        ),
      ],
      conflict: false,
    };
  }

  const byName = live.orgStates.find((s) => s.org.name.toLowerCase() === tenant.orgName.toLowerCase());
  if (!byName) {
    return {
      steps: [
        ...staleSteps,
        makeStep(t, 'org', 'create', orgTarget, [{ field: 'name', before: null, after: tenant.orgName }], {
          type: 'createOrg',
          name: tenant.orgName,
        }),
        registerStep(t, undefined),
      ],
      conflict: false,
    };
  }
  const owner = registeredTenantOf(registry, byName.org.id);
  if (owner !== undefined || byName.org.id === registry.orgId) {
    return stop(
      owner !== undefined
        ? `org "${byName.org.name}" belongs to tenant "${owner}" (registry)`
        : `org "${byName.org.name}" is the provisioning org that holds the registry`,
      'use another orgName for this tenant'
    );
  }
  if (byName.readError || !byName.contents) {
    return stop(
      byName.readError ?? `org "${byName.org.name}" could not be read`,
      'fix access, or choose another orgName'
    );
  }
  if (byName.markerTenant !== undefined) {
    return stop(
      `org "${byName.org.name}" belongs to tenant "${byName.markerTenant}"`,
      'use another orgName for this tenant'
    );
  }
  const foreign = options.adoptPopulated
    ? []
    : foreignObjects(
        byName,
        t,
        declaredUsers.map((key) => resolveUser(live.users, key)?.id),
        live.self.id
      );
  if (foreign.length > 0) {
    return stop(
      `org "${byName.org.name}" already exists and was not created by the tenancy app (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
      'choose another orgName, or delete/rename the existing org in Grafana'
    );
  }
  return {
    org: byName,
    steps: [
      ...staleSteps,
      makeStep(t, 'org', 'update', orgTarget, [{ field: 'ownership', before: '(none)', after: `tenant ${t}` }], null, {
        message:
          'adopting: the org holds only this tenant’s managed objects (left by an interrupted apply); the registry entry is written next, the marker by the app-settings step',
      }),
      registerStep(t, byName.org.id),
    ],
    conflict: false,
  };
}

/** A registered org: unchanged, or renamed to the spec's orgName when that name is free. */
function orgSteps(tenant: Pick<TenantSpecEntry, 'id' | 'orgName'>, org: LiveOrg, live: LiveState): PlanStep[] {
  const t = tenant.id;
  const orgTarget = `org "${tenant.orgName}"`;
  if (org.readError || !org.contents) {
    return [
      makeStep(t, 'org', 'conflict', orgTarget, [], null, {
        message: org.readError ?? `org "${org.org.name}" could not be read`,
        fix: 'fix access and plan again',
      }),
    ];
  }
  const registryStep = makeStep(t, 'org-registry', 'unchanged', REGISTRY_TARGET, [], null);
  if (org.org.name === tenant.orgName) {
    return [makeStep(t, 'org', 'unchanged', orgTarget, [], null), registryStep];
  }
  const byName = live.orgStates.find((s) => s.org.name.toLowerCase() === tenant.orgName.toLowerCase());
  if (byName && byName !== org) {
    return [
      makeStep(t, 'org', 'conflict', orgTarget, [], null, {
        message: `cannot rename org "${org.org.name}" to "${tenant.orgName}": another org already has that name`,
        fix: 'rename or delete the other org, or keep the old orgName',
      }),
    ];
  }
  return [
    makeStep(t, 'org', 'update', orgTarget, [{ field: 'name', before: org.org.name, after: tenant.orgName }], {
      type: 'renameOrg',
      name: tenant.orgName,
    }),
    registryStep,
  ];
}

function registerStep(tenantId: string, orgId: number | undefined, message?: string): PlanStep {
  return makeStep(
    tenantId,
    'org-registry',
    'create',
    REGISTRY_TARGET,
    [{ field: `org ${orgId ?? '(new)'}`, before: null, after: `tenant ${tenantId}` }],
    { type: 'registerOrg' },
    message ? { message } : {}
  );
}

export function unregisterStep(tenantId: string, orgId: number, why: string, requiresPrune = false): PlanStep {
  return makeStep(
    tenantId,
    'org-registry',
    requiresPrune ? 'orphaned' : 'update',
    `${REGISTRY_TARGET} entry of org ${orgId}`,
    [{ field: `org ${orgId}`, before: `tenant ${tenantId}`, after: null }],
    { type: 'unregisterOrg', orgId },
    { message: why, ...(requiresPrune ? { requiresPrune } : {}) }
  );
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
