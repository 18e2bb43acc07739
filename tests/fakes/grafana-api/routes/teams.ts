/** `/api/teams*` in the current org (CONTRACT §5.3). */
import { requireOrgRole } from '../auth';
import { byName, fail, numericParam, objectBody, ok, page1 } from '../http';
import { TeamRow } from '../state';
import type { Route, RouteContext } from './types';

export function teamDto(t: TeamRow) {
  return {
    id: t.id,
    uid: t.uid,
    orgId: t.orgId,
    name: t.name,
    email: t.email,
    avatarUrl: '/avatar/' + t.uid,
    memberCount: t.members.size,
    permission: 0,
    isProvisioned: false,
    externalUID: '',
  };
}

/**
 * Teams are looked up by (current org, id): another org's team is a 404 (CONTRACT §12 "invisible").
 * `:teamId` may also be the team's uid: `MiddlewareTeamUIDResolver` (pkg/services/team/team.go,
 * registered on the team routes in teamapi/api.go) swaps a non-numeric value for the id.
 */
function teamOrUndefined({ state, auth, params }: RouteContext): TeamRow | undefined {
  const raw = params.teamId;
  const team = /^-?\d+$/.test(raw)
    ? state.teams.get(Number(raw))
    : state.teamsOf(auth.orgId).find((t) => t.uid === raw);
  if (!team && !/^[a-zA-Z0-9_-]+$/.test(raw)) {
    fail(400, 'teamId is invalid');
  }
  return team && team.orgId === auth.orgId ? team : undefined;
}

function teamOrFail(ctx: RouteContext): TeamRow {
  const team = teamOrUndefined(ctx);
  if (!team) {
    fail(404, 'Team not found');
  }
  return team;
}

export const teamRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/teams',
    handle: ({ state, auth, body }) => {
      requireOrgRole(auth, 'Admin', 'teams:create');
      const b = objectBody(body);
      const name = String(b.name ?? '');
      if (name === '') {
        fail(400, 'Team name cannot be empty');
      }
      if (state.teamsOf(auth.orgId).some((t) => t.name === name)) {
        fail(409, 'Team name taken');
      }
      const team: TeamRow = {
        id: state.nextId('team'),
        uid: state.newUid(),
        orgId: auth.orgId,
        name,
        email: String(b.email ?? ''),
        members: new Map(),
        created: state.now(),
      };
      // A user creator becomes team Admin (permission 4); an SA creator does not (CONTRACT §5.3).
      if (auth.identity.kind === 'user') {
        team.members.set(auth.identity.user.id, 4);
      }
      state.teams.set(team.id, team);
      return ok({ teamId: team.id, uid: team.uid, message: 'Team created' });
    },
  },
  {
    method: 'GET',
    pattern: '/api/teams/search',
    handle: ({ state, auth, query }) => {
      requireOrgRole(auth, 'Admin', 'teams:read');
      const q = (query.get('query') ?? '').toLowerCase();
      const exact = query.get('name');
      const all = state
        .teamsOf(auth.orgId)
        .filter((t) => t.name.toLowerCase().includes(q) && (exact === null || exact === '' || t.name === exact))
        .sort(byName);
      const p = page1(all, query);
      // kubernetesTeamsRedirect: search is answered from the app platform's Team resources, which
      // carry a uid but no legacy numeric id (CONTRACT "Found against Grafana's source").
      const hideIds = state.featureToggles.has('kubernetesTeamsRedirect');
      const teams = p.items.map(teamDto).map(({ id, ...rest }) => (hideIds ? rest : { id, ...rest }));
      return ok({ totalCount: p.totalCount, teams, page: p.page, perPage: p.perPage });
    },
  },
  {
    method: 'GET',
    pattern: '/api/teams/:teamId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams:read');
      return ok(teamDto(teamOrFail(ctx)));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/teams/:teamId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams:write');
      const team = teamOrFail(ctx);
      const b = objectBody(ctx.body);
      const name = String(b.name ?? b.Name ?? team.name);
      if (ctx.state.teamsOf(team.orgId).some((t) => t.name === name && t.id !== team.id)) {
        fail(400, 'Team name taken');
      }
      team.name = name;
      team.email = String(b.email ?? b.Email ?? '');
      return ok({ message: 'Team updated' });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/teams/:teamId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams:delete');
      const team = teamOrFail(ctx);
      ctx.state.teams.delete(team.id);
      for (const f of ctx.state.foldersOf(team.orgId)) {
        f.acl = f.acl.filter((a) => a.teamId !== team.id);
      }
      return ok({ message: 'Team deleted' });
    },
  },
  {
    method: 'GET',
    pattern: '/api/teams/:teamId/members',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams:read');
      const team = teamOrUndefined(ctx);
      if (!team) {
        // getTeamMembers (pkg/services/team/teamapi/team_members.go) queries members without
        // checking that the team exists: an unknown team is an empty list, not a 404.
        return ok([]);
      }
      const members = [...team.members].map(([userId, permission]) => {
        const u = ctx.state.users.get(userId)!;
        return {
          orgId: team.orgId,
          teamId: team.id,
          teamUID: team.uid,
          userId,
          userUID: u.uid,
          login: u.login,
          email: u.email,
          name: u.name,
          avatarUrl: '/avatar/' + u.uid,
          auth_module: '',
          labels: [],
          permission,
        };
      });
      return ok(members.sort((a, b) => a.login.localeCompare(b.login)));
    },
  },
  {
    method: 'POST',
    pattern: '/api/teams/:teamId/members',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams.permissions:write');
      const team = teamOrFail(ctx);
      const userId = Number(objectBody(ctx.body).userId);
      if (team.members.has(userId)) {
        fail(400, 'User is already added to this team');
      }
      if (!ctx.state.membership(team.orgId, userId)) {
        // Status and text unverified (CONTRACT §5.3, §11.7): do not build tests on it.
        fail(500, 'Failed to add Member to Team');
      }
      team.members.set(userId, 0);
      return ok({ message: 'Member added to Team' });
    },
  },
  {
    // Permission 0 (member) or 4 (admin). Not-a-member and invalid-permission texts are unverified.
    method: 'PUT',
    pattern: '/api/teams/:teamId/members/:userId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams.permissions:write');
      const team = teamOrFail(ctx);
      const userId = numericParam(ctx.params.userId, 'userId is invalid');
      const permission = Number(objectBody(ctx.body).permission ?? 0);
      if (permission !== 0 && permission !== 4) {
        fail(400, 'Invalid permission');
      }
      if (!team.members.has(userId)) {
        fail(404, 'Team member not found');
      }
      team.members.set(userId, permission);
      return ok({ message: 'Team member updated' });
    },
  },
  {
    // SetTeamMemberships: `members`/`admins` are logins or emails; everyone else is removed.
    method: 'PUT',
    pattern: '/api/teams/:teamId/members',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams.permissions:write');
      const team = teamOrFail(ctx);
      const b = objectBody(ctx.body);
      const next = new Map<number, number>();
      for (const [list, permission] of [
        [b.members, 0],
        [b.admins, 4],
      ] as const) {
        for (const loginOrEmail of Array.isArray(list) ? list : []) {
          const user = ctx.state.userByLoginOrEmail(String(loginOrEmail));
          if (!user || !ctx.state.membership(team.orgId, user.id)) {
            fail(404, 'User not found');
          }
          next.set(user.id, Math.max(permission, next.get(user.id) ?? 0));
        }
      }
      team.members = next;
      return ok({ message: 'Team memberships have been updated' });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/teams/:teamId/members/:userId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'teams.permissions:write');
      const team = teamOrFail(ctx);
      const userId = numericParam(ctx.params.userId, 'userId is invalid');
      // removeTeamMember (team_members.go) deletes the membership row without a lookup first:
      // removing a non-member succeeds with the same answer.
      team.members.delete(userId);
      return ok({ message: 'Team Member removed' });
    },
  },
];
