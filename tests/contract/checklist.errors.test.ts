/** @jest-environment node */
/** CONTRACT §12 checklist, conflicts, validation and not-found: exact status and message per case. */
import { must } from './helpers';
import { Case, runCases } from './checklistTable';

const cases: Case[] = [
  // --- conflicts and validation ---
  {
    name: 'org name taken → 409',
    request: () => ['POST', '/api/orgs', { body: { name: 'tenant-a' } }],
    status: 409,
    body: { message: 'Organization name taken' },
  },
  {
    name: 'user login taken (case-insensitive) → 412',
    request: () => ['POST', '/api/admin/users', { body: { login: 'ALICE', email: 'new@example.com', password: 'x' } }],
    status: 412,
    body: { message: "User with email 'new@example.com' or username 'ALICE' already exists" },
  },
  {
    name: 'user email taken → 412',
    request: () => ['POST', '/api/admin/users', { body: { login: 'x', email: 'Alice@Example.com', password: 'x' } }],
    status: 412,
    body: { message: "User with email 'Alice@Example.com' or username 'x' already exists" },
  },
  {
    name: 'already org member → 409 with userId',
    request: (w) => ['POST', `/api/orgs/${w.orgId}/users`, { body: { loginOrEmail: 'alice', role: 'Viewer' } }],
    status: 409,
    body: { message: 'User is already member of this organization', userId: 2 },
  },
  {
    name: 'unknown loginOrEmail → 404',
    request: (w) => ['POST', `/api/orgs/${w.orgId}/users`, { body: { loginOrEmail: 'nobody', role: 'Viewer' } }],
    status: 404,
    body: { message: 'User not found' },
  },
  {
    name: 'team name taken on create → 409',
    setup: async (w) => void (await must(w.fake, 'POST', '/api/teams', { org: w.orgId, body: { name: 'ops' } })),
    request: (w) => ['POST', '/api/teams', { org: w.orgId, body: { name: 'ops' } }],
    status: 409,
    body: { message: 'Team name taken' },
  },
  {
    name: 'same team name in another org is fine',
    setup: async (w) => void (await must(w.fake, 'POST', '/api/teams', { org: w.orgId, body: { name: 'ops' } })),
    request: () => ['POST', '/api/teams', { org: 1, body: { name: 'ops' } }],
    status: 200,
  },
  {
    name: 'team name taken on update → 400',
    setup: async (w) => {
      await must(w.fake, 'POST', '/api/teams', { org: w.orgId, body: { name: 'ops' } });
      return must(w.fake, 'POST', '/api/teams', { org: w.orgId, body: { name: 'dev' } });
    },
    request: (w, s) => ['PUT', `/api/teams/${s.teamId}`, { org: w.orgId, body: { name: 'ops' } }],
    status: 400,
    body: { message: 'Team name taken' },
  },
  {
    name: 'already team member → 400',
    setup: (w) => must(w.fake, 'POST', '/api/teams', { org: w.orgId, body: { name: 'ops' } }),
    request: (w, s) => ['POST', `/api/teams/${s.teamId}/members`, { org: w.orgId, body: { userId: 1 } }],
    status: 400,
    body: { message: 'User is already added to this team' },
  },
  {
    name: 'data source name taken → 409',
    setup: (w) => must(w.fake, 'POST', '/api/datasources', { org: w.orgId, body: { name: 'p', type: 'prometheus' } }),
    request: (w) => ['POST', '/api/datasources', { org: w.orgId, body: { name: 'p', type: 'prometheus' } }],
    status: 409,
    body: { message: 'data source with the same name already exists' },
  },
  {
    name: 'data source uid taken → 409',
    setup: (w) =>
      must(w.fake, 'POST', '/api/datasources', { org: w.orgId, body: { name: 'p', uid: 'u1', type: 'prometheus' } }),
    request: (w) => ['POST', '/api/datasources', { org: w.orgId, body: { name: 'q', uid: 'u1', type: 'prometheus' } }],
    status: 409,
    body: { message: 'data source with the same uid already exists' },
  },
  {
    name: 'data source rename clash → 409 with prefix',
    setup: async (w) => {
      await must(w.fake, 'POST', '/api/datasources', {
        org: w.orgId,
        body: { name: 'p', uid: 'p', type: 'prometheus' },
      });
      await must(w.fake, 'POST', '/api/datasources', {
        org: w.orgId,
        body: { name: 'q', uid: 'q', type: 'prometheus' },
      });
    },
    request: (w) => ['PUT', '/api/datasources/uid/q', { org: w.orgId, body: { name: 'p', type: 'prometheus' } }],
    status: 409,
    body: { message: 'Failed to update datasource: data source with the same name already exists' },
  },
  {
    name: 'invalid data source URL → 400',
    request: (w) => [
      'POST',
      '/api/datasources',
      { org: w.orgId, body: { name: 'p', type: 'prometheus', url: 'http://[bad' } },
    ],
    status: 400,
    body: { message: 'Validation error, invalid URL' },
  },
  {
    name: 'SA create → 201',
    request: (w) => ['POST', '/api/serviceaccounts', { org: w.orgId, body: { name: 'prov', role: 'Admin' } }],
    status: 201,
    body: { name: 'prov', role: 'Admin', orgId: 2 },
    partial: true,
  },
  {
    name: 'SA name taken → 400',
    setup: (w) => must(w.fake, 'POST', '/api/serviceaccounts', { org: w.orgId, body: { name: 'prov', role: 'Admin' } }),
    request: (w) => ['POST', '/api/serviceaccounts', { org: w.orgId, body: { name: 'prov', role: 'Admin' } }],
    status: 400,
    body: { message: 'service account already exists' },
    partial: true,
  },
  {
    name: 'SA token name taken in the org (other SA) → 400',
    setup: async (w) => {
      const a = await must(w.fake, 'POST', '/api/serviceaccounts', {
        org: w.orgId,
        body: { name: 'a', role: 'Viewer' },
      });
      const b = await must(w.fake, 'POST', '/api/serviceaccounts', {
        org: w.orgId,
        body: { name: 'b', role: 'Viewer' },
      });
      await must(w.fake, 'POST', `/api/serviceaccounts/${a.id}/tokens`, { org: w.orgId, body: { name: 't' } });
      return b;
    },
    request: (w, s) => ['POST', `/api/serviceaccounts/${s.id}/tokens`, { org: w.orgId, body: { name: 't' } }],
    status: 400,
    body: { message: 'service account token with given name already exists in the organization' },
    partial: true,
  },
  {
    name: 'SA invalid role → 400',
    request: (w) => ['POST', '/api/serviceaccounts', { org: w.orgId, body: { name: 'x', role: 'Boss' } }],
    status: 400,
    body: { message: 'invalid role specified' },
    partial: true,
  },
  {
    name: 'dashboard empty title → 400 empty-name',
    request: (w) => ['POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { title: ' ' } } }],
    status: 400,
    body: { status: 'empty-name', message: 'Dashboard title cannot be empty' },
  },
  {
    name: 'dashboard uid too long → 400',
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { title: 't', uid: 'x'.repeat(41) } } },
    ],
    status: 400,
    body: { message: 'uid too long, max 40 characters' },
  },
  {
    name: 'dashboard uid illegal → 400',
    request: (w) => ['POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { title: 't', uid: 'a b' } } }],
    status: 400,
    body: { message: 'uid contains illegal characters' },
  },
  {
    name: 'folder uid illegal → 400',
    request: (w) => ['POST', '/api/folders', { org: w.orgId, body: { title: 't', uid: 'a/b' } }],
    status: 400,
    body: { message: 'uid contains illegal characters' },
  },
  {
    name: 'dashboard uid of 40 chars accepted',
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { title: 't', uid: 'A-_9'.repeat(10) } } },
    ],
    status: 200,
  },
  {
    name: 'dashboard stale version → 412',
    setup: (w) =>
      must(w.fake, 'POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D' } } }),
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D', version: 0 } } },
    ],
    status: 412,
    body: { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' },
  },
  {
    name: 'dashboard current version → 200 version 2',
    setup: (w) =>
      must(w.fake, 'POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D' } } }),
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D', version: 1 } } },
    ],
    status: 200,
    body: { version: 2, status: 'success' },
    partial: true,
  },
  {
    name: 'dashboard overwrite → 200 version 2',
    setup: (w) =>
      must(w.fake, 'POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D' } } }),
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { uid: 'd', title: 'D' }, overwrite: true } },
    ],
    status: 200,
    body: { version: 2 },
    partial: true,
  },
  {
    name: 'same dashboard title twice in a folder accepted (12.x)',
    setup: (w) => must(w.fake, 'POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { title: 'D' } } }),
    request: (w) => ['POST', '/api/dashboards/db', { org: w.orgId, body: { dashboard: { title: 'D' } } }],
    status: 200,
  },
  {
    name: 'dashboard into unknown folder → 400',
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { org: w.orgId, body: { dashboard: { title: 'D' }, folderUid: 'nope' } },
    ],
    status: 400,
    body: { message: 'folder not found' },
  },
  {
    name: 'folder update without version → 412',
    setup: (w) => must(w.fake, 'POST', '/api/folders', { org: w.orgId, body: { uid: 'f', title: 'F' } }),
    request: (w) => ['PUT', '/api/folders/f', { org: w.orgId, body: { title: 'G' } }],
    status: 412,
    body: { status: 'version-mismatch', message: 'the folder has been changed by someone else' },
  },
  {
    name: 'folder update with overwrite → 200',
    setup: (w) => must(w.fake, 'POST', '/api/folders', { org: w.orgId, body: { uid: 'f', title: 'F' } }),
    request: (w) => ['PUT', '/api/folders/f', { org: w.orgId, body: { title: 'G', overwrite: true } }],
    status: 200,
    body: { title: 'G', version: 2 },
    partial: true,
  },
  {
    name: 'folder empty title → 400',
    request: (w) => ['POST', '/api/folders', { org: w.orgId, body: { title: '' } }],
    status: 400,
    body: { message: 'folder title cannot be empty' },
  },
  {
    name: 'search limit > 5000 → 422',
    request: (w) => ['GET', '/api/search?limit=5001', { org: w.orgId }],
    status: 422,
    body: { message: 'Limit is above maximum allowed (5000), use page parameter to access hits beyond limit' },
  },
  {
    name: 'search unknown type → 500',
    request: (w) => ['GET', '/api/search?type=nope', { org: w.orgId }],
    status: 500,
    body: { message: 'Search failed' },
  },
  // --- org membership edge cases (pkg/api/org_users.go) ---
  {
    name: 'removing the last org Admin → 400',
    setup: async (w) => {
      await must(w.fake, 'DELETE', `/api/orgs/${w.orgId}/users/${w.oa.id}`);
    },
    request: (w) => ['DELETE', `/api/orgs/${w.orgId}/users/1`],
    status: 400,
    body: { message: 'Cannot remove last organization admin' },
  },
  {
    name: 'demoting the last org Admin → 400',
    setup: async (w) => {
      await must(w.fake, 'DELETE', `/api/orgs/${w.orgId}/users/${w.oa.id}`);
    },
    request: (w) => ['PATCH', `/api/orgs/${w.orgId}/users/1`, { body: { role: 'Viewer' } }],
    status: 400,
    body: { message: 'Cannot change role so that there is no organization admin left' },
  },
  {
    name: 'PATCH a non-member → 500',
    request: (w) => ['PATCH', `/api/orgs/${w.orgId}/users/999`, { body: { role: 'Viewer' } }],
    status: 500,
    body: { message: 'Failed update org user' },
  },
  {
    name: 'invalid org role → 400',
    request: (w) => ['PATCH', `/api/orgs/${w.orgId}/users/${w.alice.id}`, { body: { role: 'Boss' } }],
    status: 400,
    body: { message: 'Invalid role specified' },
  },
  // --- not found ---
  {
    name: 'org by id → 404',
    request: () => ['GET', '/api/orgs/999'],
    status: 404,
    body: { message: 'Organization not found' },
  },
  {
    name: 'org by name → 404',
    request: () => ['GET', '/api/orgs/name/nope'],
    status: 404,
    body: { message: 'Organization not found' },
  },
  {
    name: 'delete unknown org → 404',
    request: () => ['DELETE', '/api/orgs/999'],
    status: 404,
    body: { message: 'Failed to delete organization. ID not found' },
  },
  {
    name: 'delete the active org → 400',
    request: (w) => ['DELETE', `/api/orgs/${w.orgId}`, { org: w.orgId }],
    status: 400,
    body: { message: 'Cannot delete your active organization' },
  },
  {
    name: 'team → 404',
    request: (w) => ['GET', '/api/teams/999', { org: w.orgId }],
    status: 404,
    body: { message: 'Team not found' },
  },
  {
    name: 'data source → 404',
    request: (w) => ['GET', '/api/datasources/uid/nope', { org: w.orgId }],
    status: 404,
    body: { message: 'Data source not found' },
  },
  {
    name: 'proxy unknown uid → 404',
    request: (w) => ['GET', '/api/datasources/proxy/uid/nope/api/v1/query', { org: w.orgId }],
    status: 404,
    body: { message: 'Unable to find datasource' },
  },
  {
    name: 'proxy invalid uid → 400',
    request: (w) => ['GET', '/api/datasources/proxy/uid/a%20b/api', { org: w.orgId }],
    status: 400,
    body: { message: 'UID is invalid' },
  },
  {
    name: 'dashboard → 404 status-tagged',
    request: (w) => ['GET', '/api/dashboards/uid/nope', { org: w.orgId }],
    status: 404,
    body: { status: 'not-found', message: 'Dashboard not found' },
  },
  {
    name: 'folder → 404 status-tagged',
    request: (w) => ['GET', '/api/folders/nope', { org: w.orgId }],
    status: 404,
    body: { status: 'not-found', message: 'folder not found' },
  },
  {
    name: 'SA → 404',
    request: (w) => ['GET', '/api/serviceaccounts/999', { org: w.orgId }],
    status: 404,
    body: { message: 'service account not found' },
    partial: true,
  },
  {
    name: 'plugin settings GET unknown plugin → 404',
    request: (w) => ['GET', '/api/plugins/nope/settings', { org: w.orgId }],
    status: 404,
    body: { message: 'Plugin not found, no installed plugin with that id' },
  },
  {
    name: 'plugin settings POST unknown plugin → 404',
    request: (w) => ['POST', '/api/plugins/nope/settings', { org: w.orgId, body: { enabled: true } }],
    status: 404,
    body: { message: 'Plugin not installed' },
  },
  {
    name: 'user lookup → 404',
    request: () => ['GET', '/api/users/lookup?loginOrEmail=nobody'],
    status: 404,
    body: { message: 'user not found' },
  },
  {
    name: 'another org data source (org Admin there) → 404 not 403',
    setup: (w) =>
      must(w.fake, 'POST', '/api/datasources', { org: 1, body: { name: 'main', uid: 'main', type: 'prometheus' } }),
    request: (w) => ['GET', '/api/datasources/uid/main', { org: w.orgId }],
    status: 404,
    body: { message: 'Data source not found' },
  },
  {
    name: 'another org team → 404',
    setup: (w) => must(w.fake, 'POST', '/api/teams', { org: 1, body: { name: 'main-team' } }),
    request: (w, s) => ['GET', `/api/teams/${s.teamId}`, { org: w.orgId }],
    status: 404,
    body: { message: 'Team not found' },
  },
  {
    name: 'another org dashboard → 404',
    setup: (w) => must(w.fake, 'POST', '/api/dashboards/db', { org: 1, body: { dashboard: { uid: 'm', title: 'M' } } }),
    request: (w) => ['GET', '/api/dashboards/uid/m', { org: w.orgId }],
    status: 404,
    body: { status: 'not-found', message: 'Dashboard not found' },
  },
  {
    name: 'another org folder → 404',
    setup: (w) => must(w.fake, 'POST', '/api/folders', { org: 1, body: { uid: 'mf', title: 'MF' } }),
    request: (w) => ['GET', '/api/folders/mf', { org: w.orgId }],
    status: 404,
    body: { status: 'not-found', message: 'folder not found' },
  },
];

runCases('CONTRACT §12: conflicts, validation, not found', cases);
