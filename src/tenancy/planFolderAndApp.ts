/**
 * Planning the tenant folder and its permissions, and the app settings in the org (pure): the
 * ownership marker and enabling the app, which makes Grafana import the bundled dashboards.
 */
import type { DesiredTenant } from './desired';
import type { FolderPermissionItem } from './ports';
import {
  makeStep,
  type FieldDiff,
  type FolderPermissionTarget,
  type PlanStep,
  type StepContext,
  type WriteOp,
} from './planTypes';

export function planFolder(d: DesiredTenant, ctx: StepContext): PlanStep[] {
  const hits = ctx.org?.contents?.hits ?? [];
  const live = hits.find((h) => h.uid === d.folder.uid && h.type === 'dash-folder');
  const target = `folder "${d.folder.title}"`;
  const steps: PlanStep[] = [];
  if (!live) {
    steps.push(
      makeStep(ctx.tenantId, 'folder', 'create', target, [{ field: 'title', before: null, after: d.folder.title }], {
        type: 'createFolder',
        uid: d.folder.uid,
        title: d.folder.title,
      })
    );
  } else if (live.title !== d.folder.title) {
    steps.push(
      makeStep(
        ctx.tenantId,
        'folder',
        'update',
        target,
        [{ field: 'title', before: live.title, after: d.folder.title }],
        { type: 'updateFolderTitle', uid: d.folder.uid, title: d.folder.title }
      )
    );
  } else {
    steps.push(makeStep(ctx.tenantId, 'folder', 'unchanged', target, [], null));
  }

  const teamIds = new Map((ctx.org?.contents?.teams ?? []).map((t) => [t.name.toLowerCase(), t.id]));
  const items: FolderPermissionTarget[] = [
    ...d.folderRoles,
    ...d.teams.map((t) => ({
      team: { name: t.name, id: teamIds.get(t.name.toLowerCase()) },
      permission: t.folderPermission,
    })),
  ];
  const wanted = new Map(
    items.map((i) => ('role' in i ? [`role ${i.role}`, i.permission] : [`team ${i.team.name}`, i.permission]))
  );
  const liveItems = new Map(
    describeAcl(ctx.org?.contents?.folderPermissions ?? [], ctx).map((x) => [x.key, x.permission])
  );
  const diff: FieldDiff[] = [];
  for (const key of new Set([...wanted.keys(), ...liveItems.keys()])) {
    if (wanted.get(key) !== liveItems.get(key)) {
      diff.push({ field: key, before: permissionName(liveItems.get(key)), after: permissionName(wanted.get(key)) });
    }
  }
  const pt = `folder "${d.folder.title}" permissions`;
  const op: WriteOp = { type: 'setFolderPermissions', uid: d.folder.uid, items };
  steps.push(
    diff.length === 0
      ? makeStep(ctx.tenantId, 'folder-permissions', 'unchanged', pt, [], null)
      : makeStep(ctx.tenantId, 'folder-permissions', live ? 'update' : 'create', pt, diff, op)
  );
  return steps;
}

/** ACL entries as comparable keys; the Admin role always has full access and is not managed. */
function describeAcl(items: FolderPermissionItem[], ctx: StepContext): Array<{ key: string; permission: number }> {
  const teams = ctx.org?.contents?.teams ?? [];
  return items
    .filter((i) => !i.inherited && i.role !== 'Admin')
    .map((i) => {
      if (i.role) {
        return { key: `role ${i.role}`, permission: i.permission };
      }
      if (i.teamId !== undefined && i.teamId > 0) {
        return {
          key: `team ${teams.find((t) => t.id === i.teamId)?.name ?? `#${i.teamId}`}`,
          permission: i.permission,
        };
      }
      const user = ctx.users.find((u) => u.id === i.userId);
      return { key: `user ${user?.login ?? `#${i.userId}`}`, permission: i.permission };
    });
}

function permissionName(p: number | undefined): string | null {
  return p === undefined ? null : (({ 1: 'View', 2: 'Edit', 4: 'Admin' } as Record<number, string>)[p] ?? String(p));
}

/**
 * `flags`: boolean markers other planners keep in the app settings (e.g. `alertingManaged`);
 * a missing key reads as false and a false flag is written only to clear a true one.
 */
export function planApp(
  d: Pick<DesiredTenant, 'app'>,
  ctx: StepContext,
  flags: Record<string, boolean> = {}
): PlanStep[] {
  const settings = ctx.org?.appSettings;
  const marked = ctx.org?.markerTenant === ctx.tenantId;
  const liveEnabled = settings?.enabled ?? false;
  const flagDiff: FieldDiff[] = [];
  const flagValues: Record<string, boolean> = {};
  for (const [key, wanted] of Object.entries(flags)) {
    const liveValue = settings?.jsonData?.[key] === true;
    if (liveValue !== wanted) {
      flagDiff.push({ field: `jsonData.${key}`, before: String(liveValue), after: String(wanted) });
    }
    if (wanted || settings?.jsonData?.[key] !== undefined) {
      flagValues[key] = wanted;
    }
  }
  const body = {
    enabled: d.app.enabled,
    pinned: d.app.pinned,
    jsonData: { ...(settings?.jsonData ?? {}), ...d.app.marker, ...flagValues },
  };
  const diff: FieldDiff[] = [...flagDiff];
  if (!marked) {
    diff.push({ field: 'jsonData.tenantId (ownership marker)', before: null, after: ctx.tenantId });
  }
  if (liveEnabled !== d.app.enabled) {
    diff.push({ field: 'enabled', before: String(liveEnabled), after: String(d.app.enabled) });
  }
  const target = 'app settings';
  const steps: PlanStep[] = [];
  if (diff.length === 0) {
    steps.push(makeStep(ctx.tenantId, 'app-enable', 'unchanged', target, [], null));
  } else if (liveEnabled && !d.app.enabled) {
    steps.push(
      makeStep(
        ctx.tenantId,
        'app-enable',
        'orphaned',
        target,
        diff,
        { type: 'writeAppSettings', body },
        {
          requiresPrune: true,
          message: 'disabling the app makes Grafana delete its bundled dashboards in this org',
        }
      )
    );
  } else {
    const enabling = d.app.enabled && !liveEnabled;
    steps.push(
      makeStep(ctx.tenantId, 'app-enable', settings?.jsonData || liveEnabled ? 'update' : 'create', target, diff, {
        type: 'writeAppSettings',
        body,
        // Grafana imports them in an event handler after answering (CONTRACT §9): apply waits.
        ...(enabling ? { awaitDashboardUids: ctx.bundledDashboards.map((b) => b.uid) } : {}),
      })
    );
  }
  const hits = ctx.org?.contents?.hits ?? [];
  const dashboards = hits.filter((h) => h.type === 'dash-db').length;
  if (d.app.enabled && !liveEnabled) {
    steps.push(
      makeStep(ctx.tenantId, 'dashboard', 'create', 'bundled dashboards', [], null, {
        message:
          'enabling the app makes Grafana import the bundled dashboards; those already imported into the tenant folder stay there',
      })
    );
  } else if (d.app.enabled) {
    // Enabling again does not re-import (no state change, no event): a bundled dashboard deleted
    // or moved while the app stayed enabled is drift, imported again into the tenant folder by
    // the dashboard steps (planDashboards.ts), which run before this one.
    const missing = ctx.bundledDashboards.filter((b) => !hits.some((h) => h.type === 'dash-db' && h.uid === b.uid));
    steps.push(
      makeStep(ctx.tenantId, 'dashboard', 'unchanged', 'bundled dashboards', [], null, {
        message:
          missing.length === 0
            ? `${dashboards} dashboard(s) in the org`
            : `${missing.length} bundled dashboard(s) missing: re-imported into the tenant folder by the steps above`,
      })
    );
  }
  return steps;
}
