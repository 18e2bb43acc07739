/** `/api/admin/users*`, `/api/users/*`, `/api/user*` (CONTRACT §5.1, §5.4, §2.2). */
import { requireServerAdmin, requireUser } from '../auth';
import { fail, numericParam, objectBody, ok, page1 } from '../http';
import { FakeState, UserRow } from '../state';
import { teamDto } from './teams';
import type { Route } from './types';

export function userProfile(state: FakeState, u: UserRow, orgId = u.currentOrgId) {
  return {
    id: u.id,
    uid: u.uid,
    email: u.email,
    name: u.name,
    login: u.login,
    theme: '',
    orgId,
    isGrafanaAdmin: u.isGrafanaAdmin,
    isDisabled: false,
    isExternal: false,
    isExternallySynced: false,
    isGrafanaAdminExternallySynced: false,
    isProvisioned: false,
    authLabels: [],
    updatedAt: u.created,
    createdAt: u.created,
    avatarUrl: '/avatar/' + u.uid,
  };
}

/** Shared by the route and by FakeGrafana.createUser (seed helper). */
export function createUserRow(state: FakeState, form: Record<string, any>): UserRow {
  const login = String(form.login ?? form.email ?? '');
  const email = String(form.email ?? form.login ?? '');
  if (state.userByLoginOrEmail(login) || state.userByLoginOrEmail(email)) {
    fail(412, `User with email '${email}' or username '${login}' already exists`);
  }
  const orgId = form.orgId === undefined || form.orgId === null ? 1 : Number(form.orgId);
  if (!state.orgs.has(orgId)) {
    fail(400, 'Organization not found');
  }
  const user: UserRow = {
    id: state.nextId('user'),
    uid: state.newUid(),
    login,
    email,
    name: String(form.name ?? ''),
    password: String(form.password ?? ''),
    isGrafanaAdmin: false,
    currentOrgId: orgId,
    created: state.now(),
  };
  state.users.set(user.id, user);
  // Auto-assign org (default 1) as Viewer, or `orgId` when given (role there unverified, CONTRACT §2.4).
  state.addMembership(orgId, user.id, 'Viewer');
  return user;
}

function userOrgs(state: FakeState, userId: number) {
  return state.memberships
    .filter((m) => m.userId === userId)
    .map((m) => ({ orgId: m.orgId, name: state.orgs.get(m.orgId)!.name, role: m.role }));
}

const userIdParam = (v: string) => numericParam(v, 'id is invalid');

export const userRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/admin/users',
    handle: ({ state, auth, body }) => {
      requireServerAdmin(auth, 'users:create');
      const user = createUserRow(state, objectBody(body));
      return ok({ id: user.id, uid: user.uid, message: 'User created' });
    },
  },
  {
    method: 'PUT',
    pattern: '/api/admin/users/:userId/permissions',
    handle: ({ state, auth, params, body }) => {
      requireServerAdmin(auth, 'users.permissions:update');
      const user = state.users.get(userIdParam(params.userId));
      if (!user) {
        fail(404, 'user not found');
      }
      const isAdmin = Boolean(objectBody(body).isGrafanaAdmin);
      if (!isAdmin && user.isGrafanaAdmin && [...state.users.values()].filter((u) => u.isGrafanaAdmin).length === 1) {
        fail(400, 'cannot remove last grafana admin'); // wording unverified (CONTRACT §11.8)
      }
      user.isGrafanaAdmin = isAdmin;
      return ok({ message: 'User permissions updated' });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/admin/users/:userId',
    handle: ({ state, auth, params }) => {
      requireServerAdmin(auth, 'users:delete');
      const id = userIdParam(params.userId);
      if (!state.users.has(id)) {
        fail(404, 'user not found');
      }
      state.users.delete(id);
      state.removeWhere(state.memberships, (m) => m.userId === id);
      for (const t of state.teams.values()) {
        t.members.delete(id);
      }
      return ok({ message: 'User deleted' });
    },
  },
  {
    method: 'GET',
    pattern: '/api/users/lookup',
    handle: ({ state, auth, query }) => {
      requireServerAdmin(auth, 'users:read');
      const user = state.userByLoginOrEmail(query.get('loginOrEmail') ?? '');
      if (!user) {
        fail(404, 'user not found');
      }
      return ok(userProfile(state, user));
    },
  },
  {
    method: 'GET',
    pattern: '/api/users/search',
    handle: ({ state, auth, query }) => {
      requireServerAdmin(auth, 'users:read');
      const q = (query.get('query') ?? '').toLowerCase();
      const all = [...state.users.values()]
        .filter((u) => [u.login, u.email, u.name].some((s) => s.toLowerCase().includes(q)))
        .sort((a, b) => a.login.localeCompare(b.login));
      const p = page1(all, query);
      const users = p.items.map((u) => ({
        id: u.id,
        uid: u.uid,
        name: u.name,
        login: u.login,
        email: u.email,
        avatarUrl: '/avatar/' + u.uid,
        isAdmin: u.isGrafanaAdmin,
        isDisabled: false,
        isProvisioned: false,
        lastSeenAt: u.created,
        lastSeenAtAge: '10 years',
        authLabels: [],
      }));
      return ok({ totalCount: p.totalCount, users, page: p.page, perPage: p.perPage });
    },
  },
  {
    method: 'GET',
    pattern: '/api/users/:userId/orgs',
    handle: ({ state, auth, params }) => {
      requireServerAdmin(auth, 'users:read');
      const id = userIdParam(params.userId);
      if (!state.users.has(id)) {
        fail(404, 'user not found');
      }
      return ok(userOrgs(state, id));
    },
  },
  {
    method: 'GET',
    pattern: '/api/users/:userId',
    handle: ({ state, auth, params }) => {
      requireServerAdmin(auth, 'users:read');
      const user = state.users.get(userIdParam(params.userId));
      if (!user) {
        fail(404, 'user not found');
      }
      return ok(userProfile(state, user));
    },
  },
  {
    method: 'GET',
    pattern: '/api/user',
    handle: ({ state, auth }) => ok(userProfile(state, requireUser(auth), auth.orgId)),
  },
  {
    method: 'GET',
    pattern: '/api/user/orgs',
    handle: ({ state, auth }) => ok(userOrgs(state, requireUser(auth).id)),
  },
  {
    method: 'GET',
    pattern: '/api/user/teams',
    handle: ({ state, auth }) => {
      const user = requireUser(auth);
      // Only the teams of the current org (CONTRACT §5.4).
      return ok(
        state
          .teamsOf(auth.orgId)
          .filter((t) => t.members.has(user.id))
          .map((t) => teamDto(t))
      );
    },
  },
  {
    method: 'POST',
    pattern: '/api/user/using/:orgId',
    handle: ({ state, auth, params }) => {
      const user = requireUser(auth);
      const orgId = numericParam(params.orgId, 'id is invalid');
      if (!state.membership(orgId, user.id)) {
        fail(401, 'Not a valid organization');
      }
      user.currentOrgId = orgId;
      return ok({ message: 'Active organization changed' });
    },
  },
];
