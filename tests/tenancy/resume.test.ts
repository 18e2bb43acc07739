/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Crash/resume: for every write k of a fresh apply, fail write k (either before Grafana applies it,
 * or after — a lost response), then re-run plan+apply once. The result must equal a clean run,
 * with no duplicates, and unmanaged objects must be byte-identical.
 */
import { managedStateFingerprint, newEnv, planAndApply, SPEC_YAML, specFrom, type Env } from './harness';

// Each 'every k' test applies the whole spec once per write of the reference run (dozens of full
// applies): seconds on an idle machine, more on a loaded one; a bound, not a performance goal.
jest.setTimeout(60_000);

const spec = specFrom(SPEC_YAML);

/** Unmanaged objects a careless provisioner could touch: same names as ours, in other orgs. */
async function seedUnmanaged(env: Env): Promise<() => Promise<string>> {
  const c = env.client;
  const team = await c.createTeam(1, { name: 'ops', email: 'ops@example.com' });
  await c.addTeamMember(1, team.teamId, (await c.lookupUser('alice'))!.id);
  await c.createDataSource(1, {
    name: 'Shared Prometheus',
    type: 'prometheus',
    uid: 'shared-prom',
    access: 'proxy',
    url: 'http://prom:9090',
    jsonData: { httpHeaderName1: 'X-Tenant' },
    secureJsonData: { httpHeaderValue1: 'all' },
  });
  await c.saveDashboard(1, { dashboard: { uid: 'shared-dash', title: 'Shared', panels: [] }, overwrite: false });
  const other = await c.createOrg('Other Org');
  const otherTeam = await c.createTeam(other.orgId, { name: 'dev', email: '' });
  await c.createDataSource(other.orgId, {
    name: 'Prometheus (a)',
    type: 'prometheus',
    uid: 'mtt-a-prom-lookalike',
    access: 'proxy',
    url: 'http://other:9090',
  });
  return async () =>
    JSON.stringify({
      team: await c.getTeam(1, team.teamId),
      members: await c.listTeamMembers(1, team.teamId),
      ds: await c.getDataSource(1, 'shared-prom'),
      dash: await c.getDashboard(1, 'shared-dash'),
      otherTeam: await c.getTeam(other.orgId, otherTeam.teamId),
      otherMembers: await c.listTeamMembers(other.orgId, otherTeam.teamId),
      otherDs: await c.getDataSource(other.orgId, 'mtt-a-prom-lookalike'),
      mainUsers: await c.listOrgUsers(1),
      // The provisioning org's app settings change only by the ownership registry (registry.ts).
      mainApp: withoutRegistry(await c.getPluginSettings(1, 'mtlabs-tenancy-app')),
    });
}

function withoutRegistry(settings: { jsonData?: Record<string, unknown> }) {
  const { jsonData, ...rest } = settings;
  const { registry: _registry, ...others } = jsonData ?? {};
  return { ...rest, jsonData: others };
}

async function referenceRun(): Promise<{ fingerprint: string; writes: number }> {
  const env = newEnv();
  await seedUnmanaged(env);
  env.fake.resetLog();
  await planAndApply(env, spec);
  const writes = env.fake.counts().writes;
  return { fingerprint: await managedStateFingerprint(env), writes };
}

describe('resume after a failure at any write', () => {
  let reference: { fingerprint: string; writes: number };
  beforeAll(async () => {
    reference = await referenceRun();
  });

  it('the reference run does a bounded number of writes', () => {
    expect(reference.writes).toBeGreaterThan(20);
  });

  for (const mode of ['before', 'after'] as const) {
    it(`every k: failure ${mode === 'before' ? 'before the write' : 'after the write (lost response)'}, then one re-run, converges`, async () => {
      const mismatches: string[] = [];
      for (let k = 1; k <= reference.writes; k++) {
        const env = newEnv();
        const snapshot = await seedUnmanaged(env);
        const before = await snapshot();
        env.fake.failWrite(k, { mode, status: 500 });
        const first = await planAndApply(env, spec);
        env.fake.clearFaults();
        const failed = Object.values(first.result.tenants).filter((t) => t.state === 'failed');
        if (failed.length !== 1) {
          mismatches.push(`k=${k}: expected exactly one failed tenant, got ${JSON.stringify(first.result.tenants)}`);
        }
        const second = await planAndApply(env, spec);
        if (Object.values(second.result.tenants).some((t) => t.state !== 'done')) {
          mismatches.push(`k=${k}: re-run did not finish: ${JSON.stringify(second.result.tenants)}`);
        }
        const fingerprint = await managedStateFingerprint(env);
        if (fingerprint !== reference.fingerprint) {
          mismatches.push(`k=${k}: final state differs from a clean run`);
        }
        if ((await snapshot()) !== before) {
          mismatches.push(`k=${k}: an unmanaged object changed`);
        }
        env.fake.resetLog();
        await planAndApply(env, spec);
        if (env.fake.counts().writes !== 0) {
          mismatches.push(`k=${k}: a third run still wrote ${env.fake.counts().writes} times`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('every k: a lost response (5xx after the write) is absorbed by the retry within the same run', async () => {
    const mismatches: string[] = [];
    for (let k = 1; k <= reference.writes; k++) {
      const env = newEnv();
      const snapshot = await seedUnmanaged(env);
      const before = await snapshot();
      env.fake.failWrite(k, { mode: 'after', status: 502 });
      const { result } = await planAndApply(env, spec, { retry: { attempts: 2, baseDelayMs: 0 } });
      env.fake.clearFaults();
      if (Object.values(result.tenants).some((t) => t.state !== 'done')) {
        mismatches.push(`k=${k}: ${JSON.stringify(result.tenants)}`);
      }
      if ((await managedStateFingerprint(env)) !== reference.fingerprint) {
        mismatches.push(`k=${k}: final state differs from a clean run`);
      }
      if ((await snapshot()) !== before) {
        mismatches.push(`k=${k}: an unmanaged object changed`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('transient 503s are retried with backoff inside one run', async () => {
    const env = newEnv();
    env.fake.failOn((t) => t.write, { status: 503, times: 3 });
    const { result } = await planAndApply(env, spec, { retry: { attempts: 4, baseDelayMs: 0 } });
    expect(Object.values(result.tenants).map((t) => t.state)).toEqual(['done', 'done', 'done']);
    expect(env.fake.log.filter((e) => e.injected).length).toBe(3);
  });

  it('a lost response on create + retry adopts our own org instead of failing', async () => {
    const env = newEnv();
    env.fake.failWrite(1, { mode: 'after', status: 502 });
    const { result } = await planAndApply(env, spec, { retry: { attempts: 3, baseDelayMs: 0 } });
    expect(Object.values(result.tenants).map((t) => t.state)).toEqual(['done', 'done', 'done']);
    expect((await env.client.listOrgs()).filter((o) => o.name === 'Tenant A')).toHaveLength(1);
    const clean = newEnv();
    await planAndApply(clean, spec);
    expect(await managedStateFingerprint(env)).toBe(await managedStateFingerprint(clean));
  });

  it('a failing tenant does not stop the others, and its error names the fix', async () => {
    const env = newEnv();
    env.fake.failOn((t) => t.method === 'POST' && t.path === '/api/teams' && JSON.stringify(t.body).includes('"dev"'), {
      status: 500,
      times: 1,
    });
    const { result } = await planAndApply(env, spec);
    expect(result.tenants.a).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('team "dev"'),
      fix: expect.stringContaining('apply again'),
    });
    expect(result.tenants.b.state).toBe('done');
    expect(result.tenants.c.state).toBe('done');
  });
});
