/** @jest-environment node */
/** CONTRACT §12 checklist, org selection, auth and OSS roles: exact status and message per case. */
import { must } from './helpers';
import { Case, Req, runCases, SA } from './checklistTable';

const cases: Case[] = [
  // --- org selection and auth ---
  {
    name: 'no credentials → 401',
    request: () => ['GET', '/api/orgs', { auth: { none: true } }],
    status: 401,
    body: { message: 'Unauthorized' },
  },
  {
    name: 'wrong password → 401',
    request: () => ['GET', '/api/orgs', { auth: { basic: { user: 'admin', password: 'x' } } }],
    status: 401,
    body: { message: 'Invalid username or password' },
  },
  {
    name: 'user/using: non-member → 401',
    request: (w) => ['POST', `/api/user/using/${w.orgId}`, { auth: { basic: { user: 'ghost', password: 'pw' } } }],
    setup: async (w) => void w.fake.createUser({ login: 'ghost', password: 'pw' }),
    status: 401,
    body: { message: 'Not a valid organization' },
  },
  {
    name: 'user/using: unknown org → 401',
    request: () => ['POST', '/api/user/using/999'],
    status: 401,
    body: { message: 'Not a valid organization' },
  },
  {
    name: 'user/using: not a number → 400',
    request: () => ['POST', '/api/user/using/abc'],
    status: 400,
    body: { message: 'id is invalid' },
  },
  {
    name: 'user/using: member → 200',
    request: (w) => ['POST', `/api/user/using/${w.orgId}`],
    status: 200,
    body: { message: 'Active organization changed' },
  },
  {
    name: 'non-member selecting an org: org-scoped write → 403',
    request: (w) => ['POST', '/api/teams', { auth: w.as('alice'), org: 1, body: { name: 'x' } }],
    setup: async (w) => void (await must(w.fake, 'DELETE', `/api/orgs/1/users/${w.alice.id}`)),
    status: 403,
    body: { message: expect.stringContaining('Permissions needed: teams:create') },
    partial: true,
  },
  {
    name: 'Server Admin not member of org: /api/orgs/{id}/users still allowed',
    setup: async (w) => void (await must(w.fake, 'DELETE', `/api/orgs/${w.orgId}/users/1`, { org: 1 })),
    request: (w) => ['GET', `/api/orgs/${w.orgId}/users`],
    status: 200,
  },
  {
    name: 'Server Admin not member: org-scoped data source create → 403',
    setup: async (w) => void (await must(w.fake, 'DELETE', `/api/orgs/${w.orgId}/users/1`)),
    request: (w) => ['POST', '/api/datasources', { org: w.orgId, body: { name: 'p', type: 'prometheus' } }],
    status: 403,
    body: { message: expect.stringContaining('datasources:create') },
    partial: true,
  },
  {
    name: 'SA token: other org in header → 401',
    request: async (w) => ['GET', '/api/datasources', { auth: await SA(w), org: 1 }] as Req,
    status: 401,
    body: {
      message: 'API key does not belong to the requested organization',
      messageId: 'api-key.organization-mismatch',
      statusCode: 401,
    },
  },
  {
    name: 'SA token: other org in targetOrgId → 401',
    request: async (w) => ['GET', '/api/datasources?targetOrgId=1', { auth: await SA(w) }] as Req,
    status: 401,
    body: { message: 'API key does not belong to the requested organization' },
    partial: true,
  },
  {
    name: 'SA token: own org → 200',
    request: async (w) => ['GET', '/api/datasources', { auth: await SA(w), org: w.orgId }] as Req,
    status: 200,
    body: [],
  },
  {
    name: 'SA token: /api/orgs → 403',
    request: async (w) => ['GET', '/api/orgs', { auth: await SA(w) }] as Req,
    status: 403,
    body: { message: expect.stringContaining('orgs:read') },
    partial: true,
  },
  {
    name: 'SA token: POST /api/admin/users → 403',
    request: async (w) =>
      ['POST', '/api/admin/users', { auth: await SA(w), body: { login: 'z', password: 'z' } }] as Req,
    status: 403,
  },
  {
    name: 'SA token: /api/users/lookup → 403',
    request: async (w) => ['GET', '/api/users/lookup?loginOrEmail=admin', { auth: await SA(w) }] as Req,
    status: 403,
  },
  {
    name: 'SA token: /api/user/teams → 403 users only',
    request: async (w) => ['GET', '/api/user/teams', { auth: await SA(w) }] as Req,
    status: 403,
    body: { message: 'Endpoint only available for users' },
  },
  {
    name: 'SA token: /api/user/using → 403 users only',
    request: async (w) => ['POST', `/api/user/using/${w.orgId}`, { auth: await SA(w) }] as Req,
    status: 403,
    body: { message: 'Endpoint only available for users' },
  },
  {
    name: 'SA creates a team: no creator membership',
    request: async (w) => ['POST', '/api/teams', { auth: await SA(w), body: { name: 'by-sa' } }] as Req,
    status: 200,
  },
  // --- OSS roles ---
  {
    name: 'Viewer lists data sources',
    request: (w) => ['GET', '/api/datasources', { auth: w.as('alice'), org: w.orgId }],
    status: 200,
  },
  {
    name: 'Viewer searches',
    request: (w) => ['GET', '/api/search', { auth: w.as('alice'), org: w.orgId }],
    status: 200,
  },
  {
    name: 'Viewer cannot create folders',
    request: (w) => ['POST', '/api/folders', { auth: w.as('alice'), org: w.orgId, body: { title: 'x' } }],
    status: 403,
  },
  {
    name: 'Editor creates folders',
    request: (w) => ['POST', '/api/folders', { auth: w.as('ed'), org: w.orgId, body: { title: 'x' } }],
    status: 200,
  },
  {
    name: 'Editor saves dashboards',
    request: (w) => [
      'POST',
      '/api/dashboards/db',
      { auth: w.as('ed'), org: w.orgId, body: { dashboard: { title: 'x' } } },
    ],
    status: 200,
  },
  {
    name: 'Editor cannot create data sources',
    request: (w) => [
      'POST',
      '/api/datasources',
      { auth: w.as('ed'), org: w.orgId, body: { name: 'p', type: 'prometheus' } },
    ],
    status: 403,
  },
  {
    name: 'Editor cannot create teams',
    request: (w) => ['POST', '/api/teams', { auth: w.as('ed'), org: w.orgId, body: { name: 'x' } }],
    status: 403,
  },
  {
    name: 'Editor cannot change plugin settings',
    request: (w) => [
      'POST',
      '/api/plugins/mtlabs-tenancy-app/settings',
      { auth: w.as('ed'), org: w.orgId, body: { enabled: true } },
    ],
    status: 403,
  },
  {
    name: 'org Admin creates data sources',
    request: (w) => [
      'POST',
      '/api/datasources',
      { auth: w.as('oa'), org: w.orgId, body: { name: 'p', type: 'prometheus' } },
    ],
    status: 200,
  },
  {
    name: 'org Admin adds org users (org in path)',
    request: (w) => [
      'POST',
      `/api/orgs/${w.orgId}/users`,
      { auth: w.as('oa'), body: { loginOrEmail: 'admin@localhost', role: 'Viewer' } },
    ],
    setup: async (w) => void (await must(w.fake, 'DELETE', `/api/orgs/${w.orgId}/users/1`)),
    status: 200,
  },
  {
    name: 'org Admin cannot create orgs',
    request: (w) => ['POST', '/api/orgs', { auth: w.as('oa'), body: { name: 'x' } }],
    status: 403,
  },
  {
    name: 'org Admin cannot create users',
    request: (w) => ['POST', '/api/admin/users', { auth: w.as('oa'), body: { login: 'x', password: 'x' } }],
    status: 403,
  },
  {
    name: 'org Admin of another org cannot list this org users',
    request: () => ['GET', '/api/orgs/1/users', { auth: { basic: { user: 'oa', password: 'pw' } } }],
    status: 403,
  },
];

runCases('CONTRACT §12: org selection, auth, roles', cases);
