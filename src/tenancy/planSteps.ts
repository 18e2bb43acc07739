/**
 * Per-object planning inside one tenant org (pure): users, teams and members, the data source,
 * the folder and its permissions, the app settings (ownership marker + bundled dashboards).
 */
import type { DesiredTenant } from './desired';
import { jsonDataMarkerTenant } from './naming';
import type { LiveOrg } from './observe';
import type { FolderPermissionItem, UserRef } from './ports';
import type { FieldDiff, FolderPermissionTarget, PlanStep, StepAction, StepKind, WriteOp } from './planTypes';

export interface StepContext {
  tenantId: string;
  self: UserRef;
  users: UserRef[];
  /** Undefined when the org does not exist yet (everything is created). */
  org?: LiveOrg;
  rotateSecrets: boolean;
  warnings: string[];
}

export function makeStep(
  tenantId: string,
  kind: StepKind,
  action: StepAction,
  target: string,
  diff: FieldDiff[],
  op: WriteOp | null,
  extra: Partial<Pick<PlanStep, 'message' | 'fix' | 'requiresPrune'>> = {}
): PlanStep {
  return { id: `${tenantId}/${kind}/${target}`, tenantId, kind, action, target, diff, op, ...extra };
}

export function resolveUser(users: UserRef[], key: string): UserRef | undefined {
  const k = key.toLowerCase();
  return users.find((u) => u.login.toLowerCase() === k) ?? users.find((u) => u.email.toLowerCase() === k);
}

const show = (v: unknown): string =>
  v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

export function planUsers(d: DesiredTenant, ctx: StepContext): PlanStep[] {
  const steps: PlanStep[] = [];
  const live = ctx.org?.contents?.users ?? [];
  for (const u of d.users) {
    const target = `user "${u.key}"`;
    const user = resolveUser(ctx.users, u.key);
    if (!user) {
      steps.push(
        makeStep(ctx.tenantId, 'org-user', 'conflict', target, [], null, {
          message: `no Grafana user has the login or email "${u.key}"`,
          fix: 'create the user first (Administration → Users → New user, or SSO login) or correct the login/email in the spec',
        })
      );
      continue;
    }
    if (user.id === ctx.self.id) {
      if (u.role !== 'Admin') {
        ctx.warnings.push(
          `"${u.key}" is the provisioning user: it stays Admin of the org (role ${u.role} ignored) so later applies can still write`
        );
      }
      continue;
    }
    if (u.role === 'Admin') {
      // Org Admins may edit data sources (CONTRACT §7: datasources:write), i.e. the tenant header/URL.
      ctx.warnings.push(
        `"${u.key}" is org Admin: it can edit the tenant data source (URL, tenant header) — unless the proxy authenticates Grafana per tenant (basicAuth), that can reach other tenants' data`
      );
    }
    const member = live.find((m) => m.userId === user.id);
    if (!member) {
      steps.push(
        makeStep(ctx.tenantId, 'org-user', 'create', target, [{ field: 'role', before: null, after: u.role }], {
          type: 'addOrgUser',
          loginOrEmail: user.login,
          userId: user.id,
          role: u.role,
        })
      );
    } else if (member.role !== u.role) {
      steps.push(
        makeStep(ctx.tenantId, 'org-user', 'update', target, [{ field: 'role', before: member.role, after: u.role }], {
          type: 'updateOrgUserRole',
          userId: user.id,
          role: u.role,
        })
      );
    } else {
      steps.push(makeStep(ctx.tenantId, 'org-user', 'unchanged', target, [], null));
    }
  }
  return steps;
}

export function planTeams(d: DesiredTenant, ctx: StepContext): PlanStep[] {
  const steps: PlanStep[] = [];
  const liveTeams = ctx.org?.contents?.teams ?? [];
  for (const team of d.teams) {
    const target = `team "${team.name}"`;
    const live = liveTeams.find((t) => t.name.toLowerCase() === team.name.toLowerCase());
    const members = team.members.flatMap((m) => {
      const user = resolveUser(ctx.users, m.key);
      return user ? [{ user, key: m.key, permission: m.permission }] : [];
    });
    const selfDeclared = members.some((m) => m.user.id === ctx.self.id);
    if (live && live.markerTenant !== ctx.tenantId) {
      steps.push(
        makeStep(ctx.tenantId, 'team', 'conflict', target, [], null, {
          message: live.markerTenant
            ? `team "${live.name}" in this org belongs to tenant "${live.markerTenant}"`
            : `team "${live.name}" already exists in this org and was not created by the tenancy app`,
          fix: `rename or delete the existing team in Grafana, or rename the team in the spec`,
        })
      );
      continue;
    }
    const ref = { name: team.name, id: live?.id };
    if (!live) {
      // Grafana adds the creating user as team Admin (CONTRACT §5.3); apply removes that
      // membership right after creating unless the spec lists the provisioning user.
      steps.push(
        makeStep(ctx.tenantId, 'team', 'create', target, [{ field: 'name', before: null, after: team.name }], {
          type: 'createTeam',
          name: team.name,
          email: team.email,
          removeCreatorUserId: selfDeclared ? undefined : ctx.self.id,
        })
      );
    } else {
      steps.push(makeStep(ctx.tenantId, 'team', 'unchanged', target, [], null));
    }
    const liveMembers = live?.members ?? [];
    for (const m of members) {
      const mt = `team "${team.name}" member "${m.key}"`;
      const lm = liveMembers.find((x) => x.userId === m.user.id);
      const role = (p: number) => (p === 4 ? 'Admin' : 'Member');
      if (!lm) {
        steps.push(
          makeStep(
            ctx.tenantId,
            'team-member',
            'create',
            mt,
            [{ field: 'role', before: null, after: role(m.permission) }],
            { type: 'addTeamMember', team: ref, userId: m.user.id, permission: m.permission }
          )
        );
      } else if (lm.permission !== m.permission) {
        steps.push(
          makeStep(
            ctx.tenantId,
            'team-member',
            'update',
            mt,
            [{ field: 'role', before: role(lm.permission), after: role(m.permission) }],
            { type: 'setTeamMemberPermission', team: ref, userId: m.user.id, permission: m.permission }
          )
        );
      } else {
        steps.push(makeStep(ctx.tenantId, 'team-member', 'unchanged', mt, [], null));
      }
    }
    for (const lm of liveMembers) {
      if (members.some((m) => m.user.id === lm.userId)) {
        continue;
      }
      const mt = `team "${team.name}" member "${lm.login}"`;
      const op: WriteOp = { type: 'removeTeamMember', team: ref, userId: lm.userId };
      const diff = [{ field: 'member', before: lm.login, after: null }];
      if (lm.userId === ctx.self.id) {
        steps.push(
          makeStep(ctx.tenantId, 'team-member', 'update', mt, diff, op, {
            message: 'membership Grafana added for the team creator; not in the spec',
          })
        );
      } else {
        steps.push(
          makeStep(ctx.tenantId, 'team-member', 'orphaned', mt, diff, op, {
            requiresPrune: true,
            message: 'member not in the spec',
          })
        );
      }
    }
  }
  for (const live of liveTeams) {
    if (live.markerTenant === ctx.tenantId && !d.teams.some((t) => t.name.toLowerCase() === live.name.toLowerCase())) {
      steps.push(
        makeStep(
          ctx.tenantId,
          'team',
          'orphaned',
          `team "${live.name}"`,
          [{ field: 'name', before: live.name, after: null }],
          { type: 'deleteTeam', team: { name: live.name, id: live.id } },
          {
            requiresPrune: true,
            message: 'managed team no longer in the spec',
          }
        )
      );
    }
  }
  return steps;
}

export function planDatasource(d: DesiredTenant, ctx: StepContext): PlanStep[] {
  const want = d.datasource;
  const target = `data source "${want.body.name}"`;
  const list = ctx.org?.contents?.datasources ?? [];
  const byUid = list.find((x) => x.uid === want.body.uid);
  const byName = list.find((x) => x.name === want.body.name && x.uid !== want.body.uid);
  const steps: PlanStep[] = [];
  const conflict = (message: string, fix: string) =>
    makeStep(ctx.tenantId, 'datasource', 'conflict', target, [], null, { message, fix });

  if (byUid && jsonDataMarkerTenant(byUid.jsonData) !== ctx.tenantId) {
    return [
      conflict(
        `a data source with uid "${byUid.uid}" exists and is not managed for tenant "${ctx.tenantId}"`,
        'delete or re-uid that data source in Grafana; the tenancy app never changes objects without its marker'
      ),
    ];
  }
  if (byName) {
    return [
      conflict(
        `a data source named "${byName.name}" (uid ${byName.uid}) already exists in this org`,
        'rename it in Grafana, or set `datasource.name` in the spec to another name'
      ),
    ];
  }
  if (byUid?.readOnly) {
    return [
      conflict(
        `data source "${byUid.name}" is provisioned (read-only)`,
        'remove it from Grafana provisioning files; the tenancy app manages it'
      ),
    ];
  }
  for (const other of list) {
    if (other.uid !== want.body.uid && jsonDataMarkerTenant(other.jsonData) === ctx.tenantId) {
      steps.push(
        makeStep(
          ctx.tenantId,
          'datasource',
          'orphaned',
          `data source "${other.name}"`,
          [{ field: 'uid', before: other.uid, after: null }],
          { type: 'deleteDataSource', uid: other.uid },
          { requiresPrune: true }
        )
      );
    } else if (other.uid !== want.body.uid && other.isDefault) {
      ctx.warnings.push(
        `data source "${other.name}" is the org default; Grafana makes it non-default when the tenant data source becomes default`
      );
    }
  }

  const detail = ctx.org?.contents?.managedDatasource ?? byUid;
  const stored = detail?.secureJsonFields ?? {};
  const missingKept = want.secretsKeptAsStored.filter((k) => !stored[k]);
  if (missingKept.length > 0) {
    return [
      ...steps,
      conflict(
        `secret(s) ${missingKept.join(', ')} are not stored on the data source and the spec carries no value`,
        'set `datasource.basicAuth.password` (or `passwordEnv` for the CLI) and plan again'
      ),
    ];
  }
  const secureJsonData = Object.keys(want.secrets).length > 0 ? want.secrets : undefined;
  if (!byUid) {
    const diff = datasourceFields(undefined, want.body).concat(
      Object.keys(want.secrets).map((k) => ({ field: `secureJsonData.${k}`, before: null, after: '(set)' }))
    );
    return [
      ...steps,
      makeStep(ctx.tenantId, 'datasource', 'create', target, diff, {
        type: 'createDataSource',
        body: { ...want.body, secureJsonData },
      }),
    ];
  }
  const diff = datasourceFields(detail, want.body);
  for (const key of Object.keys(want.secrets)) {
    if (!stored[key]) {
      diff.push({ field: `secureJsonData.${key}`, before: '(not set)', after: '(set)' });
    } else if (ctx.rotateSecrets) {
      diff.push({ field: `secureJsonData.${key}`, before: '(set)', after: '(re-sent)' });
    }
  }
  if (diff.length === 0) {
    return [...steps, makeStep(ctx.tenantId, 'datasource', 'unchanged', target, [], null)];
  }
  return [
    ...steps,
    makeStep(
      ctx.tenantId,
      'datasource',
      'update',
      target,
      diff,
      { type: 'updateDataSource', body: { ...want.body, secureJsonData } },
      { message: 'repairs drift: the data source differs from the spec' }
    ),
  ];
}

function datasourceFields(live: Record<string, any> | undefined, want: Record<string, any>): FieldDiff[] {
  const diff: FieldDiff[] = [];
  for (const field of ['name', 'type', 'url', 'access', 'isDefault', 'basicAuth', 'basicAuthUser']) {
    if (live?.[field] !== want[field] && !(field === 'basicAuthUser' && !live?.[field] && !want[field])) {
      diff.push({ field, before: live ? show(live[field]) : null, after: show(want[field]) });
    }
  }
  const liveJson: Record<string, unknown> = live?.jsonData ?? {};
  const keys = new Set([...Object.keys(liveJson), ...Object.keys(want.jsonData)]);
  for (const key of [...keys].sort()) {
    if (JSON.stringify(liveJson[key]) !== JSON.stringify(want.jsonData[key])) {
      diff.push({
        field: `jsonData.${key}`,
        before: live && key in liveJson ? show(liveJson[key]) : null,
        after: key in want.jsonData ? show(want.jsonData[key]) : null,
      });
    }
  }
  return diff;
}

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

export function planApp(d: DesiredTenant, ctx: StepContext): PlanStep[] {
  const settings = ctx.org?.appSettings;
  const marked = ctx.org?.markerTenant === ctx.tenantId;
  const liveEnabled = settings?.enabled ?? false;
  const body = {
    enabled: d.app.enabled,
    pinned: d.app.pinned,
    jsonData: { ...(settings?.jsonData ?? {}), ...d.app.marker },
  };
  const diff: FieldDiff[] = [];
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
    steps.push(
      makeStep(ctx.tenantId, 'app-enable', settings?.jsonData || liveEnabled ? 'update' : 'create', target, diff, {
        type: 'writeAppSettings',
        body,
      })
    );
  }
  const dashboards = (ctx.org?.contents?.hits ?? []).filter((h) => h.type === 'dash-db').length;
  if (d.app.enabled && !liveEnabled) {
    steps.push(
      makeStep(ctx.tenantId, 'dashboard', 'create', 'bundled dashboards', [], null, {
        message: 'Grafana imports the bundled dashboards when the app is enabled in the org',
      })
    );
  } else if (d.app.enabled) {
    steps.push(
      makeStep(ctx.tenantId, 'dashboard', 'unchanged', 'bundled dashboards', [], null, {
        message: `${dashboards} dashboard(s) in the org`,
      })
    );
  }
  return steps;
}
