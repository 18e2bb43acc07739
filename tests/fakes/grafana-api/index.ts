/**
 * FakeGrafana — an in-memory fake of Grafana 12.x's HTTP API for the tenancy app's tests,
 * honouring ../shared/grafana-api/CONTRACT.md (§12 checklist). One module per resource group in
 * routes/, plus auth.ts (identities, org selection), state.ts (rows, global id counters, uids),
 * router.ts, proxy.ts, server.ts (node:http), backendSrv.ts (getBackendSrv stand-in),
 * transport.ts (in-process Transport for GrafanaApi).
 *
 * §12 items covered (tests: tests/contract/checklist.test.ts, tests/contract/flows.test.ts):
 * - State/ids: org 1 `Main Org.` + `admin`/`admin` (Server Admin, Admin of org 1); one global
 *   counter per entity type (folders share the dashboard counter, SAs the user counter); random
 *   14-char uids; caller uids ≤40 chars of [a-zA-Z0-9-_] (400 texts of §10); everything keyed by org.
 * - Org selection: targetOrgId → X-Grafana-Org-Id → stored current org; POST /api/user/using
 *   (401 `Not a valid organization`); non-members have no role (403 on org-scoped calls) while
 *   Server Admins keep /api/orgs*, /api/admin/*, /api/users/*, /api/orgs/{id}/users*.
 * - SA tokens: fixed org (401 `API key does not belong to the requested organization`), 403 on
 *   global endpoints, 403 `Endpoint only available for users` on /api/user/teams, /api/user/using.
 * - OSS roles: Viewer reads/queries data sources, folders, dashboards, search; Editor writes
 *   folders/dashboards; org Admin: teams, data sources, SAs, plugin settings, org users.
 * - getBackendSrv stand-in (fakeBackendSrv) overwrites X-Grafana-Org-Id, renames Authorization.
 * - Side effects: org creator → Admin; admin-created users → org 1 (or orgId) as Viewer; team
 *   creator (users only) → member with permission 4; first data source default; empty name →
 *   type name; app enable imports bundled dashboards (root, plugin id), disable deletes them,
 *   repeated enable does nothing; org delete cascades (memberships, teams, data sources, SAs,
 *   tokens, folders, dashboards, plugin settings).
 * - Conflicts/validation with exact status + message: org name 409; user 412; org member 409
 *   (+userId) / 404 `User not found`; team 409 create / 400 update; team member 400; data source
 *   name/uid 409, rename 409 with prefix; SA 400, SA token 400 (per org), SA create 201; dashboard
 *   versioning, 412 version-mismatch / plugin-dashboard, same titles accepted (optional ≤11.x
 *   `name-exists` switch); folder 412 version-mismatch, empty title 400; search limit > 5000 → 422.
 * - Not found: org (404 / delete 404 / delete active org 400), team, data source, proxy uid,
 *   dashboard and folder (status-tagged), SA, plugin (GET and POST texts); other orgs' objects 404.
 * - Secrets: secureJsonData never returned (secureJsonFields), merged on data source PUT and plugin
 *   settings POST; jsonData/flags replaced; proxy headers from httpHeaderNameN/ValueN (stop at first
 *   gap); Prometheus POST/PUT/DELETE to non-routes 403; upstream 401 → 400.
 * - Pagination: teams/SA/user search 1-based with totals; /api/orgs 0-based, prefix query;
 *   /api/search 1-based limit pages; /api/user/teams only the current org.
 * Not covered: dashboard ACLs (only folder ACLs), /api/ds/query, quotas, alerting, provisioned
 * (readOnly) objects beyond the flag, LBAC rules API.
 *
 * Test hooks: seed helpers (createUser, installPlugin, setBundledDashboards, sessionFor,
 * serviceAccountToken), request log (`log`, `counts()`, `resetLog()`), fault injection
 * (`failOn(predicate, spec)`, `failWrite(k, spec)`, `clearFaults()`).
 */
export { FakeGrafana } from './fakeGrafana';
export type { FakeGrafanaOptions, FaultSpec, FaultTarget, RequestLogEntry, SeedUser } from './fakeGrafana';
export type { FakeRequest, FakeResponse } from './http';
export { startFakeGrafanaServer } from './server';
export type { FakeGrafanaServer, FakeGrafanaServerOptions } from './server';
export { fakeBackendSrv } from './backendSrv';
export type {
  FakeBackendSrv,
  FakeBackendSrvOptions,
  FakeFetchError,
  FakeFetchOptions,
  FakeFetchResponse,
} from './backendSrv';
export { fakeTransport, authHeaders } from './transport';
export type { FakeAuth } from './transport';
export type { Upstream } from './proxy';
export type { BundledDashboard, OrgRole as FakeOrgRole } from './state';
export { customHeaders } from './routes/datasources';
export { FAKE_FEATURE_TOGGLES, FAKE_VARIANTS } from './featureToggles';
export type { FakeFeatureToggle } from './featureToggles';
