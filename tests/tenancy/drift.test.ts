/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/** Drift repair, secrets, prune confirmation and ownership conflicts against the fake Grafana. */
import { GrafanaApi, NO_DELAY_RETRY_POLICY } from '../../src/grafana-api';
import { applyPlan } from '../../src/tenancy/apply';
import { tenancyApiFromGrafana } from '../../src/tenancy/grafanaAdapter';
import { readLiveState } from '../../src/tenancy/observe';
import { fakeTransport } from '../fakes/grafana-api';
import { datasourceUid } from '../../src/tenancy/naming';
import {
  managedStateFingerprint,
  newEnv,
  plan,
  planAndApply,
  SPEC_YAML,
  specFrom,
  storedSecrets,
  type Env,
} from './harness';

const spec = specFrom(SPEC_YAML);

async function orgId(env: Env, name: string): Promise<number> {
  const org = (await env.client.listOrgs()).find((o) => o.name === name);
  if (!org) {
    throw new Error(`org ${name} missing`);
  }
  return org.id;
}

const stepsOf = (p: Awaited<ReturnType<typeof plan>>, tenantId: string) =>
  p.tenants.find((t) => t.tenantId === tenantId)!.steps.filter((s) => s.action !== 'unchanged');

describe('drift detection and repair', () => {
  it('repairs a managed data source whose URL and header were edited in Grafana', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const clean = await managedStateFingerprint(env);
    const a = await orgId(env, 'Tenant A');
    const ds = await env.client.getDataSource(a, datasourceUid('a'));
    await env.client.updateDataSource(a, ds.uid, {
      ...ds,
      access: 'proxy',
      url: 'http://evil:9090',
      jsonData: { ...ds.jsonData, httpHeaderName1: 'X-Other', timeInterval: '5s' },
    });

    const p = await plan(env, spec);
    const changed = stepsOf(p, 'a');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ kind: 'datasource', action: 'update' });
    expect(changed[0].diff).toEqual(
      expect.arrayContaining([
        { field: 'url', before: 'http://evil:9090', after: 'http://proxy:9090' },
        { field: 'jsonData.httpHeaderName1', before: 'X-Other', after: 'X-Tenant' },
        { field: 'jsonData.timeInterval', before: '5s', after: null },
      ])
    );
    await applyPlan(env.api, p, { retry: false });
    expect(await managedStateFingerprint(env)).toBe(clean);
    expect(storedSecrets(env, 'Tenant A', datasourceUid('a'))).toEqual({ httpHeaderValue1: 'a' });
  });

  it('re-sends a secret that was cleared, shows it only as (set), and rotates on request', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    const ds = await env.client.getDataSource(a, datasourceUid('a'));
    await env.client.updateDataSource(a, ds.uid, { ...ds, access: 'proxy', secureJsonData: { httpHeaderValue1: '' } });

    const p = await plan(env, spec);
    const [step] = stepsOf(p, 'a');
    expect(step.diff).toEqual([{ field: 'secureJsonData.httpHeaderValue1', before: '(not set)', after: '(set)' }]);
    expect(JSON.stringify(p.tenants.map((t) => t.steps.map((s) => s.diff)))).not.toContain('s3cret');
    await applyPlan(env.api, p, { retry: false });
    expect(storedSecrets(env, 'Tenant A', datasourceUid('a'))).toEqual({ httpHeaderValue1: 'a' });

    expect(stepsOf(await plan(env, spec), 'c')).toEqual([]);
    const rotate = stepsOf(await plan(env, spec, { rotateSecrets: true }), 'c');
    expect(rotate.map((s) => s.diff)).toEqual([
      [{ field: 'secureJsonData.basicAuthPassword', before: '(set)', after: '(re-sent)' }],
    ]);
  });

  it('changing label values in the spec re-sends the tenant header (fingerprint in jsonData)', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const changedSpec = specFrom(SPEC_YAML.replace('labelValues: [a]', 'labelValues: [a, a2]'));
    const { plan: p } = await planAndApply(env, changedSpec);
    expect(stepsOf(p, 'a').map((s) => s.diff.map((d) => d.field))).toEqual([['jsonData.managedSecretFingerprint']]);
    expect(storedSecrets(env, 'Tenant A', datasourceUid('a'))).toEqual({ httpHeaderValue1: 'a,a2' });
  });

  it('restores org roles and team members; removes extra members only with prune', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    const bob = (await env.client.lookupUser('bob'))!.id;
    const dave = (await env.client.lookupUser('dave'))!.id;
    await env.client.updateOrgUserRole(a, bob, 'Admin');
    const ops = (await env.client.searchTeams(a)).find((t) => t.name === 'ops')!;
    await env.client.removeTeamMember(a, ops.id, bob);
    await env.client.addOrgUser(a, 'dave', 'Viewer');
    await env.client.addTeamMember(a, ops.id, dave);

    const p = await plan(env, spec);
    expect(stepsOf(p, 'a').map((s) => `${s.kind}:${s.action}:${s.target}`)).toEqual([
      'org-user:update:user "bob@example.com"',
      'team-member:create:team "ops" member "bob@example.com"',
      'team-member:orphaned:team "ops" member "dave"',
    ]);
    const noPrune = await applyPlan(env.api, p, { retry: false });
    expect(noPrune.steps['a/team-member/team "ops" member "dave"']).toBe('skipped');
    expect((await env.client.listTeamMembers(a, ops.id)).map((m) => m.login).sort()).toEqual(['alice', 'bob', 'dave']);

    await applyPlan(env.api, await plan(env, spec), { retry: false, prune: true });
    expect((await env.client.listTeamMembers(a, ops.id)).map((m) => m.login).sort()).toEqual(['alice', 'bob']);
    // Org memberships carry no marker (SSO may add users): dave stays in the org.
    expect((await env.client.listOrgUsers(a)).map((u) => u.login)).toContain('dave');
  });

  it('a tenant removed from the spec is orphaned; its org is deleted only with prune', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const withoutC = specFrom(SPEC_YAML.slice(0, SPEC_YAML.indexOf('  - id: c')));
    const p = await plan(env, withoutC);
    const orphan = p.tenants.find((t) => t.tenantId === 'c')!;
    expect(orphan).toMatchObject({
      inSpec: false,
      steps: [
        { kind: 'org', action: 'orphaned', requiresPrune: true },
        { kind: 'org-registry', action: 'orphaned', requiresPrune: true },
      ],
    });
    await applyPlan(env.api, p, { retry: false });
    expect((await env.client.listOrgs()).map((o) => o.name)).toContain('Tenant C');
    await applyPlan(env.api, p, { retry: false, prune: true });
    expect((await env.client.listOrgs()).map((o) => o.name)).not.toContain('Tenant C');
    // The registry entry went with the org: the next plan has nothing left for tenant c.
    expect((await plan(env, withoutC)).tenants.map((t) => t.tenantId)).toEqual(['a', 'b']);
  });
});

describe('spec changes', () => {
  it('renaming a tenant org in the spec renames the managed org (found by its marker)', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const renamed = specFrom(SPEC_YAML.replace('orgName: Tenant B', 'orgName: Tenant Bee'));
    const { plan: p, result } = await planAndApply(env, renamed);
    expect(stepsOf(p, 'b').map((s) => `${s.kind}:${s.action}`)).toEqual(['org:update', 'folder:update']);
    expect(result.tenants.b.state).toBe('done');
    expect((await env.client.listOrgs()).map((o) => o.name)).toEqual(expect.arrayContaining(['Tenant Bee']));
    expect((await plan(env, renamed)).summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
  });

  it('turning dashboards off disables the app (Grafana deletes its dashboards) only with prune', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const off = specFrom(SPEC_YAML.replace('orgName: Tenant A', 'orgName: Tenant A\n    dashboards: false'));
    const a = await orgId(env, 'Tenant A');
    await planAndApply(env, off);
    expect((await env.client.searchDashboards(a, { type: 'dash-db' })).length).toBe(1);
    await planAndApply(env, off, { prune: true });
    expect(await env.client.searchDashboards(a, { type: 'dash-db' })).toEqual([]);
    expect((await env.client.getPluginSettings(a, 'mtlabs-tenancy-app')).jsonData).toMatchObject({ tenantId: 'a' });
  });

  it('a team removed from the spec is deleted with prune, and its folder permission goes with it', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const noDev = specFrom(
      SPEC_YAML.replace(
        /      - name: dev\n        folderPermission: Edit\n        members: \[\{ login: carol \}\]\n/,
        ''
      )
    );
    const a = await orgId(env, 'Tenant A');
    const { plan: p } = await planAndApply(env, noDev, { prune: true });
    expect(stepsOf(p, 'a').map((s) => `${s.kind}:${s.action}:${s.target}`)).toEqual([
      'team:orphaned:team "dev"',
      'folder-permissions:update:folder "Tenant A dashboards" permissions',
    ]);
    expect((await env.client.searchTeams(a)).map((t) => t.name)).toEqual(['ops']);
    expect((await plan(env, noDev)).summary).toMatchObject({ create: 0, update: 0, orphaned: 0 });
  });
});

describe('ownership conflicts', () => {
  it('an existing unmanaged org with the tenant name blocks that tenant only and is left untouched', async () => {
    const env = newEnv();
    const foreign = await env.client.createOrg('Tenant A');
    await env.client.createTeam(foreign.orgId, { name: 'ops', email: '' });
    const before = await managedStateFingerprint(env);

    const { plan: p, result } = await planAndApply(env, spec);
    const a = p.tenants.find((t) => t.tenantId === 'a')!;
    expect(a.blocked).toBe(true);
    expect(a.steps).toEqual([
      expect.objectContaining({
        kind: 'org',
        action: 'conflict',
        message: expect.stringContaining('not created by the tenancy app'),
        fix: expect.stringContaining('another orgName'),
      }),
    ]);
    expect(result.tenants.a).toMatchObject({ state: 'failed', error: expect.stringContaining('conflict') });
    expect(result.tenants.b.state).toBe('done');
    const after = JSON.parse(await managedStateFingerprint(env)) as Array<{ org: string }>;
    expect(after.find((o) => o.org === 'Tenant A')).toEqual(
      (JSON.parse(before) as Array<{ org: string }>).find((o) => o.org === 'Tenant A')
    );
  });

  it('an org with the tenant name that the provisioning admin cannot read is a conflict naming the fix', async () => {
    const env = newEnv();
    env.fake.createUser({ login: 'root2', isGrafanaAdmin: true, password: 'root2' });
    const other = new GrafanaApi(
      fakeTransport(env.fake, { auth: { basic: { user: 'root2', password: 'root2' } } }),
      NO_DELAY_RETRY_POLICY
    );
    await other.createOrg('Tenant C');
    const { plan: p, result } = await planAndApply(env, spec);
    expect(p.tenants.find((t) => t.tenantId === 'c')!.steps).toEqual([
      expect.objectContaining({
        action: 'conflict',
        message: expect.stringContaining('Add the provisioning user as Admin'),
      }),
    ]);
    expect(result.tenants.c.state).toBe('failed');
    expect(result.tenants.a.state).toBe('done');
  });

  it('a service-account token cannot provision: reading live state fails with the fix', async () => {
    const env = newEnv();
    const token = env.fake.serviceAccountToken(1, 'ci');
    const saApi = tenancyApiFromGrafana(
      new GrafanaApi(fakeTransport(env.fake, { auth: { bearer: token } }), NO_DELAY_RETRY_POLICY)
    );
    await expect(readLiveState(saApi, spec)).rejects.toThrow(/server admin/i);
  });

  it('adopts an empty org with the tenant name (what an interrupted create leaves)', async () => {
    const env = newEnv();
    await env.client.createOrg('Tenant B');
    const { plan: p, result } = await planAndApply(env, spec);
    expect(p.tenants.find((t) => t.tenantId === 'b')!.steps[0]).toMatchObject({
      kind: 'org',
      action: 'update',
      diff: [{ field: 'ownership', before: '(none)', after: 'tenant b' }],
    });
    expect(result.tenants.b.state).toBe('done');
  });

  it('an unmanaged team or data source with our name inside a managed org is a conflict, never modified', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    const ops = (await env.client.searchTeams(a)).find((t) => t.name === 'ops')!;
    await env.client.updateTeam(a, ops.id, { name: 'ops', email: 'someone@example.com' });
    const p = await plan(env, spec);
    expect(
      stepsOf(p, 'a')
        .filter((s) => s.action === 'conflict')
        .map((s) => s.target)
    ).toEqual(['team "ops"']);
    env.fake.resetLog();
    await applyPlan(env.api, p, { retry: false });
    expect(env.fake.log.filter((e) => e.write && e.orgId === a)).toEqual([]);
  });

  it('a user missing from Grafana is a conflict that names the fix', async () => {
    const env = newEnv();
    const p = await plan(env, specFrom(SPEC_YAML.replace('{ login: carol }', '{ login: zoe }')));
    const conflict = p.tenants[0].steps.find((s) => s.action === 'conflict');
    expect(conflict).toMatchObject({
      kind: 'org-user',
      target: 'user "zoe"',
      fix: expect.stringContaining('create the user'),
    });
  });
});
