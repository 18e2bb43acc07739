/** @jest-environment node */
import { FakeGrafana, fakeTransport, startFakeGrafanaServer } from '../../tests/fakes/grafana-api';
import {
  basicAuthTransport,
  browserFetchTransport,
  GrafanaApi,
  GrafanaApiError,
  NO_DELAY_RETRY_POLICY,
  Transport,
} from './index';

function apiOver(fake: FakeGrafana, transport: Transport = fakeTransport(fake), policy = {}) {
  return new GrafanaApi(transport, { ...NO_DELAY_RETRY_POLICY, ...policy });
}

async function rejection(p: Promise<unknown>): Promise<GrafanaApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GrafanaApiError);
    return e as GrafanaApiError;
  }
  throw new Error('expected a GrafanaApiError, the call succeeded');
}

describe('GrafanaApi org targeting', () => {
  it('sends the org of every org-scoped call as X-Grafana-Org-Id, independent of the current org', async () => {
    const fake = new FakeGrafana();
    const api = apiOver(fake);
    const { orgId } = await api.createOrg('tenant-a');
    await api.createTeam(orgId, { name: 'ops' });
    expect((await api.searchTeams(orgId)).map((t) => t.name)).toEqual(['ops']);
    expect(await api.searchTeams(1)).toEqual([]);
    expect(fake.log.filter((e) => e.path === '/api/teams').map((e) => e.orgId)).toEqual([orgId]);
  });
});

describe('GrafanaApi pagination', () => {
  it('searchTeams and listOrgs follow every page (1-based vs 0-based)', async () => {
    const fake = new FakeGrafana();
    for (let i = 0; i < 1001; i++) {
      fake.state.teams.set(fake.state.nextId('team'), {
        id: i + 1,
        uid: 'u' + i,
        orgId: 1,
        name: `team-${String(i).padStart(4, '0')}`,
        email: '',
        members: new Map(),
        created: '',
      });
    }
    for (let i = 0; i < 1000; i++) {
      fake.state.orgs.set(fake.state.nextId('org'), { id: i + 2, name: `org-${i}`, created: '' });
    }
    const api = apiOver(fake);
    const teams = await api.searchTeams(1);
    expect(teams).toHaveLength(1001);
    expect(new Set(teams.map((t) => t.id)).size).toBe(1001);
    const orgs = await api.listOrgs();
    expect(orgs).toHaveLength(1001);
    expect(new Set(orgs.map((o) => o.id)).size).toBe(1001);
    expect(fake.log.filter((e) => e.path === '/api/orgs').map((e) => e.query)).toEqual([
      '?perpage=1000&page=0',
      '?perpage=1000&page=1',
    ]);
  });
});

describe('GrafanaApi errors', () => {
  it.each([
    [
      '403 on an org-scoped call names server admin + org Admin',
      async (api: GrafanaApi, orgId: number) => api.createDataSource(orgId, { name: 'p', type: 'prometheus' }),
      403,
      /must be a Grafana server admin and Admin of org \d+/,
    ],
    [
      '403 on a global call names server admin',
      async (api: GrafanaApi) => api.createOrg('x'),
      403,
      /must be a Grafana server admin \(service accounts/,
    ],
    [
      '409 says re-read and plan again',
      async (api: GrafanaApi, orgId: number) => api.addOrgUser(orgId, 'bob', 'Viewer'),
      409,
      /User is already member of this organization\. It already exists/,
    ],
  ])('%s', async (_n, run, status, message) => {
    const fake = new FakeGrafana();
    const admin = apiOver(fake);
    const { orgId } = await admin.createOrg('t');
    fake.createUser({ login: 'bob', password: 'pw', orgId, role: 'Editor' });
    const bob = apiOver(fake, fakeTransport(fake, { auth: { basic: { user: 'bob', password: 'pw' } } }));
    const e = await rejection(run(status === 409 ? admin : bob, orgId));
    expect(e.status).toBe(status);
    expect(e.message).toMatch(message);
    expect(e.method).toMatch(/POST/);
    expect(e.path).toMatch(/^\/api\//);
  });

  it('lookups map 404 to undefined and other errors to GrafanaApiError', async () => {
    const fake = new FakeGrafana();
    const api = apiOver(fake);
    expect(await api.lookupUser('nobody')).toBeUndefined();
    expect(await api.findOrgByName('nope')).toBeUndefined();
    expect(await api.findDataSource(1, 'nope')).toBeUndefined();
    expect(await api.findFolder(1, 'nope')).toBeUndefined();
    expect(await api.findDashboard(1, 'nope')).toBeUndefined();
    const e = await rejection(api.getDataSource(1, 'nope'));
    expect([e.status, e.serverMessage, e.orgId]).toEqual([404, 'Data source not found', 1]);
  });
});

describe('GrafanaApi retries', () => {
  it('retries reads on 429/5xx with exponential backoff + jitter, then succeeds', async () => {
    const fake = new FakeGrafana();
    fake.failOn((t) => t.method === 'GET' && t.path === '/api/datasources', { status: 503, times: 2 });
    const sleeps: number[] = [];
    const api = apiOver(fake, fakeTransport(fake), {
      baseDelayMs: 100,
      maxDelayMs: 250,
      random: () => 0.5,
      sleep: async (ms: number) => void sleeps.push(ms),
    });
    expect(await api.listDataSources(1)).toEqual([]);
    expect(sleeps).toEqual([50, 100]);
    expect(fake.log.map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('does not retry writes unless marked safe', async () => {
    const fake = new FakeGrafana();
    const api = apiOver(fake);
    fake.failWrite(1, { status: 500 });
    expect((await rejection(api.createTeam(1, { name: 'a' }))).status).toBe(500);
    fake.failWrite(1, { status: 429 });
    await api.createTeam(1, { name: 'a' }, { retrySafe: true });
    expect(fake.log.map((e) => [e.method, e.status])).toEqual([
      ['POST', 500],
      ['POST', 429],
      ['POST', 200],
    ]);
  });

  it('gives up after `retries` and reports the last status; network errors become status 0', async () => {
    const fake = new FakeGrafana();
    fake.failOn(() => true, { status: 502, times: Infinity });
    const e = await rejection(apiOver(fake, fakeTransport(fake), { retries: 2 }).listOrgs());
    expect([e.status, fake.log.length]).toEqual([502, 3]);
    let calls = 0;
    const down: Transport = async () => {
      calls++;
      throw new Error('ECONNREFUSED');
    };
    const n = await rejection(apiOver(fake, down, { retries: 1 }).listOrgs());
    expect([n.status, calls]).toEqual([0, 2]);
    expect(n.message).toMatch(/network error: ECONNREFUSED\. Grafana could not be reached/);
  });

  it('a 4xx is never retried', async () => {
    const fake = new FakeGrafana();
    await rejection(apiOver(fake).getTeam(1, 999));
    expect(fake.log).toHaveLength(1);
  });
});

describe('HTTP transports against the fake server', () => {
  it('basicAuthTransport and browserFetchTransport carry auth and the org header', async () => {
    const fake = new FakeGrafana();
    const server = await startFakeGrafanaServer(fake);
    try {
      const api = apiOver(fake, basicAuthTransport(server.url, 'admin', 'admin'));
      const { orgId } = await api.createOrg('over-http');
      await api.createFolder(orgId, { uid: 'f', title: 'F' });
      expect(await api.listFolders(orgId)).toEqual([expect.objectContaining({ uid: 'f' })]);
      const session = fake.sessionFor('admin');
      const inits: Array<Record<string, unknown>> = [];
      // Node's fetch has no cookie jar: add the cookie the browser would send, and record the init.
      const browserLike = (url: string, init: { headers: Record<string, string>; method: string; body?: string }) => {
        inits.push(init as unknown as Record<string, unknown>);
        return fetch(url, { ...init, headers: { ...init.headers, Cookie: `grafana_session=${session}` } });
      };
      const browserApi = apiOver(fake, browserFetchTransport(server.url, browserLike));
      expect((await browserApi.listFolders(orgId)).map((f) => f.uid)).toEqual(['f']);
      expect(inits[0]).toMatchObject({ credentials: 'same-origin', headers: { 'X-Grafana-Org-Id': String(orgId) } });
      const bad = apiOver(fake, basicAuthTransport(server.url, 'admin', 'wrong'));
      expect((await rejection(bad.listOrgs())).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('GrafanaApiError hints', () => {
  it('names the org from the path for /api/orgs/{id}/… calls', async () => {
    const fake = new FakeGrafana();
    const { orgId } = await apiOver(fake).createOrg('t');
    fake.createUser({ login: 'eve', password: 'pw' });
    const eve = apiOver(fake, fakeTransport(fake, { auth: { basic: { user: 'eve', password: 'pw' } } }));
    const e = await rejection(eve.addOrgUser(orgId, 'eve', 'Admin'));
    expect(e.message).toBe(
      `POST /api/orgs/${orgId}/users failed with HTTP 403: You'll need additional permissions to perform this action. Permissions needed: org.users:add. ` +
        `The signed-in user must be a Grafana server admin and Admin of org ${orgId} (add it with POST /api/orgs/{id}/users).`
    );
  });
});
