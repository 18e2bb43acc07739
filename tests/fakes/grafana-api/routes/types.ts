import type { AuthContext } from '../auth';
import type { FakeResponse } from '../http';
import type { FakeState } from '../state';

export interface RouteContext {
  state: FakeState;
  auth: AuthContext;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface Route {
  method: string;
  /** `/api/orgs/:orgId/users` — `:name` matches one path segment, `*rest` the remainder. */
  pattern: string;
  handle: (ctx: RouteContext) => FakeResponse;
}
