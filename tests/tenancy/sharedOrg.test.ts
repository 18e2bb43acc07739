/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Shared orgs (issue #14 item 3, tenancy side) against the fake Grafana: teams, the ID-token
 * proxy's data source with its shared secret, the wrapper's `teamTenants`, the team mapping file,
 * and the conflicts that keep the wall whole.
 */
import { parse } from 'yaml';
import { applyPlan } from '../../src/tenancy/apply';
import { readProxyFiles, renderTeamMappingFile } from '../../src/tenancy/proxyFiles';
import { parseTenantSpec } from '../../src/tenancy/spec';
import { specFrom, type Env } from './harness';
import {
  applyTokens,
  newTokenEnv,
  planTokens,
  PROVISIONING_ORG,
  registryOf,
  sha256,
  storedAuthorization,
  TOKEN_SPEC_YAML,
} from './tokenSupport';

const spec = specFrom(TOKEN_SPEC_YAML);

const orgIdOf = async (env: Env, name: string) => (await env.client.listOrgs()).find((o) => o.name === name)?.id;

describe('shared org apply', () => {
  it('creates the org, its teams, the ID-token data source with the shared secret, and the wrapper with team uids/ids', async () => {
    const env = newTokenEnv();
    const { result } = await applyTokens(env, spec);
    expect(result.tenants.shared).toEqual({ state: 'done', writes: expect.any(Number) });
    const orgId = (await orgIdOf(env, 'Shared'))!;
    const teams = await env.client.searchTeams(orgId);
    expect(teams.map((t) => [t.name, t.email])).toEqual([
      ['a-ops', 'mtlabs-tenancy+shared@managed.invalid'],
      ['beta-ops', 'mtlabs-tenancy+shared@managed.invalid'],
    ]);
    // The provisioning user (Grafana adds the creator as team Admin) is not left in a mapped team.
    for (const t of teams) {
      expect((await env.client.listTeamMembers(orgId, t.id)).map((m) => m.login)).toEqual([]);
    }

    const prom = await env.client.getDataSource(orgId, 'mtt-shared-prom');
    expect(prom).toMatchObject({ type: 'prometheus', url: 'http://proxy-shared:8080', isDefault: true });
    expect(prom.jsonData).toMatchObject({ httpHeaderName1: 'Authorization' });
    const secret = storedAuthorization(env, 'Shared', 'mtt-shared-prom')!.slice('Bearer '.length);
    const registry = await registryOf(env);
    expect(registry['shared-org'].shared.hashes).toEqual([sha256(secret)]);

    const wrapper = await env.client.getDataSource(orgId, 'mtt-shared-wrapper');
    const byName = Object.fromEntries(teams.map((t) => [t.name, t]));
    expect(wrapper.type).toBe('mtlabs-tenantwrapper-datasource');
    expect(wrapper.jsonData).toMatchObject({
      targetUid: 'mtt-shared-prom',
      tenantLabel: 'tenant',
      teamsManagedBySpec: true,
      teamTenants: [
        { uid: byName['a-ops'].uid, id: byName['a-ops'].id, values: ['a'] },
        { uid: byName['beta-ops'].uid, id: byName['beta-ops'].id, values: ['b'] },
      ],
    });
    // Tenant a's labelValues flow through `tenant: a`; the wrapper holds no secret.
    expect(JSON.stringify(wrapper)).not.toContain(secret);

    const files = await readProxyFiles(env.api, spec, PROVISIONING_ORG);
    expect(files.sharedOrgs).toEqual([
      {
        id: 'shared',
        orgName: 'Shared',
        mapping: {
          orgId,
          dataSourceTokenSha256: [sha256(secret)],
          teams: [
            { uid: byName['a-ops'].uid, id: byName['a-ops'].id, name: 'a-ops', values: ['a'] },
            { uid: byName['beta-ops'].uid, id: byName['beta-ops'].id, name: 'beta-ops', values: ['b'] },
          ],
        },
      },
    ]);
    const text = renderTeamMappingFile(files.sharedOrgs[0].mapping!);
    expect(parse(text)).toEqual(files.sharedOrgs[0].mapping);

    env.fake.resetLog();
    await applyTokens(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });

  it('reports every other Prometheus data source in the shared org as a conflict, with the fix', async () => {
    const env = newTokenEnv();
    const created = await env.client.createOrg('Shared');
    await env.client.createDataSource(created.orgId, {
      name: 'Central',
      type: 'prometheus',
      uid: 'central',
      access: 'proxy',
      url: 'http://central:9090',
    });
    const p = await planTokens(env, spec);
    const shared = p.tenants.find((t) => t.tenantId === 'shared')!;
    expect(shared.blocked).toBe(true);
    expect(shared.steps.filter((s) => s.action === 'conflict')).toEqual([
      expect.objectContaining({
        kind: 'datasource',
        target: 'data source "Central"',
        message: expect.stringContaining('around the ID-token proxy'),
        fix: expect.stringContaining('delete it'),
      }),
    ]);
    env.fake.resetLog();
    await applyPlan(env.api, p, { retry: false });
    expect(env.fake.log.filter((e) => e.write && e.orgId === created.orgId)).toEqual([]);
    expect((await readProxyFiles(env.api, spec, PROVISIONING_ORG)).sharedOrgs[0].error).toMatch(/apply first/);
  });

  it('adopts an existing shared org with its users and dashboards, leaving them as they are', async () => {
    const env = newTokenEnv();
    const created = await env.client.createOrg('Shared');
    await env.client.addOrgUser(created.orgId, 'alice', 'Editor');
    await env.client.saveDashboard(created.orgId, { dashboard: { uid: 'team-dash', title: 'Ours', panels: [] } });
    const p = await planTokens(env, spec);
    expect(p.tenants.find((t) => t.tenantId === 'shared')!.steps[0]).toMatchObject({ kind: 'org', action: 'update' });
    await applyPlan(env.api, p, { retry: false });
    expect((await env.client.listOrgUsers(created.orgId)).map((u) => [u.login, u.role])).toEqual(
      expect.arrayContaining([['alice', 'Editor']])
    );
    expect((await env.client.getDashboard(created.orgId, 'team-dash')).dashboard.title).toBe('Ours');
  });

  it('a team re-created by someone else under a mapped name is a conflict, never mapped by its name', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const orgId = (await orgIdOf(env, 'Shared'))!;
    const managed = (await env.client.searchTeams(orgId)).find((t) => t.name === 'a-ops')!;
    await env.client.deleteTeam(orgId, managed.id);
    const impostor = await env.client.createTeam(orgId, { name: 'a-ops', email: 'someone@example.com' });

    const p = await planTokens(env, spec);
    const shared = p.tenants.find((t) => t.tenantId === 'shared')!;
    expect(shared.steps.find((s) => s.kind === 'team' && s.target === 'team "a-ops"')).toMatchObject({
      action: 'conflict',
      fix: expect.stringContaining('rename or delete'),
    });
    await applyPlan(env.api, p, { retry: false });
    const files = await readProxyFiles(env.api, spec, PROVISIONING_ORG);
    expect(files.sharedOrgs[0]).toMatchObject({ error: expect.stringContaining('a-ops') });
    const wrapper = await env.client.getDataSource(orgId, 'mtt-shared-wrapper');
    expect(JSON.stringify(wrapper.jsonData.teamTenants)).not.toContain(String(impostor.uid));
  });

  it('follows a tenant’s label values into the wrapper and the mapping file', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const changed = specFrom(TOKEN_SPEC_YAML.replace('labelValues: [a]', 'labelValues: [a, a2]'));
    const p = await planTokens(env, changed);
    const wrapperStep = p.tenants
      .find((t) => t.tenantId === 'shared')!
      .steps.find((s) => s.kind === 'wrapper-datasource')!;
    expect(wrapperStep.action).toBe('update');
    await applyPlan(env.api, p, { retry: false });
    const files = await readProxyFiles(env.api, changed, PROVISIONING_ORG);
    expect(files.sharedOrgs[0].mapping!.teams[0].values).toEqual(['a', 'a2']);
  });

  const invalid: Array<[string, string, string]> = [
    ['unknown tenant', TOKEN_SPEC_YAML.replace('tenant: a }', 'tenant: zz }'), 'sharedOrgs[0].teams[0].tenant'],
    ['tenant and values', TOKEN_SPEC_YAML.replace('tenant: a }', 'tenant: a, values: [x] }'), 'sharedOrgs[0].teams[0]'],
    ['org name of a tenant', TOKEN_SPEC_YAML.replace('orgName: Shared', 'orgName: Tenant A'), 'sharedOrgs[0].orgName'],
    ['id of a tenant', TOKEN_SPEC_YAML.replace('orgName: Shared', 'orgName: Shared\n    id: a'), 'sharedOrgs[0].id'],
    ['bad proxy URL', TOKEN_SPEC_YAML.replace('http://proxy-shared:8080', 'proxy-shared'), 'sharedOrgs[0].proxyUrl'],
    [
      // `mtt-<29 chars>-wrapper` is 41 characters: Grafana would refuse the wrapper at apply time.
      'an id too long for the wrapper uid',
      TOKEN_SPEC_YAML.replace('orgName: Shared', `orgName: Shared\n    id: ${'s'.repeat(29)}`),
      'sharedOrgs[0].id',
    ],
    [
      'an id too long for the logs wrapper uid',
      TOKEN_SPEC_YAML.replace(
        'orgName: Shared',
        `orgName: Shared\n    id: ${'s'.repeat(24)}\n    logsProxyUrl: http://logs-shared:8080`
      ),
      'sharedOrgs[0].id',
    ],
  ];
  it('spec: the longest id whose wrapper uids fit Grafana is accepted', () => {
    const longest = TOKEN_SPEC_YAML.replace(
      'orgName: Shared',
      `orgName: Shared\n    id: ${'s'.repeat(23)}\n    logsProxyUrl: http://logs-shared:8080`
    );
    expect(parseTenantSpec(longest).ok).toBe(true);
    expect(
      parseTenantSpec(TOKEN_SPEC_YAML.replace('orgName: Shared', `orgName: Shared\n    id: ${'s'.repeat(28)}`)).ok
    ).toBe(true);
  });
  it.each(invalid)('spec: %s is refused at its path', (_name, text, path) => {
    const r = parseTenantSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.path)).toContain(path);
    }
  });
});
