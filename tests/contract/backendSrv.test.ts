/** @jest-environment node */
/**
 * fakeBackendSrv behaves like Grafana's getBackendSrv (CONTRACT §2.3): a caller-supplied
 * X-Grafana-Org-Id is overwritten with the UI org, Authorization becomes X-DS-Authorization.
 */
import { FakeFetchError, fakeBackendSrv, FakeGrafana, startFakeGrafanaServer } from '../fakes/grafana-api';
import { must } from './helpers';

describe('fakeBackendSrv', () => {
  it.each(['in-process', 'http'] as const)(
    '%s: the caller-supplied org header is ignored; the UI org wins',
    async (mode) => {
      const fake = new FakeGrafana();
      const { orgId } = await must(fake, 'POST', '/api/orgs', { body: { name: 'tenant-a' } });
      await must(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'tenant-team' } });
      const server = mode === 'http' ? await startFakeGrafanaServer(fake) : undefined;
      try {
        const srv = server
          ? fakeBackendSrv(server.url, { orgId: 1, session: fake.sessionFor('admin') })
          : fakeBackendSrv(fake, { orgId: 1 });
        const res = await srv.get('/api/teams/search', undefined, undefined, {
          headers: { 'X-Grafana-Org-Id': String(orgId) },
        });
        expect(res.teams).toEqual([]); // acted on org 1, not the org the caller asked for
        expect(srv.sent[0].headers['X-Grafana-Org-Id']).toBe('1');
        srv.setOrgId(orgId);
        expect((await srv.get('/api/teams/search')).teams.map((t: { name: string }) => t.name)).toEqual([
          'tenant-team',
        ]);
      } finally {
        await server?.stop();
      }
    }
  );

  it('renames Authorization to X-DS-Authorization and rejects with a FetchError-like value', async () => {
    const fake = new FakeGrafana();
    const srv = fakeBackendSrv(fake, { orgId: 1 });
    await expect(
      srv.get('/api/datasources/uid/nope', undefined, undefined, { headers: { Authorization: 'Bearer glsa_x' } })
    ).rejects.toMatchObject({
      status: 404,
      data: { message: 'Data source not found' },
    } satisfies Partial<FakeFetchError>);
    expect(srv.sent[0].headers).toMatchObject({ 'X-DS-Authorization': 'Bearer glsa_x' });
    expect(Object.keys(srv.sent[0].headers)).not.toContain('Authorization');
  });

  it('fetch() returns an Observable of a FetchResponse; params become the query string', async () => {
    const fake = new FakeGrafana();
    await must(fake, 'POST', '/api/teams', { body: { name: 'x-team' } });
    const srv = fakeBackendSrv(fake, { orgId: 1 });
    const res = await new Promise<any>((resolve, reject) =>
      srv.fetch({ url: '/api/teams/search', params: { query: 'x-' } }).subscribe({ next: resolve, error: reject })
    );
    expect(res).toMatchObject({ status: 200, ok: true, data: { totalCount: 1 } });
    expect(srv.sent[0].url).toBe('/api/teams/search?query=x-');
  });
});

describe('startFakeGrafanaServer', () => {
  it('serves the API over HTTP with JSON bodies, a fallback for other paths, and stops', async () => {
    const fake = new FakeGrafana();
    const server = await startFakeGrafanaServer(fake, {
      fallback: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>app</html>'),
    });
    const auth = { Authorization: 'Basic ' + Buffer.from('admin:admin').toString('base64') };
    try {
      const created = await fetch(server.url + '/api/orgs', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"name":"h"}',
      });
      expect([created.status, await created.json()]).toEqual([200, { orgId: 2, message: 'Organization created' }]);
      const bad = await fetch(server.url + '/api/orgs', { method: 'POST', headers: auth, body: '{not json' });
      expect([bad.status, await bad.json()]).toEqual([400, { message: 'bad request data' }]);
      expect(await (await fetch(server.url + '/a/mtlabs-tenancy-app/tenants')).text()).toBe('<html>app</html>');
      const login = await fetch(server.url + '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"user":"admin","password":"admin"}',
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      expect((await (await fetch(server.url + '/api/user', { headers: { cookie } })).json()).login).toBe('admin');
    } finally {
      await server.stop();
    }
    await expect(fetch(server.url + '/api/health')).rejects.toThrow();
  });
});
