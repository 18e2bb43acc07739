/**
 * Authentication and org selection of the fake, following CONTRACT §1 and §2.1:
 * - Basic auth (users with passwords), `Authorization: Bearer glsa_…` SA tokens, and a session
 *   cookie `grafana_session=<token>` (see FakeGrafana.sessionFor) for browser tests.
 * - Org selection (`orgIDFromRequest`): `targetOrgId` query → `X-Grafana-Org-Id` header → the
 *   user's stored current org; an SA always acts in its own org and any other requested org is a
 *   401 `API key does not belong to the requested organization`.
 */
import { FakeHttpError, fail, failErrutil, forbidden } from './http';
import { FakeState, OrgRole, roleAtLeast, ServiceAccountRow, UserRow } from './state';

export type Identity = { kind: 'user'; user: UserRow } | { kind: 'sa'; sa: ServiceAccountRow };

export interface AuthContext {
  identity: Identity;
  /** The org the request acts on; -1 when a user selected an org it is not a member of (CONTRACT §2.1). */
  orgId: number;
  /** The caller's role in `orgId` (undefined: no role there). */
  role: OrgRole | undefined;
  isServerAdmin: boolean;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) {
    return undefined;
  }
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function requestedOrg(query: URLSearchParams, headers: Record<string, string> | undefined): number | undefined {
  const fromQuery = query.get('targetOrgId');
  if (fromQuery !== null && /^\d+$/.test(fromQuery)) {
    return Number(fromQuery);
  }
  const fromHeader = header(headers, 'X-Grafana-Org-Id');
  if (fromHeader !== undefined && /^\d+$/.test(fromHeader.trim())) {
    return Number(fromHeader.trim());
  }
  return undefined;
}

function identify(state: FakeState, headers: Record<string, string> | undefined): Identity {
  const authorization = header(headers, 'Authorization');
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    const user = state.userByLoginOrEmail(decoded.slice(0, sep));
    if (!user || sep < 0 || user.password !== decoded.slice(sep + 1)) {
      fail(401, 'Invalid username or password');
    }
    return { kind: 'user', user };
  }
  if (authorization?.startsWith('Bearer ')) {
    const key = authorization.slice(7);
    const token = [...state.tokens.values()].find((t) => t.key === key);
    const sa = token && state.serviceAccounts.get(token.saId);
    if (!token || !sa || sa.isDisabled) {
      fail(401, 'Invalid API key');
    }
    return { kind: 'sa', sa };
  }
  const cookie = header(headers, 'Cookie');
  const session = cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('grafana_session='))
    ?.slice('grafana_session='.length);
  if (session) {
    const userId = state.sessions.get(session);
    const user = userId === undefined ? undefined : state.users.get(userId);
    if (!user) {
      fail(401, 'Unauthorized');
    }
    return { kind: 'user', user };
  }
  fail(401, 'Unauthorized');
}

export function authenticate(
  state: FakeState,
  query: URLSearchParams,
  headers: Record<string, string> | undefined
): AuthContext {
  const identity = identify(state, headers);
  const wanted = requestedOrg(query, headers);
  if (identity.kind === 'sa') {
    if (wanted !== undefined && wanted !== identity.sa.orgId) {
      failErrutil(401, 'api-key.organization-mismatch', 'API key does not belong to the requested organization');
    }
    return { identity, orgId: identity.sa.orgId, role: identity.sa.role, isServerAdmin: false };
  }
  const user = identity.user;
  let orgId = wanted ?? user.currentOrgId;
  if (wanted === undefined && !state.membership(orgId, user.id)) {
    // The stored org vanished (org deleted): fall back to any membership, like a fresh login.
    const first = state.memberships.find((m) => m.userId === user.id);
    orgId = first ? first.orgId : orgId;
  }
  const membership = state.membership(orgId, user.id);
  return {
    identity,
    orgId: membership ? orgId : -1,
    role: membership?.role,
    isServerAdmin: user.isGrafanaAdmin,
  };
}

/** Global endpoints (`/api/orgs`, `/api/admin/*`, `/api/users/*`): Server Admin users only (CONTRACT §1). */
export function requireServerAdmin(auth: AuthContext, action: string): void {
  if (!auth.isServerAdmin) {
    forbidden(action);
  }
}

/** Org-scoped endpoints: the caller needs at least `min` in the selected org. */
export function requireOrgRole(auth: AuthContext, min: OrgRole, action: string): void {
  if (!roleAtLeast(auth.role, min) || auth.role === 'None') {
    forbidden(action);
  }
}

/** `/api/orgs/{id}/…`: evaluated in the org from the path; Server Admins keep global rights (CONTRACT §2.1, §5.2). */
export function requireAdminOfOrg(state: FakeState, auth: AuthContext, orgId: number, action: string): void {
  if (auth.isServerAdmin) {
    return;
  }
  if (auth.identity.kind === 'sa') {
    // Only its own org could apply; that case is unverified (CONTRACT §11.5), so deny.
    forbidden(action);
  }
  const m = state.membership(orgId, auth.identity.user.id);
  if (m?.role !== 'Admin') {
    forbidden(action);
  }
}

/** Endpoints that call `getUserID()` answer 403 for any non-user identity (CONTRACT §1). */
export function requireUser(auth: AuthContext): UserRow {
  if (auth.identity.kind !== 'user') {
    throw new FakeHttpError(403, { message: 'Endpoint only available for users' });
  }
  return auth.identity.user;
}

export function callerLogin(auth: AuthContext): string {
  return auth.identity.kind === 'user' ? auth.identity.user.login : auth.identity.sa.login;
}
