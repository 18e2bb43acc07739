/** @jest-environment node */
/**
 * Label policies in the identity files (issue #18 item 3): a tokens-file tenant or a mapped team
 * may have `rules` instead of `values`; a user in several teams gets the union of their rules.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { policyFromLabelValues, policyText } from '../../src/policy';
import { parseTeamMappingFile, parseTokensFile, type MappedTeam } from './fileFormats';
import { TeamMembershipIndex } from './teamIndex';

const DIGEST = 'a'.repeat(64);

describe('tokens file: values or rules', () => {
  it.each([
    [{ values: ['a'] }, null],
    [{ rules: ['{tenant="a", env="prod"}', '{cluster="c1"}'] }, null],
    [{ values: ['a'], rules: ['{tenant="a"}'] }, /exactly one of values .* or rules/],
    [{}, /exactly one of values .* or rules/],
    [{ rules: [] }, /tenants\.t\.rules: a policy needs at least one rule/],
    [{ rules: '{tenant="a"}' }, /rules must be a non-empty list of selector strings/],
    [{ rules: ['{tenant="a"}', 'up{tenant="a"}'] }, /tenants\.t\.rules: rule 2/],
    [{ rules: ['{env=~".*"}'] }, /tenants\.t\.rules: rule 1 .*empty string/],
    [{ rules: ['{__name__="up", tenant="a"}'] }, /metric name/],
  ])('%j', (entry, error) => {
    const parse = () => parseTokensFile(JSON.stringify({ tenants: { t: { ...entry, tokenSha256: [DIGEST] } } }));
    if (error) {
      expect(parse).toThrow(error);
      return;
    }
    const owner = parse().entries[0].owner;
    if ('rules' in entry) {
      expect(owner.values).toEqual([]);
      expect(policyText(owner.policy!)).toBe((entry.rules as string[]).join(' or '));
    } else {
      expect(owner).toEqual({ tenant: 't', values: ['a'] });
    }
  });
});

describe('team mapping: a user in several teams gets the union of their rules', () => {
  const TEAMS: Array<{ id: number; uid: string } & Record<string, unknown>> = [
    { id: 1, uid: 'u1', values: ['a'] },
    { id: 2, uid: 'u2', rules: ['{tenant="b", env="prod"}'] },
    { id: 3, uid: 'u3', rules: ['{cluster="c1"}', '{tenant="c"}'] },
  ];
  /** user id → team ids */
  const MEMBERS: Record<number, number[]> = { 10: [1], 11: [2], 12: [2, 3], 13: [1, 3] };
  let server: http.Server;
  let root: URL;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const id = Number(/^\/api\/teams\/(\d+)\/members$/.exec(req.url ?? '')?.[1]);
      const team = TEAMS.find((t) => t.id === id)!;
      const members = Object.entries(MEMBERS)
        .filter(([, teams]) => teams.includes(id))
        .map(([user]) => ({ userId: Number(user), teamId: id, teamUID: team.uid }));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(members));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    root = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function index(withValuesPolicy: boolean): TeamMembershipIndex {
    const mapping = parseTeamMappingFile(
      JSON.stringify({ orgId: 1, dataSourceTokenSha256: [DIGEST], teams: TEAMS.map((t) => ({ name: '', ...t })) })
    );
    return new TeamMembershipIndex({
      grafanaRoot: root,
      serviceAccountToken: 'sa',
      teams: (): readonly MappedTeam[] => mapping.teams,
      refreshIntervalMs: 60_000,
      timeoutMs: 2000,
      logger: () => undefined,
      valuesPolicy: withValuesPolicy ? (values) => policyFromLabelValues('tenant', values) : undefined,
    });
  }

  it.each([
    [10, 'values a', { values: ['a'] }],
    [11, 'one rules team', { rules: '{tenant="b", env="prod"}' }],
    [12, 'two rules teams: union', { rules: '{tenant="b", env="prod"} or {cluster="c1"} or {tenant="c"}' }],
    [13, 'a values team and a rules team', { rules: '{cluster="c1"} or {tenant="c"} or {tenant="a"}' }],
  ])('user %d (%s)', async (user, _what, expected) => {
    const idx = index(true);
    await idx.refreshNow();
    const identity = (await idx.identityFor(user))!;
    if ('values' in expected) {
      expect(identity).toEqual({ values: expected.values });
    } else {
      expect(identity.values).toEqual([]);
      expect(policyText(identity.policy!)).toBe(expected.rules);
    }
  });

  it('without a way to write values as a rule, a mixed user gets no identity (fail closed)', async () => {
    const idx = index(false);
    await idx.refreshNow();
    expect(await idx.identityFor(13)).toBeNull();
    expect((await idx.identityFor(10))?.values).toEqual(['a']);
  });
});
