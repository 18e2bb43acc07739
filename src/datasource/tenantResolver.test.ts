import { config, setBackendSrv } from '@grafana/runtime';

import { RecordingBackendSrv, fetchError } from '../../tests/wrapper/support/recordingBackendSrv';
import { WrapperError } from './errors';
import { mapTeamsToTenants, TeamDirectory, TenantResolver, USER_TEAMS_PATH } from './tenantResolver';
import { settingsFromJsonData, type WrapperOptions } from './types';

const team = (name: string, id = 1) => ({ id, uid: `t${id}`, orgId: 1, name, memberCount: 1, permission: 0 });

describe('mapTeamsToTenants', () => {
  const rows = [
    { team: 'alpha-ops', values: ['a'] },
    { team: 'shared', values: ['a', 'b'] },
    { team: 'blank', values: ['', '  '] },
  ];
  it.each([
    ['one explicit team', ['alpha-ops'], 'none', '', ['a'], ['alpha-ops']],
    ['several teams → union', ['alpha-ops', 'shared'], 'none', '', ['a', 'b'], ['alpha-ops', 'shared']],
    ['unmapped team, no convention', ['beta'], 'none', '', [], []],
    ['empty values never count', ['blank'], 'none', '', [], []],
    ['team-name convention', ['b'], 'team-name', '', ['b'], ['b']],
    ['row wins over convention', ['alpha-ops'], 'team-name', '', ['a'], ['alpha-ops']],
    ['prefix convention', ['tenant-b', 'other'], 'strip-prefix', 'tenant-', ['b'], ['tenant-b']],
    ['prefix only → no value', ['tenant-'], 'strip-prefix', 'tenant-', [], []],
    ['prefix convention without prefix set maps nothing', ['tenant-b'], 'strip-prefix', '', [], []],
    ['no teams', [], 'team-name', '', [], []],
  ] as const)('%s', (_name, teams, convention, prefix, values, mapped) => {
    const out = mapTeamsToTenants(
      teams.map((n) => ({ name: n })),
      { teamMappings: rows, convention, conventionPrefix: prefix }
    );
    expect(out).toEqual({ values, mappedTeams: mapped });
  });
});

describe('TeamDirectory (GET /api/user/teams through getBackendSrv)', () => {
  let teams: unknown = [team('alpha-ops')];
  let fail: unknown;
  let gate: Promise<void> = Promise.resolve();
  const srv = new RecordingBackendSrv(async (req) => {
    await gate;
    if (req.path !== USER_TEAMS_PATH) {
      throw fetchError(404, { message: 'Not found' });
    }
    if (fail) {
      throw fail;
    }
    return teams;
  });
  beforeAll(() => setBackendSrv(srv));
  beforeEach(() => {
    srv.requests.length = 0;
    teams = [team('alpha-ops')];
    fail = undefined;
    gate = Promise.resolve();
  });

  it('shares one request between concurrent callers and caches it for the TTL', async () => {
    let now = 0;
    const dir = new TeamDirectory({ now: () => now, ttlMs: 60_000, sessionKey: () => 'u1@1' });
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const callers = Array.from({ length: 30 }, () => dir.teams());
    open();
    const results = await Promise.all(callers);
    expect(results.every((r) => r[0].name === 'alpha-ops')).toBe(true);
    expect(srv.requests).toHaveLength(1);
    now = 59_999;
    await dir.teams();
    expect(srv.requests).toHaveLength(1);
    now = 60_000;
    await dir.teams();
    expect(srv.requests).toHaveLength(2);
  });

  it('refetches when the session (user or org) changes', async () => {
    let key = 'u1@1';
    const dir = new TeamDirectory({ sessionKey: () => key });
    await dir.teams();
    key = 'u1@2';
    await dir.teams();
    expect(srv.requests).toHaveLength(2);
  });

  it('HTTP failure → team-lookup error for every waiting caller, not cached', async () => {
    fail = fetchError(500, { message: 'database locked' });
    const dir = new TeamDirectory({ sessionKey: () => 'k' });
    const both = await Promise.allSettled([dir.teams(), dir.teams()]);
    expect(srv.requests).toHaveLength(1);
    for (const r of both) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as WrapperError;
      expect(err.kind).toBe('team-lookup');
      expect(err.message).toContain('GET /api/user/teams answered 500 "database locked"');
    }
    fail = undefined;
    await expect(dir.teams()).resolves.toHaveLength(1);
    expect(srv.requests).toHaveLength(2);
  });

  it('prefetch: one request, used by the callers that come later; nothing new while cached', async () => {
    const dir = new TeamDirectory({ sessionKey: () => 'k' });
    dir.prefetch();
    expect(srv.requests).toHaveLength(1);
    dir.prefetch(); // in flight → no second request
    const results = await Promise.all(Array.from({ length: 30 }, () => dir.teams()));
    expect(results.every((r) => r[0].name === 'alpha-ops')).toBe(true);
    dir.prefetch(); // cached → no request
    expect(srv.requests).toHaveLength(1);
  });

  it.each([
    ['the retry succeeds → every waiting caller gets the teams', [false, true], 'fulfilled'],
    ['the retry fails too → every waiting caller gets the team-lookup error', [false, false], 'rejected'],
  ])('prefetch fails while callers wait on it: ONE shared retry; %s', async (_n, answers, outcome) => {
    let open!: () => void;
    const slow = new Promise<void>((r) => (open = r));
    let calls = 0;
    const dir = new TeamDirectory({
      sessionKey: () => 'k',
      fetchTeams: async () => {
        const ok = answers[calls++];
        await slow;
        if (!ok) {
          throw fetchError(502, { message: 'bad gateway' });
        }
        return [team('alpha-ops')];
      },
    });
    dir.prefetch();
    const settled = Promise.allSettled(Array.from({ length: 5 }, () => dir.teams()));
    open();
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(outcome));
    if (outcome === 'rejected') {
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ kind: 'team-lookup' });
    }
    expect(calls).toBe(2);
  });

  it('a failed prefetch nobody waited for is not kept: the next caller asks again', async () => {
    fail = fetchError(500, { message: 'boom' });
    const dir = new TeamDirectory({ sessionKey: () => 'k' });
    dir.prefetch();
    await new Promise((r) => setTimeout(r, 0));
    fail = undefined;
    await expect(dir.teams()).resolves.toEqual([expect.objectContaining({ name: 'alpha-ops' })]);
    expect(srv.requests).toHaveLength(2);
  });

  it('a synchronous throw of the transport is a team-lookup error', async () => {
    const dir = new TeamDirectory({
      sessionKey: () => 'k',
      fetchTeams: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'get')");
      },
    });
    await expect(dir.teams()).rejects.toMatchObject({ kind: 'team-lookup' });
  });

  it.each([
    ['a non-list body', { teams: [] }],
    ['null', null],
  ])('refuses %s', async (_n, body) => {
    teams = body;
    await expect(new TeamDirectory({ sessionKey: () => 'k' }).teams()).rejects.toMatchObject({ kind: 'team-lookup' });
  });
});

describe('TenantResolver', () => {
  const opts: WrapperOptions = { targetUid: 'prom', teamMappings: [{ team: 'alpha-ops', values: ['a'] }] };
  const resolverFor = (names: string[]) =>
    new TenantResolver(
      settingsFromJsonData(opts),
      'Tenant data',
      new TeamDirectory({ fetchTeams: async () => names.map((n, i) => team(n, i)), sessionKey: () => 'k' })
    );

  it('resolves the mapped values with the label', async () => {
    await expect(resolverFor(['alpha-ops', 'x']).resolve()).resolves.toEqual({
      label: 'tenant',
      values: ['a'],
      mappedTeams: ['alpha-ops'],
    });
  });

  it.each([
    ['no team at all', [], 'you are in no team in this organization'],
    ['only unmapped teams', ['beta', 'gamma'], 'your teams in this organization: beta, gamma'],
  ])('%s → no-tenant error naming the fix', async (_n, names, detail) => {
    const err: WrapperError = await resolverFor(names)
      .resolve()
      .catch((e) => e);
    expect(err.kind).toBe('no-tenant');
    expect(err.message).toContain(detail);
    expect(err.message).toContain('Ask an admin to add you to a team mapped in data source "Tenant data"');
  });

  it('gives a Grafana server admin no bypass', async () => {
    const before = config.bootData.user;
    config.bootData.user = { ...before, isGrafanaAdmin: true, orgRole: 'Admin' } as typeof before;
    try {
      await expect(resolverFor([]).resolve()).rejects.toMatchObject({ kind: 'no-tenant' });
    } finally {
      config.bootData.user = before;
    }
  });
});

// Issue #14: the team-name convention let anyone who can create a team named "b" claim tenant b.
describe('team identity: uids/ids from the spec, never names', () => {
  const resolverWith = (opts: WrapperOptions, teams: Array<{ id: number; uid: string; name: string }>) =>
    new TenantResolver(
      settingsFromJsonData({ targetUid: 'prom', ...opts }),
      'Tenant data',
      new TeamDirectory({ fetchTeams: async () => teams.map((t) => ({ ...t, orgId: 3 })), sessionKey: () => 'k' })
    );
  const managed: WrapperOptions = {
    teamsManagedBySpec: true,
    teamTenants: [
      { uid: 'aeb3kq2x', id: 12, values: ['acme'] },
      { uid: 'b7c1zz90', id: 13, values: ['beta'] },
    ],
  };

  it.each([
    ['the mapped team by uid', [{ id: 12, uid: 'aeb3kq2x', name: 'acme-ops' }], ['acme']],
    ['a renamed mapped team still maps (uid unchanged)', [{ id: 12, uid: 'aeb3kq2x', name: 'renamed' }], ['acme']],
    [
      'two mapped teams → union',
      [
        { id: 12, uid: 'aeb3kq2x', name: 'x' },
        { id: 13, uid: 'b7c1zz90', name: 'y' },
      ],
      ['acme', 'beta'],
    ],
  ])('%s', async (_n, teams, values) => {
    await expect(resolverWith(managed, teams).resolve()).resolves.toMatchObject({ values });
  });

  it.each([
    ['a new team named like a mapped one (other uid, other id)', [{ id: 99, uid: 'zzz', name: 'acme-ops' }]],
    ['a team named after the tenant', [{ id: 98, uid: 'yyy', name: 'acme' }]],
    ['same id but another uid (a uid wins when the row has one)', [{ id: 12, uid: 'other', name: 'acme-ops' }]],
  ])('%s → no tenant', async (_n, teams) => {
    await expect(resolverWith(managed, teams).resolve()).rejects.toMatchObject({ kind: 'no-tenant' });
  });

  it.each(['team-name', 'strip-prefix'] as const)(
    'the %s convention is refused unless the spec manages the teams, naming the fix',
    async (convention) => {
      const legacy: WrapperOptions = { convention, conventionPrefix: 'tenant-' };
      const err = await resolverWith(legacy, [
        { id: 5, uid: 'u5', name: convention === 'team-name' ? 'b' : 'tenant-b' },
      ])
        .resolve()
        .catch((e) => e);
      expect(err).toMatchObject({ kind: 'config' });
      expect(err.message).toContain('Explicit rows only');
      await expect(
        resolverWith({ ...legacy, teamsManagedBySpec: true }, [
          { id: 5, uid: 'u5', name: convention === 'team-name' ? 'b' : 'tenant-b' },
        ]).resolve()
      ).resolves.toMatchObject({ values: ['b'] });
    }
  );
});
