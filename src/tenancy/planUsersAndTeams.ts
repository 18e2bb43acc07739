/**
 * Planning who is in a tenant org (pure): org users and their roles, teams, team members.
 * Spec users are resolved to existing Grafana users by login or email; none are created.
 */
import type { DesiredTenant } from './desired';
import type { UserRef } from './ports';
import { makeStep, type PlanStep, type StepContext, type WriteOp } from './planTypes';

/** A spec user key matches a login first, then an email (case-insensitive). */
export function resolveUser(users: UserRef[], key: string): UserRef | undefined {
  const k = key.toLowerCase();
  return users.find((u) => u.login.toLowerCase() === k) ?? users.find((u) => u.email.toLowerCase() === k);
}

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
    } else if (member.role !== u.role && member.externallySynced) {
      // Grafana refuses this change (403 org.externallySynced, updateOrgUserHelper in
      // pkg/api/org_users.go); proposing it would fail every apply. The IdP mapping decides.
      const idp = member.authLabels?.length ? member.authLabels.join(', ') : 'your identity provider';
      const message = `role managed by your identity provider (${idp}): Grafana keeps ${member.role}, the spec asks for ${u.role}. Change the group → role mapping instead: the org_mapping the Tenants page generates from this tenant's \`sso\` entries (or your IdP's role claim)`;
      ctx.warnings.push(`"${u.key}": ${message}`);
      steps.push(makeStep(ctx.tenantId, 'org-user', 'unchanged', target, [], null, { message }));
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
