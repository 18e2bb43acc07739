/** @jest-environment node */
/**
 * Realistic provisioning flows through GrafanaApi → FakeGrafana; every response body is validated
 * against the schema of its path + status in openapi-subset.json.
 */
import { GrafanaApi, GrafanaApiError, NO_DELAY_RETRY_POLICY } from '../../src/grafana-api';
import { FAKE_VARIANTS, FakeGrafana, type FakeFeatureToggle } from '../fakes/grafana-api';
import { checkedTransport } from './recordingTransport';

const PLUGIN = 'mtlabs-tenancy-app';

function setup(featureToggles: FakeFeatureToggle[] = []) {
  const fake = new FakeGrafana({ featureToggles });
  fake.installPlugin({
    id: PLUGIN,
    type: 'app',
    name: 'Tenancy',
    dashboards: [
      {
        path: 'dashboards/overview.json',
        json: { uid: 'tenant-overview', title: 'Tenant overview', panels: [] },
        revision: 1,
      },
      { path: 'dashboards/agents.json', json: { uid: 'tenant-agents', title: 'Agents', panels: [] }, revision: 2 },
    ],
  });
  const checked = checkedTransport(fake);
  const api = new GrafanaApi(checked.transport, NO_DELAY_RETRY_POLICY);
  return { fake, api, checked };
}

async function expectStatus(p: Promise<unknown>, status: number): Promise<GrafanaApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GrafanaApiError);
    expect((e as GrafanaApiError).status).toBe(status);
    return e as GrafanaApiError;
  }
  throw new Error(`expected HTTP ${status}, the call succeeded`);
}

// The same flows against every shape the fake can answer with (tests/fakes/grafana-api/featureToggles.ts).
describe.each(FAKE_VARIANTS)('tenant onboarding flow conforms to openapi-subset.json ($name)', ({ featureToggles }) => {
  it('org, users, teams, data source, folder, permissions, dashboards, plugin settings', async () => {
    const { fake, api, checked } = setup(featureToggles);
    const alice = fake.createUser({ login: 'alice', email: 'alice@example.com' });

    const { orgId } = await api.createOrg('tenant-a');
    expect(await api.findOrgByName('tenant-a')).toMatchObject({ id: orgId, name: 'tenant-a' });
    expect((await api.listOrgs()).map((o) => o.name)).toEqual(['Main Org.', 'tenant-a']);
    expect(await api.getOrg(orgId)).toMatchObject({ id: orgId });

    const bob = await api.createUser({ login: 'bob', email: 'bob@example.com', password: 'pw-bob', name: 'Bob' });
    expect(await api.lookupUser('BOB@example.com')).toMatchObject({ id: bob.id, login: 'bob' });
    expect((await api.searchUsers('b')).map((u) => u.login)).toEqual(['bob']);
    await api.addOrgUser(orgId, 'alice', 'Editor');
    await api.addOrgUser(orgId, 'bob', 'Viewer');
    await api.updateOrgUserRole(orgId, bob.id, 'Editor');
    const members = await api.listOrgUsers(orgId);
    expect(members.map((m) => [m.login, m.role])).toEqual([
      ['admin', 'Admin'],
      ['alice', 'Editor'],
      ['bob', 'Editor'],
    ]);

    const { teamId } = await api.createTeam(orgId, { name: 'ops' });
    await api.addTeamMember(orgId, teamId, alice.id);
    await api.updateTeam(orgId, teamId, { name: 'ops', email: 'ops@example.com' });
    expect((await api.listTeamMembers(orgId, teamId)).map((m) => [m.login, m.permission])).toEqual([
      ['admin', 4],
      ['alice', 0],
    ]);
    expect(await api.searchTeams(orgId)).toEqual([
      expect.objectContaining({ id: teamId, name: 'ops', memberCount: 2 }),
    ]);
    expect(await api.getTeam(orgId, teamId)).toMatchObject({ email: 'ops@example.com' });

    const created = await api.createDataSource(orgId, {
      name: 'prom-tenant-a',
      uid: 'prom-tenant-a',
      type: 'prometheus',
      access: 'proxy',
      url: 'http://proxy:9090',
      jsonData: { httpHeaderName1: 'X-Tenant' },
      secureJsonData: { httpHeaderValue1: 'a' },
    });
    expect(created.datasource).toMatchObject({ isDefault: true, secureJsonFields: { httpHeaderValue1: true } });
    expect(JSON.stringify(created)).not.toContain('secureJsonData');
    await api.updateDataSource(orgId, 'prom-tenant-a', {
      name: 'prom-tenant-a',
      type: 'prometheus',
      url: 'http://proxy:9091',
      isDefault: true,
      jsonData: {},
    });
    expect(await api.getDataSource(orgId, 'prom-tenant-a')).toMatchObject({ url: 'http://proxy:9091', version: 2 });
    expect(await api.listDataSources(orgId)).toHaveLength(1);

    const folder = await api.createFolder(orgId, { uid: 'tenant-a', title: 'Tenant A' });
    await api.updateFolder(orgId, 'tenant-a', { title: 'Tenant A dashboards', version: folder.version });
    expect(await api.listFolders(orgId)).toEqual([
      expect.objectContaining({ uid: 'tenant-a', title: 'Tenant A dashboards' }),
    ]);
    await api.setFolderPermissions(orgId, 'tenant-a', [
      { teamId, permission: 2 },
      { role: 'Viewer', permission: 1 },
    ]);
    expect((await api.getFolderPermissions(orgId, 'tenant-a')).map((p) => [p.teamId ?? p.role, p.permission])).toEqual([
      [teamId, 2],
      ['Viewer', 1],
    ]);

    const saved = await api.saveDashboard(orgId, {
      dashboard: { uid: 'custom', title: 'Custom', panels: [] },
      folderUid: 'tenant-a',
    });
    expect(saved).toMatchObject({ status: 'success', version: 1, uid: 'custom' });
    const imported = await api.importDashboard(orgId, {
      dashboard: { uid: 'imp', title: 'Imported', panels: [{ datasource: '${DS_PROM}' }] },
      inputs: [{ name: 'DS_PROM', type: 'datasource', pluginId: 'prometheus', value: 'prom-tenant-a' }],
      overwrite: true,
      folderUid: 'tenant-a',
    });
    expect(imported).toMatchObject({ uid: 'imp', folderUid: 'tenant-a' });
    expect((await api.getDashboard(orgId, 'imp')).dashboard.panels).toEqual([{ datasource: 'prom-tenant-a' }]);

    expect(await api.getPluginSettings(orgId, PLUGIN)).toMatchObject({ enabled: false });
    await api.updatePluginSettings(orgId, PLUGIN, { enabled: true, pinned: true, jsonData: { managed: true } });
    expect((await api.searchDashboards(orgId, { type: 'dash-db' })).map((h) => h.uid).sort()).toEqual([
      'custom',
      'imp',
      'tenant-agents',
      'tenant-overview',
    ]);
    expect(await api.getPluginSettings(orgId, PLUGIN)).toMatchObject({ enabled: true, jsonData: { managed: true } });

    const sa = await api.createServiceAccount(orgId, { name: 'provisioner', role: 'Admin' });
    expect(await api.createServiceAccountToken(orgId, sa.id, 'tok')).toMatchObject({
      key: expect.stringMatching(/^glsa_/),
    });
    expect(await api.searchServiceAccounts(orgId)).toEqual([
      expect.objectContaining({ name: 'provisioner', tokens: 1 }),
    ]);

    await api.removeTeamMember(orgId, teamId, alice.id);
    await api.deleteDashboard(orgId, 'custom');
    await api.deleteDataSource(orgId, 'prom-tenant-a');
    await api.deleteTeam(orgId, teamId);
    await api.removeOrgUser(orgId, bob.id);
    await api.deleteFolder(orgId, 'tenant-a');
    await api.deleteServiceAccount(orgId, sa.id);
    await api.updateOrg(orgId, 'tenant-a-renamed');
    await api.deleteOrg(orgId);
    expect(await api.findOrgByName('tenant-a-renamed')).toBeUndefined();

    expect(checked.problems).toEqual([]);
    expect(checked.calls.length).toBeGreaterThan(40);
  });

  it('error answers conform too (conflicts, not found, validation)', async () => {
    const { api, checked } = setup(featureToggles);
    const { orgId } = await api.createOrg('t');
    await expectStatus(api.createOrg('t'), 409);
    await expectStatus(api.getOrg(9999), 404);
    await expectStatus(api.addOrgUser(orgId, 'admin', 'Admin'), 409);
    await expectStatus(api.addOrgUser(orgId, 'nobody', 'Viewer'), 404);
    await expectStatus(api.createUser({ login: 'ADMIN', password: 'x' }), 412);
    const { teamId } = await api.createTeam(orgId, { name: 'a' });
    await api.createTeam(orgId, { name: 'b' });
    await expectStatus(api.createTeam(orgId, { name: 'a' }), 409);
    await expectStatus(api.updateTeam(orgId, teamId, { name: 'b' }), 400);
    await expectStatus(api.getTeam(orgId, 424242), 404);
    await expectStatus(api.addTeamMember(orgId, teamId, 1), 400);
    await api.createDataSource(orgId, { name: 'p', uid: 'p', type: 'prometheus' });
    await expectStatus(api.createDataSource(orgId, { name: 'p', type: 'prometheus' }), 409);
    await expectStatus(api.getDataSource(orgId, 'missing'), 404);
    await expectStatus(api.deleteDataSource(orgId, 'missing'), 404);
    await api.createFolder(orgId, { uid: 'f', title: 'F' });
    await expectStatus(api.updateFolder(orgId, 'f', { title: 'G' }), 412);
    await expectStatus(api.createFolder(orgId, { title: '' }), 400);
    await expectStatus(api.getFolder(orgId, 'nope'), 404);
    await expectStatus(api.getDashboard(orgId, 'nope'), 404);
    await expectStatus(api.saveDashboard(orgId, { dashboard: { title: '' } }), 400);
    await api.saveDashboard(orgId, { dashboard: { uid: 'd', title: 'D' } });
    await expectStatus(api.saveDashboard(orgId, { dashboard: { uid: 'd', title: 'D', version: 0 } }), 412);
    await expectStatus(api.getPluginSettings(orgId, 'not-installed'), 404);
    await expectStatus(api.request('GET', '/api/search?limit=5001', { orgId }), 422);
    await expectStatus(api.deleteOrg(9999), 404);
    expect(checked.problems).toEqual([]);
  });
});
