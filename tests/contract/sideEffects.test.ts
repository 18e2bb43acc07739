/** @jest-environment node */
/** CONTRACT §12: state/identifiers, org selection, creation side effects, secrets, pagination. */
import { FakeGrafana } from '../fakes/grafana-api';
import { call, mustConform, world } from './helpers';

const ok = mustConform;

describe('state and identifiers', () => {
  it('starts with org 1 Main Org. and admin (Server Admin, Admin of org 1)', async () => {
    const fake = new FakeGrafana();
    expect(await ok(fake, 'GET', '/api/orgs')).toEqual([{ id: 1, name: 'Main Org.' }]);
    expect(await ok(fake, 'GET', '/api/user')).toMatchObject({ id: 1, login: 'admin', isGrafanaAdmin: true, orgId: 1 });
    expect(await ok(fake, 'GET', '/api/user/orgs')).toEqual([{ orgId: 1, name: 'Main Org.', role: 'Admin' }]);
  });

  it('ids come from one global counter per type, never reused; uids are random, not from names', async () => {
    const { fake, orgId } = await world();
    const t1 = await ok(fake, 'POST', '/api/teams', { org: 1, body: { name: 'same' } });
    const t2 = await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'same' } });
    await ok(fake, 'DELETE', `/api/teams/${t2.teamId}`, { org: orgId });
    const t3 = await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'same' } });
    expect([t1.teamId, t2.teamId, t3.teamId]).toEqual([1, 2, 3]);
    const d1 = await ok(fake, 'POST', '/api/datasources', { org: 1, body: { name: 'prom', type: 'prometheus' } });
    const d2 = await ok(fake, 'POST', '/api/datasources', { org: orgId, body: { name: 'prom', type: 'prometheus' } });
    expect(d2.id).toBe(d1.id + 1);
    expect(d1.datasource.uid).toMatch(/^[a-z0-9]{14}$/);
    expect(d1.datasource.uid).not.toBe(d2.datasource.uid);
    expect(d1.datasource.uid).not.toContain('prom');
    const f = await ok(fake, 'POST', '/api/folders', { org: orgId, body: { title: 'F' } });
    const d = await ok(fake, 'POST', '/api/dashboards/db', { org: 1, body: { dashboard: { title: 'D' } } });
    expect(d.id).toBe(f.id + 1); // folders and dashboards share the dashboard table
  });
});

describe('org selection', () => {
  it('targetOrgId beats X-Grafana-Org-Id beats the stored current org', async () => {
    const { fake, orgId } = await world();
    await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'in-tenant' } });
    const names = async (url: string, org?: number) =>
      ((await ok(fake, 'GET', url, { org })).teams as Array<{ name: string }>).map((t) => t.name);
    expect(await names('/api/teams/search')).toEqual([]); // stored current org = 1
    expect(await names('/api/teams/search', orgId)).toEqual(['in-tenant']);
    expect(await names(`/api/teams/search?targetOrgId=1`, orgId)).toEqual([]);
    expect(await names(`/api/teams/search?targetOrgId=${orgId}`, 1)).toEqual(['in-tenant']);
    await ok(fake, 'POST', `/api/user/using/${orgId}`);
    expect(await names('/api/teams/search')).toEqual(['in-tenant']);
    expect((await ok(fake, 'GET', '/api/user')).orgId).toBe(orgId);
  });

  it('/api/user/teams lists only teams of the current org', async () => {
    const { fake, orgId } = await world();
    await ok(fake, 'POST', '/api/teams', { org: 1, body: { name: 'main' } });
    await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'tenant' } });
    expect((await ok(fake, 'GET', '/api/user/teams', { org: orgId })).map((t: { name: string }) => t.name)).toEqual([
      'tenant',
    ]);
    expect((await ok(fake, 'GET', '/api/user/teams')).map((t: { name: string }) => t.name)).toEqual(['main']);
  });

  it('session cookies authenticate like the signed-in user', async () => {
    const { fake, orgId } = await world();
    const res = await call(fake, 'GET', '/api/user', { auth: { session: fake.sessionFor('alice') }, org: orgId });
    expect(res.body).toMatchObject({ login: 'alice', orgId });
    const login = await fake.handle({ method: 'POST', url: '/login', body: { user: 'alice', password: 'pw' } });
    expect(login.headers?.['set-cookie']).toMatch(/^grafana_session=\w+;/);
  });
});

describe('creation side effects', () => {
  it('POST /api/orgs makes the caller Admin of the new org', async () => {
    const fake = new FakeGrafana();
    const { orgId } = await ok(fake, 'POST', '/api/orgs', { body: { name: 'x' } });
    expect(await ok(fake, 'GET', `/api/orgs/${orgId}/users`)).toEqual([
      expect.objectContaining({ login: 'admin', role: 'Admin' }),
    ]);
  });

  it('POST /api/admin/users adds the user to org 1 as Viewer, or to orgId', async () => {
    const { fake, orgId } = await world();
    const u1 = await ok(fake, 'POST', '/api/admin/users', { body: { login: 'u1', password: 'p' } });
    const u2 = await ok(fake, 'POST', '/api/admin/users', { body: { login: 'u2', password: 'p', orgId } });
    expect(
      (await ok(fake, 'GET', `/api/users/${u1.id}/orgs`)).map((o: { orgId: number; role: string }) => [o.orgId, o.role])
    ).toEqual([[1, 'Viewer']]);
    expect((await ok(fake, 'GET', `/api/users/${u2.id}/orgs`)).map((o: { orgId: number }) => o.orgId)).toEqual([orgId]);
    expect(
      (await call(fake, 'POST', '/api/admin/users', { body: { login: 'u3', password: 'p', orgId: 99 } })).status
    ).toBe(400);
  });

  it('a user creating a team becomes its Admin member (permission 4); an SA does not', async () => {
    const { fake, orgId } = await world();
    const byUser = await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'u' } });
    const bySa = await ok(fake, 'POST', '/api/teams', {
      auth: { bearer: fake.serviceAccountToken(orgId, 'p') },
      body: { name: 's' },
    });
    expect(await ok(fake, 'GET', `/api/teams/${byUser.teamId}/members`, { org: orgId })).toEqual([
      expect.objectContaining({ login: 'admin', permission: 4 }),
    ]);
    expect(await ok(fake, 'GET', `/api/teams/${bySa.teamId}/members`, { org: orgId })).toEqual([]);
  });

  it('first data source is default even if false was sent; empty name → type name', async () => {
    const { fake, orgId } = await world();
    const a = await ok(fake, 'POST', '/api/datasources', {
      org: orgId,
      body: { name: '', type: 'prometheus', isDefault: false },
    });
    const b = await ok(fake, 'POST', '/api/datasources', { org: orgId, body: { type: 'prometheus' } });
    expect([a.name, a.datasource.isDefault, b.name, b.datasource.isDefault]).toEqual([
      'prometheus',
      true,
      'prometheus-1',
      false,
    ]);
  });

  it('enabling an app imports its dashboards at the root; repeat does nothing; disable deletes; re-enable imports', async () => {
    const { fake, orgId } = await world();
    fake.installPlugin({
      id: 'acme-app',
      name: 'Acme',
      dashboards: [{ path: 'd/a.json', json: { uid: 'acme-a', title: 'Acme A' }, revision: 3 }],
    });
    const enable = (enabled: boolean) =>
      ok(fake, 'POST', '/api/plugins/acme-app/settings', { org: orgId, body: { enabled } });
    const hits = async () =>
      (await ok(fake, 'GET', '/api/search?type=dash-db', { org: orgId })) as Array<{ uid: string; folderUid?: string }>;
    await enable(true);
    expect(await hits()).toEqual([expect.objectContaining({ uid: 'acme-a' })]);
    expect((await hits())[0].folderUid).toBeUndefined();
    expect(
      (
        await call(fake, 'POST', '/api/dashboards/db', {
          org: orgId,
          body: { dashboard: { uid: 'acme-a', title: 'Mine', version: 1 } },
        })
      ).body
    ).toEqual({
      status: 'plugin-dashboard',
      message: 'The dashboard belongs to plugin Acme.',
    });
    await ok(fake, 'POST', '/api/dashboards/db', {
      org: orgId,
      body: { dashboard: { uid: 'acme-a', title: 'Edited' }, overwrite: true },
    });
    await enable(true);
    expect((await ok(fake, 'GET', '/api/dashboards/uid/acme-a', { org: orgId })).dashboard.title).toBe('Edited');
    await enable(false);
    expect(await hits()).toEqual([]);
    await enable(true);
    expect((await ok(fake, 'GET', '/api/dashboards/uid/acme-a', { org: orgId })).dashboard.title).toBe('Acme A');
    expect((await call(fake, 'GET', '/api/dashboards/uid/acme-a', { org: 1 })).status).toBe(404);
  });

  it('auto-enabled apps cannot be disabled', async () => {
    const { fake, orgId } = await world();
    fake.installPlugin({ id: 'auto-app', autoEnabled: true });
    expect(await ok(fake, 'GET', '/api/plugins/auto-app/settings', { org: orgId })).toMatchObject({
      enabled: true,
      pinned: true,
    });
    const res = await call(fake, 'POST', '/api/plugins/auto-app/settings', { org: orgId, body: { enabled: false } });
    expect([res.status, res.body]).toEqual([400, { message: 'Cannot disable auto-enabled plugin' }]);
  });

  it('deleting an org removes memberships, teams, data sources, SAs/tokens, folders and dashboards', async () => {
    const { fake, orgId, alice } = await world();
    const token = fake.serviceAccountToken(orgId, 'p');
    await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 't' } });
    await ok(fake, 'POST', '/api/datasources', { org: orgId, body: { name: 'p', type: 'prometheus' } });
    await ok(fake, 'POST', '/api/folders', { org: orgId, body: { uid: 'f', title: 'F' } });
    await ok(fake, 'POST', '/api/dashboards/db', {
      org: orgId,
      body: { dashboard: { uid: 'd', title: 'D' }, folderUid: 'f' },
    });
    await ok(fake, 'DELETE', `/api/orgs/${orgId}`);
    expect(fake.state.teamsOf(orgId)).toEqual([]);
    expect(fake.state.datasourcesOf(orgId)).toEqual([]);
    expect(fake.state.foldersOf(orgId)).toEqual([]);
    expect(fake.state.dashboardsOf(orgId)).toEqual([]);
    expect(fake.state.membership(orgId, alice.id)).toBeUndefined();
    expect((await call(fake, 'GET', '/api/datasources', { auth: { bearer: token } })).status).toBe(401);
    expect((await ok(fake, 'GET', `/api/users/${alice.id}/orgs`)).map((o: { orgId: number }) => o.orgId)).toEqual([1]);
  });
});

describe('team member permission and bulk memberships', () => {
  it('PUT /api/teams/{id}/members/{userId} sets 0/4; PUT /api/teams/{id}/members replaces the set', async () => {
    const { fake, orgId, alice, ed } = await world();
    const { teamId } = await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name: 't' } });
    await ok(fake, 'POST', `/api/teams/${teamId}/members`, { org: orgId, body: { userId: alice.id } });
    await ok(fake, 'PUT', `/api/teams/${teamId}/members/${alice.id}`, { org: orgId, body: { permission: 4 } });
    const perms = async () =>
      (
        (await ok(fake, 'GET', `/api/teams/${teamId}/members`, { org: orgId })) as Array<{
          login: string;
          permission: number;
        }>
      ).map((m) => [m.login, m.permission]);
    expect(await perms()).toEqual([
      ['admin', 4],
      ['alice', 4],
    ]);
    expect(
      (await call(fake, 'PUT', `/api/teams/${teamId}/members/${ed.id}`, { org: orgId, body: { permission: 4 } })).status
    ).toBe(404);
    await ok(fake, 'PUT', `/api/teams/${teamId}/members`, {
      org: orgId,
      body: { members: ['ed'], admins: ['alice@example.com'] },
    });
    expect(await perms()).toEqual([
      ['alice', 4],
      ['ed', 0],
    ]);
  });
});

describe('dashboards: optional ≤11.x name-exists, plugin imports by path', () => {
  it('rejectDuplicateDashboardTitles reproduces 412 name-exists in one folder only', async () => {
    const fake = new FakeGrafana({ rejectDuplicateDashboardTitles: true });
    await ok(fake, 'POST', '/api/folders', { body: { uid: 'f', title: 'F' } });
    await ok(fake, 'POST', '/api/dashboards/db', { body: { dashboard: { title: 'Same' } } });
    const dup = await call(fake, 'POST', '/api/dashboards/db', { body: { dashboard: { title: 'same' } } });
    expect([dup.status, dup.body]).toEqual([
      412,
      { status: 'name-exists', message: 'A dashboard with the same name in the folder already exists' },
    ]);
    expect(
      (await call(fake, 'POST', '/api/dashboards/db', { body: { dashboard: { title: 'Same' }, folderUid: 'f' } }))
        .status
    ).toBe(200);
  });

  it('POST /api/dashboards/import with pluginId + path imports the bundled dashboard, owned by the plugin', async () => {
    const fake = new FakeGrafana();
    fake.setBundledDashboards('mtlabs-tenancy-app', [
      {
        path: 'dashboards/x.json',
        json: { uid: 'x', title: 'X', __inputs: [{ name: 'DS' }], panels: [{ ds: '${DS}' }] },
        revision: 4,
      },
    ]);
    await ok(fake, 'POST', '/api/folders', { body: { uid: 'f', title: 'F' } });
    const res = await ok(fake, 'POST', '/api/dashboards/import', {
      body: {
        pluginId: 'mtlabs-tenancy-app',
        path: 'dashboards/x.json',
        overwrite: true,
        folderUid: 'f',
        inputs: [{ name: 'DS', type: 'datasource', pluginId: 'prometheus', value: 'prom-a' }],
      },
    });
    expect(res).toMatchObject({
      uid: 'x',
      pluginId: 'mtlabs-tenancy-app',
      folderUid: 'f',
      importedRevision: 4,
      imported: true,
    });
    const got = await ok(fake, 'GET', '/api/dashboards/uid/x');
    expect(got.dashboard.panels).toEqual([{ ds: 'prom-a' }]);
    expect(got.dashboard.__inputs).toBeUndefined();
    expect(
      (await call(fake, 'POST', '/api/dashboards/db', { body: { dashboard: { ...got.dashboard } } })).body
    ).toMatchObject({ status: 'plugin-dashboard' });
    expect(
      (
        await call(fake, 'POST', '/api/dashboards/import', {
          body: { pluginId: 'mtlabs-tenancy-app', path: 'nope.json' },
        })
      ).status
    ).toBe(404);
  });
});
