/** @jest-environment node */
/**
 * Grafana 12.x answers the fake must reproduce (issue #20 item 4 and the feature-toggle shapes),
 * checked against every variant of the fake. Each row names the Grafana source it follows:
 *
 * | call                                             | answer                                       | source                                                        |
 * | ------------------------------------------------ | -------------------------------------------- | ------------------------------------------------------------- |
 * | GET /api/frontend/settings                       | featureToggles map, buildInfo.version        | pkg/api/frontendsettings.go GetFrontendSettings                |
 * | GET /api/teams/:unknown/members                  | 200 []                                       | teamapi/team_members.go getTeamMembers (no existence check)    |
 * | DELETE /api/teams/:id/members/:nonMember         | 200 "Team Member removed"                    | teamapi/team_members.go removeTeamMember                        |
 * | POST /api/dashboards/import without a dashboard  | 422 "Dashboard must be set"                  | dashboardimport service ImportDashboard                        |
 * | DELETE /api/orgs/:current                        | 400 "Cannot delete your active organization" | pkg/api/org.go DeleteOrgByID (≥12 text, CONTRACT §4)          |
 * | PATCH /api/orgs/:o/users/:synced                 | 403 errutil org.externallySynced             | pkg/api/org_users.go updateOrgUserHelper                        |
 * | POST app settings enabled:true                   | dashboards appear after the 200              | plugindashboards/service/dashboard_updater.go (event handler) |
 * | kubernetesTeamsRedirect: GET /api/teams/search   | teams without id; GET /api/teams/:uid has it | team/team.go MiddlewareTeamUIDResolver                         |
 * | kubernetesFolders: GET /api/folders?page=2       | the whole list again; 404 is a k8s Status    | CONTRACT "Found against Grafana's source"                      |
 * | unifiedStorageSearchUI: GET /api/search          | hits without id / folderId                   | CONTRACT "Found against Grafana's source"                      |
 */
import { FAKE_VARIANTS, FakeGrafana, type FakeFeatureToggle } from '../fakes/grafana-api';
import { call, must } from './helpers';

async function world(featureToggles: FakeFeatureToggle[], pluginDashboardDelay = 0) {
  const fake = new FakeGrafana({ featureToggles, pluginDashboardDelay });
  fake.setBundledDashboards('mtlabs-tenancy-app', [
    { path: 'dashboards/overview.json', json: { uid: 'mt-overview', title: 'Tenant overview' }, revision: 1 },
  ]);
  const { orgId } = await must(fake, 'POST', '/api/orgs', { body: { name: 'tenant-a' } });
  const alice = fake.createUser({ login: 'alice', orgId, role: 'Viewer' });
  const sso = fake.createUser({ login: 'sso-bob', orgId, role: 'Viewer', authModule: 'ldap' });
  const { teamId } = await must(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'ops' } });
  return { fake, orgId: orgId as number, alice, sso, teamId: teamId as number };
}

describe.each(FAKE_VARIANTS)('Grafana 12.x answers ($name)', ({ featureToggles }) => {
  const on = (t: FakeFeatureToggle) => featureToggles.includes(t);

  it('frontend settings list the enabled toggles and the version', async () => {
    const { fake } = await world(featureToggles);
    const body = await must(fake, 'GET', '/api/frontend/settings');
    expect(body.featureToggles).toEqual(Object.fromEntries(featureToggles.map((t) => [t, true])));
    expect(body.buildInfo.version).toBe('12.4.0');
  });

  it('item 4: members of an unknown team, removing a non-member, import without a dashboard, deleting the active org', async () => {
    const { fake, orgId, alice, teamId } = await world(featureToggles);
    expect(await call(fake, 'GET', '/api/teams/987654/members', { org: orgId })).toEqual({ status: 200, body: [] });
    expect(await call(fake, 'DELETE', `/api/teams/${teamId}/members/${alice.id}`, { org: orgId })).toEqual({
      status: 200,
      body: { message: 'Team Member removed' },
    });
    expect(await call(fake, 'POST', '/api/dashboards/import', { org: orgId, body: { overwrite: true } })).toEqual({
      status: 422,
      body: { message: 'Dashboard must be set' },
    });
    expect(await call(fake, 'DELETE', '/api/orgs/1')).toEqual({
      status: 400,
      body: { message: 'Cannot delete your active organization' },
    });
  });

  it('externally synced users are marked in the org users list and their role cannot be changed', async () => {
    const { fake, orgId, sso } = await world(featureToggles);
    const users = await must(fake, 'GET', `/api/orgs/${orgId}/users`);
    expect(users.find((u: { login: string }) => u.login === 'sso-bob')).toMatchObject({
      authLabels: ['LDAP'],
      isExternallySynced: true,
    });
    expect(users.find((u: { login: string }) => u.login === 'alice')).toMatchObject({
      authLabels: [],
      isExternallySynced: false,
    });
    expect(await call(fake, 'PATCH', `/api/orgs/${orgId}/users/${sso.id}`, { body: { role: 'Editor' } })).toEqual({
      status: 403,
      body: {
        message: 'cannot change role for externally synced user',
        messageId: 'org.externallySynced',
        statusCode: 403,
      },
    });
  });

  it('bundled dashboards may appear after the settings POST answered', async () => {
    const { fake, orgId } = await world(featureToggles, 2);
    await must(fake, 'POST', '/api/plugins/mtlabs-tenancy-app/settings', { org: orgId, body: { enabled: true } });
    const search = () => must(fake, 'GET', '/api/search?type=dash-db', { org: orgId });
    expect(await search()).toEqual([]);
    expect((await search()).map((h: { uid: string }) => h.uid)).toEqual(['mt-overview']);
  });

  it('team search: ids present unless kubernetesTeamsRedirect; a uid in the path resolves either way', async () => {
    const { fake, orgId, teamId } = await world(featureToggles);
    const { teams } = await must(fake, 'GET', '/api/teams/search', { org: orgId });
    expect(teams[0].id).toBe(on('kubernetesTeamsRedirect') ? undefined : teamId);
    const byUid = await must(fake, 'GET', `/api/teams/${teams[0].uid}`, { org: orgId });
    expect(byUid).toMatchObject({ id: teamId, name: 'ops' });
  });

  it('folders: paging honoured unless kubernetesFolders; not-found body per variant', async () => {
    const { fake, orgId } = await world(featureToggles);
    for (const uid of ['f1', 'f2', 'f3']) {
      await must(fake, 'POST', '/api/folders', { org: orgId, body: { uid, title: uid } });
    }
    const page2 = await must(fake, 'GET', '/api/folders?limit=2&page=2', { org: orgId });
    expect(page2.map((f: { uid: string }) => f.uid)).toEqual(on('kubernetesFolders') ? ['f1', 'f2', 'f3'] : ['f3']);
    const missing = await call(fake, 'GET', '/api/folders/nope', { org: orgId });
    expect(missing).toEqual({
      status: 404,
      body: on('kubernetesFolders')
        ? expect.objectContaining({
            kind: 'Status',
            reason: 'NotFound',
            code: 404,
            message: 'folders.folder.grafana.app "nope" not found',
          })
        : { status: 'not-found', message: 'folder not found' },
    });
  });

  it('search hits carry numeric ids unless unifiedStorageSearchUI', async () => {
    const { fake, orgId } = await world(featureToggles);
    await must(fake, 'POST', '/api/folders', { org: orgId, body: { uid: 'f1', title: 'F1' } });
    const [hit] = await must(fake, 'GET', '/api/search', { org: orgId });
    expect(hit.uid).toBe('f1');
    expect(typeof hit.id).toBe(on('unifiedStorageSearchUI') ? 'undefined' : 'number');
  });
});
