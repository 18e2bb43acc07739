/** `/api/orgs*` and `/api/org*` (CONTRACT §4, §5.2). */
import { requireAdminOfOrg, requireOrgRole, requireServerAdmin } from '../auth';
import { fail, failErrutil, intQuery, numericParam, objectBody, ok } from '../http';
import { FakeState, ORG_ROLES, OrgRole, OrgRow } from '../state';
import type { Route, RouteContext } from './types';

function orgDetails(org: OrgRow) {
  return {
    id: org.id,
    name: org.name,
    address: { address1: '', address2: '', city: '', zipCode: '', state: '', country: '' },
  };
}

function orgOrFail(state: FakeState, id: number): OrgRow {
  const org = state.orgs.get(id);
  if (!org) {
    fail(404, 'Organization not found');
  }
  return org;
}

function orgUsers(state: FakeState, orgId: number) {
  return state.memberships
    .filter((m) => m.orgId === orgId)
    .map((m) => {
      const u = state.users.get(m.userId)!;
      return {
        orgId,
        userId: u.id,
        uid: u.uid,
        email: u.email,
        name: u.name,
        login: u.login,
        avatarUrl: '/avatar/' + u.uid,
        role: m.role,
        lastSeenAt: m.created,
        lastSeenAtAge: '10 years',
        isDisabled: false,
        // searchOrgUsersHelper (pkg/api/org_users.go): labels from the user's auth module, and
        // isExternallySynced when that module syncs org roles.
        authLabels: u.authModule ? [authProviderLabel(u.authModule)] : [],
        isExternallySynced: u.authModule !== undefined,
        isProvisioned: false,
      };
    })
    .sort((a, b) => a.login.localeCompare(b.login));
}

function parseRole(value: unknown): OrgRole {
  if (typeof value !== 'string' || !ORG_ROLES.includes(value as OrgRole)) {
    // 10.x text; unverified for 12.x (CONTRACT §5.2, §11.6).
    fail(400, 'Invalid role specified');
  }
  return value as OrgRole;
}

function addOrgUser({ state }: RouteContext, orgId: number, body: unknown) {
  const b = objectBody(body);
  const role = parseRole(b.role);
  const user = state.userByLoginOrEmail(String(b.loginOrEmail ?? ''));
  if (!user) {
    fail(404, 'User not found');
  }
  if (state.membership(orgId, user.id)) {
    // The extra `userId` field is part of this conflict body (CONTRACT §3, §5.2).
    fail(409, 'User is already member of this organization', { userId: user.id });
  }
  state.addMembership(orgId, user.id, role);
  return ok({ message: 'User added to organization', userId: user.id });
}

function adminCount(state: FakeState, orgId: number): number {
  return state.memberships.filter((m) => m.orgId === orgId && m.role === 'Admin').length;
}

/** `login.GetAuthProviderLabel` for the modules the fake knows. */
function authProviderLabel(module: string): string {
  const labels: Record<string, string> = {
    oauth_generic_oauth: 'Generic OAuth',
    oauth_azuread: 'Microsoft',
    oauth_okta: 'Okta',
    oauth_github: 'GitHub',
    oauth_gitlab: 'GitLab',
    oauth_google: 'Google',
    ldap: 'LDAP',
    authproxy: 'Auth Proxy',
    auth_saml: 'SAML',
  };
  return labels[module] ?? 'OAuth';
}

function updateOrgUser({ state }: RouteContext, orgId: number, userId: number, body: unknown) {
  const role = parseRole(objectBody(body).role);
  if (state.users.get(userId)?.authModule !== undefined) {
    // updateOrgUserHelper (pkg/api/org_users.go): org.ErrCannotChangeRoleForExternallySyncedUser,
    // an errutil.Forbidden whose public message is lower-case (pkg/services/org/model.go).
    failErrutil(403, 'org.externallySynced', 'cannot change role for externally synced user');
  }
  const m = state.membership(orgId, userId);
  if (!m) {
    fail(500, 'Failed update org user'); // observed ≥10.4 (CONTRACT §5.2)
  }
  if (m.role === 'Admin' && role !== 'Admin' && adminCount(state, orgId) === 1) {
    fail(400, 'Cannot change role so that there is no organization admin left');
  }
  m.role = role;
  return ok({ message: 'Organization user updated' });
}

function removeOrgUser({ state }: RouteContext, orgId: number, userId: number) {
  const m = state.membership(orgId, userId);
  if (!m) {
    // RemoveOrgUser's fallback for any store error other than ErrLastOrgAdmin (pkg/api/org_users.go).
    fail(500, 'Failed to remove user from organization');
  }
  if (m.role === 'Admin' && adminCount(state, orgId) === 1) {
    fail(400, 'Cannot remove last organization admin');
  }
  state.removeWhere(state.memberships, (x) => x === m);
  for (const team of state.teamsOf(orgId)) {
    team.members.delete(userId);
  }
  return ok({ message: 'User removed from organization' });
}

const pathOrg = (ctx: RouteContext) => numericParam(ctx.params.orgId, 'orgId is invalid');
const pathUser = (ctx: RouteContext) => numericParam(ctx.params.userId, 'userId is invalid');

/** Org-user routes exist twice: with the org in the path, and for the current org under /api/org. */
function orgUserRoutes(
  prefix: string,
  orgOf: (ctx: RouteContext) => number,
  guard: (ctx: RouteContext, orgId: number, action: string) => void
): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${prefix}/users`,
      handle: (ctx) => {
        const orgId = orgOf(ctx);
        guard(ctx, orgId, 'org.users:read');
        return ok(orgUsers(ctx.state, orgId));
      },
    },
    {
      method: 'GET',
      pattern: `${prefix}/users/search`,
      handle: (ctx) => {
        const orgId = orgOf(ctx);
        guard(ctx, orgId, 'org.users:read');
        const q = (ctx.query.get('query') ?? '').toLowerCase();
        const all = orgUsers(ctx.state, orgId).filter((u) =>
          [u.login, u.email, u.name].some((s) => s.toLowerCase().includes(q))
        );
        let perPage = intQuery(ctx.query, 'perpage', 1000);
        perPage = perPage <= 0 ? 1000 : perPage;
        const page = Math.max(1, intQuery(ctx.query, 'page', 1));
        return ok({ totalCount: all.length, orgUsers: all.slice((page - 1) * perPage, page * perPage), page, perPage });
      },
    },
    {
      method: 'POST',
      pattern: `${prefix}/users`,
      handle: (ctx) => {
        const orgId = orgOf(ctx);
        guard(ctx, orgId, 'org.users:add');
        return addOrgUser(ctx, orgId, ctx.body);
      },
    },
    {
      method: 'PATCH',
      pattern: `${prefix}/users/:userId`,
      handle: (ctx) => {
        const orgId = orgOf(ctx);
        guard(ctx, orgId, 'org.users:write');
        return updateOrgUser(ctx, orgId, pathUser(ctx), ctx.body);
      },
    },
    {
      method: 'DELETE',
      pattern: `${prefix}/users/:userId`,
      handle: (ctx) => {
        const orgId = orgOf(ctx);
        guard(ctx, orgId, 'org.users:remove');
        return removeOrgUser(ctx, orgId, pathUser(ctx));
      },
    },
  ];
}

export const orgRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/orgs',
    handle: ({ state, auth, query }) => {
      requireServerAdmin(auth, 'orgs:read');
      // perpage ≤0 → 1000; page is 0-based: offset = perpage × page (CONTRACT §4 pagination).
      let perPage = intQuery(query, 'perpage', 1000);
      perPage = perPage <= 0 ? 1000 : perPage;
      const page = Math.max(0, intQuery(query, 'page', 0));
      const prefix = query.get('query') ?? '';
      const exact = query.get('name');
      const all = [...state.orgs.values()]
        .filter((o) => o.name.startsWith(prefix) && (exact === null || exact === '' || o.name === exact))
        .sort((a, b) => a.id - b.id);
      return ok(all.slice(perPage * page, perPage * (page + 1)).map((o) => ({ id: o.id, name: o.name })));
    },
  },
  {
    method: 'POST',
    pattern: '/api/orgs',
    handle: ({ state, auth, body }) => {
      requireServerAdmin(auth, 'orgs:create');
      const name = String(objectBody(body).name ?? '');
      if (state.orgByName(name)) {
        fail(409, 'Organization name taken');
      }
      const org = { id: state.nextId('org'), name, created: state.now() };
      state.orgs.set(org.id, org);
      if (auth.identity.kind === 'user') {
        state.addMembership(org.id, auth.identity.user.id, 'Admin'); // CreateWithMember (CONTRACT §2.1)
      }
      return ok({ orgId: org.id, message: 'Organization created' });
    },
  },
  {
    method: 'GET',
    pattern: '/api/orgs/name/:name',
    handle: ({ state, auth, params }) => {
      requireServerAdmin(auth, 'orgs:read');
      const org = state.orgByName(params.name);
      if (!org) {
        fail(404, 'Organization not found');
      }
      return ok(orgDetails(org));
    },
  },
  {
    method: 'GET',
    pattern: '/api/orgs/:orgId',
    handle: (ctx) => {
      const orgId = pathOrg(ctx);
      requireAdminOfOrg(ctx.state, ctx.auth, orgId, 'orgs:read');
      return ok(orgDetails(orgOrFail(ctx.state, orgId)));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/orgs/:orgId',
    handle: (ctx) => {
      const orgId = pathOrg(ctx);
      requireServerAdmin(ctx.auth, 'orgs:write');
      const name = String(objectBody(ctx.body).name ?? '');
      const org = ctx.state.orgs.get(orgId);
      if (!org) {
        fail(500, 'Failed to update organization'); // observed ≥10.4 (CONTRACT §4)
      }
      const clash = ctx.state.orgByName(name);
      if (clash && clash.id !== orgId) {
        fail(400, 'Organization name taken');
      }
      org.name = name;
      return ok({ message: 'Organization updated' });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/orgs/:orgId',
    handle: (ctx) => {
      const orgId = pathOrg(ctx);
      requireServerAdmin(ctx.auth, 'orgs:delete');
      if (orgId === ctx.auth.orgId) {
        fail(400, 'Cannot delete your active organization');
      }
      if (!ctx.state.orgs.has(orgId)) {
        fail(404, 'Failed to delete organization. ID not found');
      }
      ctx.state.cascadeDeleteOrg(orgId);
      return ok({ message: 'Organization deleted' });
    },
  },
  ...orgUserRoutes('/api/orgs/:orgId', pathOrg, (ctx, orgId, action) => {
    requireAdminOfOrg(ctx.state, ctx.auth, orgId, action);
    orgOrFail(ctx.state, orgId);
  }),
  ...orgUserRoutes(
    '/api/org',
    (ctx) => ctx.auth.orgId,
    (ctx, _orgId, action) => requireOrgRole(ctx.auth, 'Admin', action)
  ),
  {
    method: 'GET',
    pattern: '/api/org',
    handle: ({ state, auth }) => {
      requireOrgRole(auth, 'Viewer', 'orgs:read');
      return ok(orgDetails(orgOrFail(state, auth.orgId)));
    },
  },
];
