/** `/api/serviceaccounts*` in the current org (CONTRACT §6). */
import { randomBytes } from 'crypto';
import { requireOrgRole } from '../auth';
import { failErrutil, objectBody, ok, page1 } from '../http';
import { ORG_ROLES, OrgRole, roleAtLeast, ServiceAccountRow } from '../state';
import type { Route, RouteContext } from './types';

function saDto(ctx: RouteContext, sa: ServiceAccountRow) {
  return {
    id: sa.id,
    uid: sa.uid,
    orgId: sa.orgId,
    name: sa.name,
    login: sa.login,
    role: sa.role,
    isDisabled: sa.isDisabled,
    isExternal: false,
    avatarUrl: '/avatar/' + sa.uid,
    tokens: [...ctx.state.tokens.values()].filter((t) => t.saId === sa.id).length,
  };
}

/** `{serviceAccountId}` may be the numeric id or the SA uid; lookups are by (current org, id). */
function saOrFail(ctx: RouteContext): ServiceAccountRow {
  const raw = ctx.params.saId;
  const sa = /^\d+$/.test(raw)
    ? ctx.state.serviceAccounts.get(Number(raw))
    : [...ctx.state.serviceAccounts.values()].find((s) => s.uid === raw);
  if (!sa || sa.orgId !== ctx.auth.orgId) {
    failErrutil(404, 'serviceaccounts.ErrNotFound', 'service account not found');
  }
  return sa;
}

function parseRole(ctx: RouteContext, value: unknown): OrgRole {
  if (typeof value !== 'string' || !ORG_ROLES.includes(value as OrgRole)) {
    failErrutil(400, 'serviceaccounts.ErrInvalidRoleSpecified', 'invalid role specified');
  }
  if (ctx.auth.role !== 'Admin' && !roleAtLeast(ctx.auth.role, value as OrgRole)) {
    failErrutil(403, 'serviceaccounts.ErrCannotAssignRoleHigher', "can not assign a role higher than user's role");
  }
  return value as OrgRole;
}

export const serviceAccountRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/serviceaccounts',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:create');
      const b = objectBody(ctx.body);
      const name = String(b.name ?? '');
      const role = parseRole(ctx, b.role ?? 'Viewer');
      if ([...ctx.state.serviceAccounts.values()].some((s) => s.orgId === ctx.auth.orgId && s.name === name)) {
        failErrutil(400, 'serviceaccounts.ErrAlreadyExists', 'service account already exists');
      }
      const sa: ServiceAccountRow = {
        id: ctx.state.nextId('user'), // SAs are rows of the user table
        uid: ctx.state.newUid(),
        orgId: ctx.auth.orgId,
        name,
        login: 'sa-' + ctx.auth.orgId + '-' + name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        role,
        isDisabled: b.isDisabled === true,
      };
      ctx.state.serviceAccounts.set(sa.id, sa);
      return ok(saDto(ctx, sa), 201);
    },
  },
  {
    method: 'GET',
    pattern: '/api/serviceaccounts/search',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:read');
      const q = (ctx.query.get('query') ?? '').toLowerCase();
      const all = [...ctx.state.serviceAccounts.values()]
        .filter((s) => s.orgId === ctx.auth.orgId && (s.name.toLowerCase().includes(q) || s.login.includes(q)))
        .sort((a, b) => a.name.localeCompare(b.name));
      const p = page1(all, ctx.query);
      return ok({
        totalCount: p.totalCount,
        serviceAccounts: p.items.map((s) => saDto(ctx, s)),
        page: p.page,
        perPage: p.perPage,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/api/serviceaccounts/:saId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:read');
      return ok(saDto(ctx, saOrFail(ctx)));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/serviceaccounts/:saId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:delete');
      const sa = saOrFail(ctx);
      ctx.state.serviceAccounts.delete(sa.id);
      ctx.state.deleteWhere(ctx.state.tokens, (t) => t.saId === sa.id);
      return ok({ message: 'Service account deleted' });
    },
  },
  {
    method: 'POST',
    pattern: '/api/serviceaccounts/:saId/tokens',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:write');
      const sa = saOrFail(ctx);
      const b = objectBody(ctx.body);
      const name = String(b.name ?? '');
      const secondsToLive = b.secondsToLive === undefined ? 0 : Number(b.secondsToLive);
      if (!Number.isInteger(secondsToLive) || secondsToLive < 0) {
        failErrutil(400, 'serviceaccounts.ErrInvalidTokenExpiration', 'invalid SecondsToLive value');
      }
      // Token names are unique per org, not per SA; 400 not 409 (CONTRACT §6).
      if ([...ctx.state.tokens.values()].some((t) => t.orgId === sa.orgId && t.name === name)) {
        failErrutil(
          400,
          'serviceaccounts.ErrTokenAlreadyExists',
          'service account token with given name already exists in the organization'
        );
      }
      const created = new Date();
      const token = {
        id: ctx.state.nextId('token'),
        saId: sa.id,
        orgId: sa.orgId,
        name,
        key: 'glsa_' + randomBytes(24).toString('hex'),
        created: created.toISOString(),
        expires: secondsToLive > 0 ? new Date(created.getTime() + secondsToLive * 1000).toISOString() : undefined,
      };
      ctx.state.tokens.set(token.id, token);
      return ok({ id: token.id, name: token.name, key: token.key });
    },
  },
  {
    method: 'GET',
    pattern: '/api/serviceaccounts/:saId/tokens',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:read');
      const id = Number(ctx.params.saId);
      const tokens = [...ctx.state.tokens.values()].filter((t) => t.saId === id && t.orgId === ctx.auth.orgId);
      return ok(
        tokens.map((t) => ({
          id: t.id,
          name: t.name,
          created: t.created,
          ...(t.expires ? { expiration: t.expires } : {}),
          hasExpired: false,
          isRevoked: false,
        }))
      );
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/serviceaccounts/:saId/tokens/:tokenId',
    handle: (ctx) => {
      requireOrgRole(ctx.auth, 'Admin', 'serviceaccounts:write');
      const sa = saOrFail(ctx);
      const token = ctx.state.tokens.get(Number(ctx.params.tokenId));
      if (!token || token.saId !== sa.id) {
        failErrutil(404, 'serviceaccounts.ErrTokenNotFound', 'service account token not found');
      }
      ctx.state.tokens.delete(token.id);
      return ok({ message: 'Service account token deleted' });
    },
  },
];
