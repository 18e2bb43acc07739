/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
import { applyPlan, type ApplyProgress } from '../../src/tenancy/apply';
import { readAuditLog } from '../../src/tenancy/audit';
import { datasourceUid, folderUid } from '../../src/tenancy/naming';
import { stripSpecSecrets } from '../../src/tenancy/spec';
import { managedStateFingerprint, newEnv, plan, planAndApply, SPEC_YAML, specFrom, storedSecrets } from './harness';

const spec = specFrom(SPEC_YAML);

describe('applyPlan against the fake Grafana', () => {
  it('converges from scratch: orgs, members, teams, data sources, folders, app + dashboards', async () => {
    const env = newEnv();
    const events: ApplyProgress[] = [];
    const { result } = await planAndApply(env, spec, { onProgress: (e) => events.push(e) });
    expect(result.tenants).toEqual({
      a: { state: 'done', writes: expect.any(Number) },
      b: { state: 'done', writes: expect.any(Number) },
      c: { state: 'done', writes: expect.any(Number) },
    });

    const c = env.client;
    const orgs = await c.listOrgs();
    const orgA = orgs.find((o) => o.name === 'Tenant A')!;
    const orgC = orgs.find((o) => o.name === 'Tenant C')!;
    expect(orgA).toBeDefined();

    const usersA = Object.fromEntries((await c.listOrgUsers(orgA.id)).map((u) => [u.login, u.role]));
    expect(usersA).toEqual({ admin: 'Admin', alice: 'Editor', bob: 'Viewer', carol: 'Viewer' });

    const teamsA = await c.searchTeams(orgA.id);
    expect(teamsA.map((t) => t.name).sort()).toEqual(['dev', 'ops']);
    const ops = teamsA.find((t) => t.name === 'ops')!;
    // The provisioning admin Grafana adds as team creator is removed (not in the spec).
    expect((await c.listTeamMembers(orgA.id, ops.id)).map((m) => `${m.login}:${m.permission}`).sort()).toEqual([
      'alice:0',
      'bob:4',
    ]);

    const dsA = await c.getDataSource(orgA.id, datasourceUid('a'));
    expect(dsA).toMatchObject({
      type: 'prometheus',
      url: 'http://proxy:9090',
      isDefault: true,
      jsonData: { managedBy: 'mtlabs-tenancy-app', tenantId: 'a', httpHeaderName1: 'X-Tenant' },
    });
    expect(dsA.secureJsonFields).toEqual({ httpHeaderValue1: true });
    expect(JSON.stringify(dsA)).not.toContain('"a,'); // the secret value is never echoed
    expect(storedSecrets(env, 'Tenant A', datasourceUid('a'))).toEqual({ httpHeaderValue1: 'a' });
    expect(storedSecrets(env, 'Tenant B', datasourceUid('b'))).toEqual({ httpHeaderValue1: 'b|b2' });

    const dsC = await c.getDataSource(orgC.id, datasourceUid('c'));
    expect(dsC.jsonData.customQueryParameters).toBe('tenant=c');
    expect(dsC).toMatchObject({
      basicAuth: true,
      basicAuthUser: 'grafana',
      secureJsonFields: { basicAuthPassword: true },
    });

    const acl = (await c.getFolderPermissions(orgA.id, folderUid('a')))
      .filter((p) => !p.inherited)
      .map((p) => `${p.role ?? p.team}:${p.permission}`)
      .sort();
    expect(acl).toEqual(['Editor:2', 'Viewer:1', 'dev:2', 'ops:1']);

    const appA = await c.getPluginSettings(orgA.id, 'mtlabs-tenancy-app');
    expect(appA).toMatchObject({ enabled: true, jsonData: { managedBy: 'mtlabs-tenancy-app', tenantId: 'a' } });
    expect((await c.searchDashboards(orgA.id, { type: 'dash-db' })).map((h) => h.uid)).toEqual(['mt-overview']);
    const appC = await c.getPluginSettings(orgC.id, 'mtlabs-tenancy-app');
    expect(appC).toMatchObject({ enabled: false, jsonData: { tenantId: 'c' } });
    expect(await c.searchDashboards(orgC.id, { type: 'dash-db' })).toEqual([]);

    expect(events.filter((e) => e.type === 'tenant').map((e) => `${e.tenantId}:${(e as any).status.state}`)).toEqual([
      'a:applying',
      'a:done',
      'b:applying',
      'b:done',
      'c:applying',
      'c:done',
    ]);
  });

  it('every org-scoped write names its tenant org explicitly; the admin org only gets registry entries', async () => {
    const env = newEnv();
    env.fake.resetLog();
    await planAndApply(env, spec);
    const orgIds = new Map((await env.client.listOrgs()).map((o) => [o.id, o.name]));
    const adminOrgWrites = env.fake.log.filter((e) => e.write && e.orgId === 1 && e.path !== '/api/orgs');
    expect(adminOrgWrites.map((e) => `${e.method} ${e.path}`)).toEqual(
      Array(3).fill('POST /api/plugins/mtlabs-tenancy-app/settings')
    );
    const writes = env.fake.log.filter((e) => e.write && e.path !== '/api/orgs' && e.orgId !== 1);
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.filter((e) => e.orgId === undefined)).toEqual([]);
    expect(new Set(writes.map((e) => orgIds.get(e.orgId!)))).toEqual(new Set(['Tenant A', 'Tenant B', 'Tenant C']));
  });

  it('re-run plans nothing and writes nothing', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const again = await plan(env, spec);
    expect(again.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
    env.fake.resetLog();
    const result = await applyPlan(env.api, again, { retry: false, audit: { orgId: 1 } });
    expect(result.writes).toBe(0);
    expect(env.fake.counts().writes).toBe(0);
  });

  it('records an audit entry (who, when, what) in the admin org, bounded, without secrets', async () => {
    const env = newEnv();
    await planAndApply(env, spec, { audit: { orgId: 1, now: () => new Date('2026-01-02T03:04:05Z') } });
    const settings = await env.client.getPluginSettings(1, 'mtlabs-tenancy-app');
    const log = readAuditLog(settings.jsonData);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ at: '2026-01-02T03:04:05.000Z', who: 'admin', prune: false });
    expect(log[0].changes.some((ch) => ch.kind === 'datasource' && ch.action === 'create')).toBe(true);
    expect(JSON.stringify(log)).not.toContain('s3cret');
    // The audit write keeps the admin org's app flags (posting without `enabled` would disable it).
    expect(settings.enabled).toBe(false);
  });

  it('stops between tenants when aborted; unstarted tenants stay pending', async () => {
    const env = newEnv();
    const controller = new AbortController();
    const p = await plan(env, spec);
    const result = await applyPlan(env.api, p, {
      retry: false,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'tenant' && e.tenantId === 'a' && e.status.state === 'done') {
          controller.abort();
        }
      },
    });
    expect(Object.fromEntries(Object.entries(result.tenants).map(([id, s]) => [id, s.state]))).toEqual({
      a: 'done',
      b: 'pending',
      c: 'pending',
    });
    // The next run finishes the job (resumable).
    const rest = await planAndApply(env, spec);
    expect(rest.plan.tenants.find((t) => t.tenantId === 'a')!.steps.every((s) => s.action === 'unchanged')).toBe(true);
    expect(Object.values(rest.result.tenants).map((s) => s.state)).toEqual(['done', 'done', 'done']);
  });

  it('applies tenants in parallel with the same result', async () => {
    const serial = newEnv();
    await planAndApply(serial, spec);
    const parallel = newEnv();
    const { result } = await planAndApply(parallel, spec, { concurrency: 3 });
    expect(Object.values(result.tenants).map((s) => s.state)).toEqual(['done', 'done', 'done']);
    expect(await managedStateFingerprint(parallel)).toBe(await managedStateFingerprint(serial));
  });

  it('strips passwords from a spec before it is stored', () => {
    const { spec: stripped, secrets } = stripSpecSecrets(spec);
    expect(secrets).toEqual({ 'c.basicAuthPassword': 's3cret' });
    expect(JSON.stringify(stripped)).not.toContain('s3cret');
    expect(stripped.tenants[2].datasource.basicAuth).toEqual({ user: 'grafana' });
  });
});
