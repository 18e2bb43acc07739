/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Ownership that tenants cannot forge (issue #20 item 1). The attacker is a real tenant user with
 * org Admin in its own org, acting through the fake's HTTP API with its own credentials: org Admins
 * hold `plugins:write` there (CONTRACT "Found against Grafana's source", `fixed:plugins:writer`),
 * so they can rewrite the ownership marker in their org's app settings. The registry in the
 * provisioning org (org 1, where they have no role) decides; every disagreement is a conflict and
 * apply writes nothing.
 */
import { applyPlan } from '../../src/tenancy/apply';
import { APP_PLUGIN_ID, MANAGED_BY } from '../../src/tenancy/naming';
import { REGISTRY_KEY } from '../../src/tenancy/registry';
import { call } from '../contract/helpers';
import { managedStateFingerprint, newEnv, plan, planAndApply, SPEC_YAML, specFrom, type Env } from './harness';

/** alice is org Admin of Tenant A: the spec allows it (with a warning). */
const spec = specFrom(SPEC_YAML.replace('orgRoles: { alice: Editor }', 'orgRoles: { alice: Admin }'));
const withD = specFrom(
  SPEC_YAML.replace('orgRoles: { alice: Editor }', 'orgRoles: { alice: Admin }') +
    `
  - id: d
    labelValues: [d]
    orgName: Tenant D
`
);

async function orgId(env: Env, name: string): Promise<number> {
  return (await env.client.listOrgs()).find((o) => o.name === name)!.id;
}

/** What a tenant org Admin can do in Grafana's UI/API: overwrite the app settings of its org. */
async function writeMarkerAs(env: Env, login: string, org: number, tenantId: string | undefined, enabled = true) {
  const res = await call(env.fake, 'POST', `/api/plugins/${APP_PLUGIN_ID}/settings`, {
    auth: { basic: { user: login, password: login } },
    org,
    body: { enabled, pinned: true, ...(tenantId ? { jsonData: { managedBy: MANAGED_BY, tenantId } } : {}) },
  });
  expect(res.status).toBe(200);
}

/** An org whose Admin is mallory (not in any tenant). */
async function mallorysOrg(env: Env, name: string): Promise<number> {
  env.fake.createUser({ login: 'mallory', email: 'mallory@example.com' });
  const { orgId: id } = await env.client.createOrg(name);
  await env.client.addOrgUser(id, 'mallory', 'Admin');
  return id;
}

const conflictsOf = (p: Awaited<ReturnType<typeof plan>>, tenantId: string) =>
  p.tenants.find((t) => t.tenantId === tenantId)!.steps.filter((s) => s.action === 'conflict');

/** Applies `p` and returns the number of writes Grafana received. */
async function writesOfApply(env: Env, p: Awaited<ReturnType<typeof plan>>): Promise<number> {
  env.fake.resetLog();
  await applyPlan(env.api, p, { retry: false, prune: true });
  return env.fake.counts().writes;
}

describe('ownership anchored in the provisioning org', () => {
  it('forged ownership: a tenant org Admin rewrites its marker to another tenant → conflict for both, nothing written', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const before = await managedStateFingerprint(env);
    await writeMarkerAs(env, 'alice', await orgId(env, 'Tenant A'), 'b');

    const p = await plan(env, spec);
    expect(conflictsOf(p, 'a')[0].message).toMatch(
      /forged ownership: the marker in org "Tenant A" .* names tenant "b"/
    );
    expect(conflictsOf(p, 'a')[0].fix).toMatch(/set jsonData.tenantId back to "a"/);
    expect(conflictsOf(p, 'b')[0].message).toMatch(/org "Tenant A" .* also claims tenant "b"/);
    expect(p.tenants.filter((t) => t.blocked).map((t) => t.tenantId)).toEqual(['a', 'b']);
    expect(await writesOfApply(env, p)).toBe(0);
    // Tenant B's data source (its tenant header) never reached Tenant A's org.
    const a = await orgId(env, 'Tenant A');
    expect((await env.client.listDataSources(a)).map((d) => d.uid)).toEqual(['mtt-a-prom']);
    await writeMarkerAs(env, 'admin', a, 'a');
    expect(await managedStateFingerprint(env)).toBe(before);
  });

  it('forged ownership: a marker in an org the registry does not list is a conflict, never adopted', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    // mallory claims the next tenant before it is provisioned; the old planner renamed her org
    // to "Tenant D" and wrote tenant d's data source into it.
    const other = await mallorysOrg(env, 'Mallory Org');
    await writeMarkerAs(env, 'mallory', other, 'd');

    const p = await plan(env, withD);
    const [conflict] = conflictsOf(p, 'd');
    expect(conflict.message).toMatch(
      /org "Mallory Org" .* carries an ownership marker for tenant "d", but the registry .* does not list it/
    );
    expect(conflict.fix).toMatch(/a marker alone is not proof/);
    expect(await writesOfApply(env, p)).toBe(0);
    expect((await env.client.listOrgs()).map((o) => o.name)).toContain('Mallory Org');
    expect((await env.client.listDataSources(other)).length).toBe(0);
    // Even the migration flag does not adopt an org whose name is not the tenant's orgName.
    expect(conflictsOf(await plan(env, withD, { adoptMarkers: true }), 'd')[0].message).toMatch(
      /its name is not the spec's orgName "Tenant D"/
    );
  });

  it('forged ownership: two orgs claiming one tenant is a conflict, with or without the registry', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const other = await mallorysOrg(env, 'Mallory Org');
    await writeMarkerAs(env, 'mallory', other, 'a');

    const registered = await plan(env, spec);
    expect(conflictsOf(registered, 'a')[0].message).toMatch(/org "Mallory Org" .* also claims tenant "a" by marker/);
    expect(await writesOfApply(env, registered)).toBe(0);

    // An install from before the registry: markers only, and the admin asks to adopt them.
    await dropRegistry(env);
    const migrating = await plan(env, spec, { adoptMarkers: true });
    expect(conflictsOf(migrating, 'a')[0].message).toMatch(
      /org "Tenant A" .* and org "Mallory Org" .* all claim tenant "a"/
    );
    expect(migrating.tenants.find((t) => t.tenantId === 'b')!.blocked).toBe(false);
    env.fake.resetLog();
    await applyPlan(env.api, migrating, { retry: false });
    // Only b and c were recorded; nothing was written into Tenant A or Mallory Org.
    expect(env.fake.log.filter((e) => e.write && (e.orgId === other || e.orgId === 2))).toEqual([]);
  });

  it('a registered org whose app was disabled (marker and bundled dashboards gone) is drift: apply restores both', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    // Disabling the app with the settings form drops jsonData; Grafana deletes the bundled dashboards.
    await writeMarkerAs(env, 'alice', a, undefined, false);
    expect((await env.client.searchDashboards(a, { type: 'dash-db' })).length).toBe(0);

    const p = await plan(env, spec);
    const changed = p.tenants
      .find((t) => t.tenantId === 'a')!
      .steps.filter((s) => s.action !== 'unchanged')
      .map((s) => `${s.kind}:${s.action}`);
    // The dashboard is imported into the tenant folder first (planDashboards.ts), then the app enabled.
    expect(changed).toEqual(['dashboard:create', 'app-enable:create', 'dashboard:create']);
    await applyPlan(env.api, p, { retry: false });
    expect((await env.client.searchDashboards(a, { type: 'dash-db' })).map((h) => h.uid)).toEqual(['mt-overview']);
    env.fake.resetLog();
    await planAndApply(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });
});

async function dropRegistry(env: Env) {
  const s = await env.client.getPluginSettings(1, APP_PLUGIN_ID);
  const { [REGISTRY_KEY]: _dropped, ...rest } = s.jsonData ?? {};
  await env.client.updatePluginSettings(1, APP_PLUGIN_ID, { enabled: s.enabled, pinned: s.pinned, jsonData: rest });
}

describe('migration from marker-only installs', () => {
  it('markers without a registry are conflicts that name --adopt-markers; adopting records them once', async () => {
    const env = newEnv();
    await planAndApply(env, spec, { audit: { orgId: 1 } });
    await dropRegistry(env);

    const refused = await plan(env, spec);
    expect(refused.tenants.every((t) => t.blocked)).toBe(true);
    expect(conflictsOf(refused, 'b')[0].fix).toMatch(/provisioned before the registry existed .* --adopt-markers/);
    expect(await writesOfApply(env, refused)).toBe(0);

    const adopting = await plan(env, spec, { adoptMarkers: true });
    const changes = adopting.tenants.flatMap((t) =>
      t.steps.filter((s) => s.action !== 'unchanged').map((s) => `${t.tenantId}:${s.kind}:${s.action}`)
    );
    expect(changes).toEqual(['a:org-registry:create', 'b:org-registry:create', 'c:org-registry:create']);
    env.fake.resetLog();
    await applyPlan(env.api, adopting, { retry: false, audit: { orgId: 1 } });
    const settings = await env.client.getPluginSettings(1, APP_PLUGIN_ID);
    expect(Object.values(settings.jsonData?.[REGISTRY_KEY] as object)).toHaveLength(3);
    // The audit log beside it survived the registry writes (and gained this apply's entry).
    expect((settings.jsonData?.auditLog as unknown[]).length).toBe(2);
    expect((await plan(env, spec)).summary).toMatchObject({ create: 0, update: 0, conflict: 0 });
  });
});
