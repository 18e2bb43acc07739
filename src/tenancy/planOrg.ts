/**
 * Planning the organization itself (pure): found by its ownership marker, else by name; renamed,
 * adopted or created. Shared by tenant orgs (plan.ts) and shared orgs (planSharedOrg.ts).
 *
 * An unmarked org with the wanted name is adopted only when it holds nothing foreign: for a tenant,
 * nothing but this tenant's marked objects and spec users (what an interrupted apply leaves: the org
 * marker is written last); for a shared org, which exists to hold everyone's dashboards and users,
 * the org-wide objects it would manage are checked one by one instead (planSharedOrg.ts).
 */
import { folderMarkerTenant, jsonDataMarkerTenant } from './naming';
import type { LiveOrg, LiveState } from './observe';
import { makeStep, type PlanStep } from './planTypes';

export interface OrgPlanInput {
  /** Tenant id or shared org id: the marker the org carries. */
  id: string;
  orgName: string;
  live: LiveState;
  /** Users a tenant org may hold when adopted (spec users); ignored when `adoptPopulated`. */
  allowedUserIds: Array<number | undefined>;
  /** Shared orgs: an existing unmarked org is adopted with its users, teams and dashboards. */
  adoptPopulated: boolean;
}

export type OrgPlan =
  { blocked: false; org?: LiveOrg; steps: PlanStep[] } | { blocked: true; orgId?: number; steps: PlanStep[] };

export function planOrg({ id, orgName, live, allowedUserIds, adoptPopulated }: OrgPlanInput): OrgPlan {
  const byMarker = live.orgStates.find((s) => s.markerTenant === id);
  const byName = live.orgStates.find((s) => s.org.name.toLowerCase() === orgName.toLowerCase());
  const target = `org "${orgName}"`;
  const blocked = (orgId: number | undefined, message: string, fix: string): OrgPlan => ({
    blocked: true,
    orgId,
    steps: [makeStep(id, 'org', 'conflict', target, [], null, { message, fix })],
  });

  if (byMarker) {
    if (byMarker.readError || !byMarker.contents) {
      return blocked(
        byMarker.org.id,
        byMarker.readError ?? `org "${byMarker.org.name}" could not be read`,
        'fix access and plan again'
      );
    }
    if (byMarker.org.name === orgName) {
      return { blocked: false, org: byMarker, steps: [makeStep(id, 'org', 'unchanged', target, [], null)] };
    }
    if (byName && byName !== byMarker) {
      return blocked(
        byMarker.org.id,
        `cannot rename org "${byMarker.org.name}" to "${orgName}": another org already has that name`,
        'rename or delete the other org, or keep the old orgName'
      );
    }
    return {
      blocked: false,
      org: byMarker,
      steps: [
        makeStep(id, 'org', 'update', target, [{ field: 'name', before: byMarker.org.name, after: orgName }], {
          type: 'renameOrg',
          name: orgName,
        }),
      ],
    };
  }
  if (byName) {
    if (byName.readError || !byName.contents) {
      return blocked(
        byName.org.id,
        byName.readError ?? `org "${byName.org.name}" could not be read`,
        'fix access, or choose another orgName'
      );
    }
    if (byName.markerTenant !== undefined) {
      return blocked(
        byName.org.id,
        `org "${byName.org.name}" belongs to "${byName.markerTenant}"`,
        'use another orgName for this entry'
      );
    }
    const foreign = adoptPopulated ? [] : foreignObjects(byName, id, allowedUserIds, live.self.id);
    if (foreign.length > 0) {
      return blocked(
        byName.org.id,
        `org "${byName.org.name}" already exists and was not created by the tenancy app (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
        'choose another orgName, or delete/rename the existing org in Grafana'
      );
    }
    return {
      blocked: false,
      org: byName,
      steps: [
        makeStep(
          id,
          'org',
          'update',
          target,
          [{ field: 'ownership', before: '(none)', after: adoptPopulated ? `shared org ${id}` : `tenant ${id}` }],
          null,
          {
            message: adoptPopulated
              ? 'adopting the existing org as a shared org: its users, dashboards and other teams stay as they are; the marker is written by the app-settings step'
              : 'adopting: the org holds only this tenant’s managed objects (left by an interrupted apply); the marker is written by the app-settings step',
          }
        ),
      ],
    };
  }
  return {
    blocked: false,
    steps: [
      makeStep(id, 'org', 'create', target, [{ field: 'name', before: null, after: orgName }], {
        type: 'createOrg',
        name: orgName,
      }),
    ],
  };
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
