import type { RouteHandler } from '../context';
import type { ResolvedRoute, Route } from '../table';
import { handleFilteredRead } from './filter';
import { handlePostSilence, handleSilenceById } from './silences';

/**
 * The Alertmanager API v2 paths this proxy serves with --upstream-kind=alertmanager (prom-label-proxy
 * injectproxy/routes.go; BEHAVIOUR.md sections 8 and 9). Everything else is 404: the status,
 * receivers and alert-posting endpoints are not tenant data an enforcing proxy can split.
 */

/** GET lists, POST creates or updates: one path, two handlers (silences.go `silences`). */
const handleSilences: RouteHandler = (ctx) =>
  ctx.method === 'POST' ? handlePostSilence(ctx) : handleFilteredRead(ctx);

const SILENCES: Route = {
  name: 'silences',
  methods: ['GET', 'POST'],
  handler: handleSilences,
  checkTenantFirst: true,
  body: 'json',
  singleTenantValue: true,
};
const SILENCE: Route = {
  name: 'silence',
  methods: ['GET', 'DELETE'],
  handler: handleSilenceById,
  checkTenantFirst: true,
  singleTenantValue: true,
};
const ALERTS: Route = { name: 'alerts', methods: ['GET'], handler: handleFilteredRead, checkTenantFirst: true };
const ALERT_GROUPS: Route = {
  name: 'alert_groups',
  methods: ['GET'],
  handler: handleFilteredRead,
  checkTenantFirst: true,
};

const EXACT: Record<string, Route> = {
  '/api/v2/silences': SILENCES,
  '/api/v2/alerts': ALERTS,
  '/api/v2/alerts/groups': ALERT_GROUPS,
};

/**
 * The enforced route for a decoded request path, or null (404). Like prom-label-proxy (which
 * registers each path and `path/`), one trailing slash is accepted; the canonical path without it is
 * forwarded. `/api/v2/silence` and `/api/v2/silence/` reach the silence route, which answers 400
 * (no id) once the tenant is known, as there.
 */
export function resolveAlertmanagerRoute(path: string): ResolvedRoute | null {
  const exact = EXACT[path] ?? EXACT[path.replace(/\/$/, '')];
  if (exact) {
    return { route: exact, path: path.replace(/\/$/, '') };
  }
  const silence = /^\/api\/v2\/silence(?:\/([^/]*))?\/?$/.exec(path);
  if (silence) {
    const id = silence[1] ?? '';
    return { route: SILENCE, path: `/api/v2/silence/${encodeURIComponent(id)}` };
  }
  return null;
}
