/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Bundled dashboards land in the tenant folder (planDashboards.ts): imported with pluginId + path +
 * folderUid before the app is enabled, so Grafana's enable-time import leaves them there; after a
 * plugin upgrade (new revision, re-imported at the root by Grafana) one re-apply moves them back,
 * and the next moves nothing. The logs dashboard goes into the folder only for a tenant with `logs`
 * (tenant A here); in tenant B (no logs) Grafana's enable-time import leaves it at the root, untouched.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { newEnv as harnessEnv, plan, planAndApply, SPEC_YAML, specFrom, type Env } from './harness';

/** The dashboards the app really bundles: plugin.json includes and the uids of the JSON files. */
const SRC = path.join(__dirname, '../../src');
const BUNDLED_DASHBOARDS = (
  JSON.parse(readFileSync(path.join(SRC, 'plugin.json'), 'utf8')) as {
    includes: Array<{ type: string; name: string; path?: string }>;
  }
).includes
  .filter((i) => i.type === 'dashboard')
  .map((i) => {
    const json = JSON.parse(readFileSync(path.join(SRC, i.path!), 'utf8')) as { uid: string; title: string };
    return { path: i.path!, uid: json.uid, title: json.title };
  });

/** The harness fake, installed with the app's real bundled dashboards. */
function newEnv(): Env {
  const env = harnessEnv();
  env.fake.setBundledDashboards(
    'mtlabs-tenancy-app',
    BUNDLED_DASHBOARDS.map((d) => ({ path: d.path, json: { uid: d.uid, title: d.title }, revision: 1 }))
  );
  return env;
}

const LOGS_UID = 'mtlabs-tenant-logs-overview';
const spec = specFrom(
  SPEC_YAML.replace(
    'orgName: Tenant A\n',
    'orgName: Tenant A\n    logs: { mode: loki-multitenant, url: "http://loki:3100" }\n'
  )
);
const orgIdOf = async (env: Env, name: string) => (await env.client.listOrgs()).find((o) => o.name === name)!.id;
const placed = async (env: Env, orgId: number) =>
  (await env.client.searchDashboards(orgId, { type: 'dash-db' })).map((h) => `${h.uid}@${h.folderUid ?? '(root)'}`);

describe('bundled dashboards in the tenant folder', () => {
  it('a fresh apply puts every bundled dashboard into the tenant folder, recorded as the plugin’s', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgIdOf(env, 'Tenant A');
    expect((await placed(env, a)).sort()).toEqual(BUNDLED_DASHBOARDS.map((d) => `${d.uid}@mtt-a`).sort());
    for (const row of env.fake.state.dashboardsOf(a)) {
      expect({ pluginId: row.pluginId, importedRevision: row.importedRevision }).toEqual({
        pluginId: 'mtlabs-tenancy-app',
        importedRevision: 1,
      });
    }
    // No logs: every other dashboard in the folder; the logs one where Grafana's own import put it.
    expect(BUNDLED_DASHBOARDS.some((d) => d.uid === LOGS_UID)).toBe(true);
    expect((await placed(env, await orgIdOf(env, 'Tenant B'))).sort()).toEqual(
      BUNDLED_DASHBOARDS.map((d) => `${d.uid}@${d.uid === LOGS_UID ? '(root)' : 'mtt-b'}`).sort()
    );
    // dashboards: false → nothing imported, app not enabled.
    expect(await placed(env, await orgIdOf(env, 'Tenant C'))).toEqual([]);
  });

  it('after a plugin upgrade re-imports them at the root, one re-apply moves them back and the next moves nothing', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgIdOf(env, 'Tenant A');
    // Upgrade: revision 2 of every dashboard; Grafana's start-up sync re-imports into the root.
    env.fake.setBundledDashboards(
      'mtlabs-tenancy-app',
      BUNDLED_DASHBOARDS.map((d) => ({ path: d.path, json: { uid: d.uid, title: d.title }, revision: 2 }))
    );
    expect((await placed(env, a)).every((p) => p.endsWith('@(root)') || p.endsWith('@'))).toBe(true);

    const p = await plan(env, spec);
    const moves = p.tenants.find((t) => t.tenantId === 'a')!.steps.filter((s) => s.kind === 'dashboard' && s.op);
    expect(moves.map((s) => [s.action, s.target, s.diff[0].after])).toEqual(
      BUNDLED_DASHBOARDS.map((d) => ['update', `dashboard "${d.title}"`, 'Tenant A dashboards'])
    );
    env.fake.resetLog();
    await planAndApply(env, spec);
    const writesByPath = env.fake.log.filter((e) => e.write && e.orgId === a).map((e) => `${e.method} ${e.path}`);
    expect(writesByPath).toEqual(BUNDLED_DASHBOARDS.map(() => 'POST /api/dashboards/import'));
    expect((await placed(env, a)).sort()).toEqual(BUNDLED_DASHBOARDS.map((d) => `${d.uid}@mtt-a`).sort());
    expect(env.fake.state.dashboardsOf(a).map((r) => r.importedRevision)).toEqual(BUNDLED_DASHBOARDS.map(() => 2));

    env.fake.resetLog();
    await planAndApply(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });
});
