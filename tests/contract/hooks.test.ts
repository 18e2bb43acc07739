/** @jest-environment node */
/** Test hooks of FakeGrafana (request log, fault injection, seeding) and the schema checker itself. */
import { FakeGrafana } from '../fakes/grafana-api';
import { call, must } from './helpers';
import { contractProblems, specPathFor } from './schema';

describe('request log', () => {
  it('records method, path, org and status; counts reads and writes', async () => {
    const fake = new FakeGrafana();
    const { orgId } = await must(fake, 'POST', '/api/orgs', { body: { name: 't' } });
    await call(fake, 'GET', '/api/teams/search?query=x', { org: orgId });
    await call(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'a' } });
    await call(fake, 'POST', '/api/teams', { org: orgId, body: { name: 'a' } });
    await call(fake, 'GET', `/api/orgs/${orgId}/users`);
    expect(fake.log.map(({ method, path, orgId: o, status, write }) => [method, path, o, status, write])).toEqual([
      ['POST', '/api/orgs', 1, 200, true],
      ['GET', '/api/teams/search', orgId, 200, false],
      ['POST', '/api/teams', orgId, 200, true],
      ['POST', '/api/teams', orgId, 409, true],
      ['GET', `/api/orgs/${orgId}/users`, orgId, 200, false],
    ]);
    expect(fake.counts()).toEqual({ reads: 2, writes: 3, total: 5 });
    fake.resetLog();
    expect(fake.counts().total).toBe(0);
  });
});

describe('fault injection', () => {
  const writes = async (fake: FakeGrafana) => {
    const out: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      out.push((await call(fake, 'POST', '/api/teams', { body: { name } })).status);
      out.push((await call(fake, 'GET', '/api/teams/search')).status);
    }
    return out;
  };

  it.each([1, 2, 3])('failWrite(%i) fails exactly that write, before applying it', async (k) => {
    const fake = new FakeGrafana();
    fake.failWrite(k, { status: 503 });
    const statuses = await writes(fake);
    expect(statuses.filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3].map((i) => (i === k ? 503 : 200)));
    expect(
      fake.state
        .teamsOf(1)
        .map((t) => t.name)
        .sort()
    ).toEqual(['a', 'b', 'c'].filter((_, i) => i + 1 !== k));
    expect(fake.log.filter((e) => e.injected)).toHaveLength(1);
  });

  it("mode 'after' applies the write, then answers with the error (lost response)", async () => {
    const fake = new FakeGrafana();
    fake.failWrite(2, { status: 500, mode: 'after' });
    await writes(fake);
    expect(fake.state.teamsOf(1)).toHaveLength(3);
    expect(fake.log.filter((e) => e.status === 500)).toEqual([
      expect.objectContaining({ method: 'POST', injected: true }),
    ]);
  });

  it('failOn matches a predicate, times limits it, the returned function removes it', async () => {
    const fake = new FakeGrafana();
    const remove = fake.failOn((t) => t.path === '/api/teams/search', {
      status: 429,
      message: 'slow down',
      times: Infinity,
    });
    expect(await call(fake, 'GET', '/api/teams/search')).toEqual({ status: 429, body: { message: 'slow down' } });
    expect((await call(fake, 'GET', '/api/teams/search')).status).toBe(429);
    remove();
    expect((await call(fake, 'GET', '/api/teams/search')).status).toBe(200);
  });
});

describe('seed helpers', () => {
  it('createUser sets org and role; setBundledDashboards re-syncs orgs where the app is enabled', async () => {
    const fake = new FakeGrafana();
    const { orgId } = await must(fake, 'POST', '/api/orgs', { body: { name: 't' } });
    const u = fake.createUser({ login: 'carol', orgId, role: 'Editor' });
    expect(await must(fake, 'GET', `/api/orgs/${orgId}/users`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: u.id, role: 'Editor' })])
    );
    await must(fake, 'POST', '/api/plugins/mtlabs-tenancy-app/settings', { org: orgId, body: { enabled: true } });
    fake.setBundledDashboards('mtlabs-tenancy-app', [{ path: 'a.json', json: { uid: 'a', title: 'A' } }]);
    expect((await must(fake, 'GET', '/api/search', { org: orgId })).map((h: { uid: string }) => h.uid)).toEqual(['a']);
    expect((await must(fake, 'GET', '/api/search', { org: 1 })).map((h: { uid: string }) => h.uid)).toEqual([]);
    expect(() => fake.setBundledDashboards('nope', [])).toThrow(/plugin "nope" is not installed/);
    expect(() => fake.sessionFor('nobody')).toThrow(/no user with login "nobody"/);
  });
});

describe('schema checker', () => {
  it.each([
    ['/api/orgs/5/users', '/orgs/{org_id}/users'],
    ['/api/orgs/name/x', '/orgs/name/{org_name}'],
    ['/api/datasources/uid/x?y=1', '/datasources/uid/{uid}'],
    ['/api/teams/search', '/teams/search'],
  ])('maps %s to %s', (path, spec) => expect(specPathFor(path)).toBe(spec));

  it('reports bodies that break the schema and undocumented statuses', () => {
    expect(contractProblems('GET', '/api/orgs', 200, [{ id: 'one', name: 'x' }])[0]).toMatch(/must be integer/);
    expect(contractProblems('POST', '/api/orgs', 200, { message: 'Organization created' })[0]).toMatch(
      /must have required property 'orgId'/
    );
    expect(contractProblems('GET', '/api/teams/search', 418, {})[0]).toMatch(/status not documented/);
    expect(contractProblems('GET', '/api/nope', 200, {})[0]).toMatch(/not in openapi-subset/);
    expect(contractProblems('GET', '/api/orgs', 200, [{ id: 1, name: 'x' }])).toEqual([]);
  });
});
