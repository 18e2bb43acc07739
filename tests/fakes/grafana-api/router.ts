/** Matches `METHOD /path` against the route table of every resource module. */
import { alertingRoutes } from './routes/alerting';
import { dashboardRoutes } from './routes/dashboards';
import { dataSourceRoutes } from './routes/datasources';
import { folderRoutes } from './routes/folders';
import { frontendSettingsRoutes } from './routes/frontendSettings';
import { orgRoutes } from './routes/orgs';
import { pluginRoutes } from './routes/plugins';
import { searchRoutes } from './routes/search';
import { serviceAccountRoutes } from './routes/serviceAccounts';
import { teamRoutes } from './routes/teams';
import type { Route } from './routes/types';
import { userRoutes } from './routes/users';

export const ALL_ROUTES: Route[] = [
  ...orgRoutes,
  ...userRoutes,
  ...teamRoutes,
  ...dataSourceRoutes,
  ...folderRoutes,
  ...dashboardRoutes,
  ...searchRoutes,
  ...pluginRoutes,
  ...serviceAccountRoutes,
  ...frontendSettingsRoutes,
  ...alertingRoutes,
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w.startsWith('*')) {
      params[w.slice(1)] = got.slice(i).join('/');
      return params;
    }
    if (i >= got.length) {
      return undefined;
    }
    if (w.startsWith(':')) {
      if (got[i] === '') {
        return undefined;
      }
      params[w.slice(1)] = decodeURIComponent(got[i]);
    } else if (w !== got[i]) {
      return undefined;
    }
  }
  return got.length === want.length ? params : undefined;
}

/** Literal segments win over parameters (e.g. `/api/orgs/name/x` before `/api/orgs/:orgId`). */
function specificity(pattern: string): number {
  return pattern.split('/').filter((s) => s !== '' && !s.startsWith(':') && !s.startsWith('*')).length;
}

const SORTED = [...ALL_ROUTES].sort((a, b) => specificity(b.pattern) - specificity(a.pattern));

export function matchRoute(method: string, path: string, routes: Route[] = SORTED): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method) {
      continue;
    }
    const params = matchPattern(route.pattern, path);
    if (params) {
      return { route, params };
    }
  }
  return undefined;
}

export function pathExists(path: string): boolean {
  return ALL_ROUTES.some((r) => matchPattern(r.pattern, path) !== undefined);
}
