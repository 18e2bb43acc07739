/**
 * Test harness for the tenancy module against the in-memory FakeGrafana: the real GrafanaApi
 * client over the fake's in-process transport, adapted to TenancyApi.
 */
import { GrafanaApi, NO_DELAY_RETRY_POLICY } from '../../src/grafana-api';
import { applyPlan, type ApplyOptions, type ApplyResult } from '../../src/tenancy/apply';
import { tenancyApiFromGrafana } from '../../src/tenancy/grafanaAdapter';
import { readLiveState } from '../../src/tenancy/observe';
import { planTenants, type PlanOptions } from '../../src/tenancy/plan';
import type { Plan } from '../../src/tenancy/planTypes';
import type { TenancyApi } from '../../src/tenancy/ports';
import { parseTenantSpec, type TenantSpec } from '../../src/tenancy/spec';
import { FakeGrafana, fakeTransport, type FakeGrafanaOptions } from '../fakes/grafana-api';

export const SPEC_YAML = `
version: 1
defaults:
  datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }
tenants:
  - id: a
    labelValues: [a]
    orgName: Tenant A
    orgRoles: { alice: Editor }
    teams:
      - name: ops
        members: [{ login: alice }, { email: bob@example.com, role: Admin }]
      - name: dev
        folderPermission: Edit
        members: [{ login: carol }]
  - id: b
    labelValues: [b, b2]
    orgName: Tenant B
    teams: [{ name: ops, members: [{ login: dave }] }]
    datasource: { mode: mimir, url: "http://mimir:8080/prometheus" }
  - id: c
    labelValues: [c]
    orgName: Tenant C
    dashboards: false
    datasource:
      mode: proxy
      tenantVia: query-param
      url: "http://proxy:9090"
      basicAuth: { user: grafana, password: s3cret }
`;

export function specFrom(yaml: string): TenantSpec {
  const parsed = parseTenantSpec(yaml);
  if (!parsed.ok) {
    throw new Error('test spec invalid: ' + JSON.stringify(parsed.errors));
  }
  return parsed.spec;
}

export interface Env {
  fake: FakeGrafana;
  client: GrafanaApi;
  api: TenancyApi;
}

/** A fake Grafana 12.4 with the bundled dashboard and users alice, bob, carol, dave; `options` pick a variant. */
export function newEnv(options: FakeGrafanaOptions = {}): Env {
  const fake = new FakeGrafana(options);
  fake.setBundledDashboards('mtlabs-tenancy-app', [
    { path: 'dashboards/overview.json', json: { uid: 'mt-overview', title: 'Tenant overview' }, revision: 1 },
  ]);
  for (const login of ['alice', 'bob', 'carol', 'dave']) {
    fake.createUser({ login, email: `${login}@example.com` });
  }
  const client = new GrafanaApi(fakeTransport(fake), NO_DELAY_RETRY_POLICY);
  return { fake, client, api: tenancyApiFromGrafana(client) };
}

export async function plan(env: Env, spec: TenantSpec, options?: PlanOptions): Promise<Plan> {
  return planTenants(spec, await readLiveState(env.api, spec), options);
}

export async function planAndApply(
  env: Env,
  spec: TenantSpec,
  options: ApplyOptions = {}
): Promise<{ plan: Plan; result: ApplyResult }> {
  const p = await plan(env, spec);
  const result = await applyPlan(env.api, p, { retry: false, dashboardPoll: { delayMs: 0 }, ...options });
  return { plan: p, result };
}

/**
 * Everything the tenancy app manages, by names (not ids), in a stable order: two runs that
 * converge to the same objects give the same string.
 */
export async function managedStateFingerprint(env: Env): Promise<string> {
  const c = env.client;
  const orgs = (await c.listOrgs()).sort((x, y) => x.name.localeCompare(y.name));
  const out: unknown[] = [];
  for (const org of orgs) {
    const users = (await c.listOrgUsers(org.id)).map((u) => `${u.login}:${u.role}`).sort();
    const teams = [];
    for (const t of (await c.searchTeams(org.id)).sort((x, y) => x.name.localeCompare(y.name))) {
      const members = (await c.listTeamMembers(org.id, t.id)).map((m) => `${m.login}:${m.permission}`).sort();
      teams.push({ name: t.name, email: t.email, members });
    }
    const datasources = [];
    for (const d of await c.listDataSources(org.id)) {
      const full = await c.getDataSource(org.id, d.uid);
      datasources.push({
        uid: full.uid,
        name: full.name,
        url: full.url,
        isDefault: full.isDefault,
        basicAuth: full.basicAuth,
        basicAuthUser: full.basicAuthUser,
        jsonData: full.jsonData,
        secureJsonFields: full.secureJsonFields,
      });
    }
    const hits = (await c.searchDashboards(org.id)).map((h) => `${h.type}:${h.uid}:${h.title}`).sort();
    const folderAcls = [];
    for (const h of (await c.searchDashboards(org.id, { type: 'dash-folder' })).sort((x, y) =>
      x.uid.localeCompare(y.uid)
    )) {
      const acl = (await c.getFolderPermissions(org.id, h.uid))
        .filter((p) => !p.inherited)
        .map((p) => `${p.role ?? ''}${p.team ?? ''}${p.userLogin ?? ''}:${p.permission}`)
        .sort();
      folderAcls.push({ uid: h.uid, acl });
    }
    const settings = await c.getPluginSettings(org.id, 'mtlabs-tenancy-app');
    out.push({
      org: org.name,
      users,
      teams,
      datasources,
      hits,
      folderAcls,
      app: { enabled: settings.enabled, jsonData: registryByOrgName(settings.jsonData, orgs) },
    });
  }
  return JSON.stringify(out, null, 1);
}

/** The registry is keyed by org id; ids differ between runs that converge to the same objects. */
function registryByOrgName(
  jsonData: Record<string, unknown> | undefined,
  orgs: Array<{ id: number; name: string }>
): Record<string, unknown> | null {
  if (!jsonData) {
    return null;
  }
  const registry = jsonData.registry as Record<string, unknown> | undefined;
  if (!registry) {
    return jsonData;
  }
  const byName = Object.entries(registry)
    .map(([id, entry]) => [orgs.find((o) => String(o.id) === id)?.name ?? `(missing org ${id})`, entry] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return { ...jsonData, registry: Object.fromEntries(byName) };
}

/** Secret values as the fake stores them (never readable through the API). */
export function storedSecrets(env: Env, orgName: string, uid: string): Record<string, string> | undefined {
  const org = [...env.fake.state.orgs.values()].find((o) => o.name === orgName);
  const ds = [...env.fake.state.datasources.values()].find((d) => d.orgId === org?.id && d.uid === uid);
  return ds?.secureJsonData;
}
