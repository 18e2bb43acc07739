/**
 * `GET /api/frontend/settings` (pkg/api/frontendsettings.go `GetFrontendSettings`): what the
 * browser boots with. The tenancy app reads two parts of it before planning: `featureToggles`
 * (a map of the enabled toggles) and `buildInfo.version`. Any signed-in identity may read it.
 */
import type { Route } from './types';
import { ok } from '../http';

export const frontendSettingsRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/frontend/settings',
    handle: ({ state }) =>
      ok({
        appSubUrl: '',
        defaultDatasource: '',
        featureToggles: Object.fromEntries([...state.featureToggles].sort().map((t) => [t, true])),
        buildInfo: {
          version: state.version,
          commit: 'fake',
          edition: 'Open Source',
          env: 'production',
          hideVersion: false,
        },
      }),
  },
];
