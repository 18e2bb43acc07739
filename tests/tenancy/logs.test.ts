/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Logs provisioning against the fake Grafana: a Loki data source per tenant (token mode with its
 * own token, or X-Scope-OrgID for a multi-tenant Loki), the shared org's Loki data source and logs
 * wrapper, the proxy files with both hashes, and specs without `logs` planning exactly as before.
 */
import { parseTeamMappingFile, parseTokensFile } from '../../proxy/identity/fileFormats';
import { applyPlan } from '../../src/tenancy/apply';
import { readProxyFiles, renderTeamMappingFile, renderTenantTokensFile } from '../../src/tenancy/proxyFiles';
import { parseTenantSpec } from '../../src/tenancy/spec';
import { specFrom } from './harness';
import { LOGS_SPEC_YAML, logsTokenMismatches } from './logsSupport';
import {
  applyTokens,
  newTokenEnv,
  planTokens,
  PROVISIONING_ORG,
  registryOf,
  storedAuthorization,
  TOKEN_SPEC_YAML,
  tokenMismatches,
} from './tokenSupport';

const spec = specFrom(LOGS_SPEC_YAML);
const withoutLogs = specFrom(TOKEN_SPEC_YAML);

async function liveDatasource(env: ReturnType<typeof newTokenEnv>, orgName: string, uid: string) {
  const org = (await env.client.listOrgs()).find((o) => o.name === orgName)!;
  return env.client.getDataSource(org.id, uid);
}

describe('spec: logs', () => {
  it('absent logs leaves the normalised spec without a logs key (specs from before logs are unchanged)', () => {
    expect(withoutLogs.tenants.every((t) => !('logs' in t))).toBe(true);
    expect(withoutLogs.sharedOrgs.every((o) => !('logsProxyUrl' in o))).toBe(true);
  });

  it('defaults.logs applies to every tenant; token mode is the default; multitenant scopeOrgId defaults to the id', () => {
    const byId = Object.fromEntries(spec.tenants.map((t) => [t.id, t.logs]));
    expect(byId.a).toEqual({ mode: 'proxy', tenantVia: 'token', url: 'http://proxy-logs:8080' });
    expect(byId.h).toEqual({ mode: 'loki-multitenant', url: 'http://loki:3100', scopeOrgId: 'h' });
    expect(spec.sharedOrgs[0].logsProxyUrl).toBe('http://proxy-logs-shared:8080');
  });

  it.each([
    [
      'logs: { mode: tempo, url: "http://x" }',
      'tenants[0].logs',
      /does not match any logs mode/,
      /mode: loki-multitenant/,
    ],
    [
      'logs: { mode: proxy, url: "http://x", basicAuth: { user: u, password: p } }',
      'tenants[0].logs.basicAuth',
      /basic auth would replace/,
      /remove basicAuth/,
    ],
    ['logs: { mode: proxy, url: "not a url" }', 'tenants[0].logs.url', /not an absolute URL/, /tenancy-proxy-logs/],
    ['logs: { mode: proxy, ulr: "http://x" }', 'tenants[0].logs', /unknown field/, /did you mean `url`/],
    [
      'logs: { mode: loki-multitenant, url: "http://loki:3100", scopeOrgId: "a|b" }',
      'tenants[0].logs.scopeOrgId',
      /query federation/,
      /one Loki tenant id/,
    ],
  ])('%s → an error on %s naming the fix', (logs, path, message, fix) => {
    const parsed = parseTenantSpec(`
version: 1
defaults: { datasource: { mode: proxy, url: "http://p:9090" } }
tenants:
  - { id: a, labelValues: [a], orgName: A, ${logs} }
`);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toContainEqual(
      expect.objectContaining({ path, message: expect.stringMatching(message), fix: expect.stringMatching(fix) })
    );
  });

  it('two tenants on one Loki tenant is refused (they would read each other’s logs)', () => {
    const parsed = parseTenantSpec(`
version: 1
defaults:
  datasource: { mode: proxy, url: "http://p:9090" }
  logs: { mode: loki-multitenant, url: "http://loki:3100", scopeOrgId: shared }
tenants:
  - { id: a, labelValues: [a], orgName: A }
  - { id: b, labelValues: [b], orgName: B }
`);
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.path)).toEqual(['tenants[1].logs.scopeOrgId']);
  });
});

describe('spec: logs for a rules tenant (the Loki proxy enforces one label, a rules identity gets 403)', () => {
  const withRulesTenant = (own: string) => `
version: 1
defaults:
  datasource: { mode: proxy, url: "http://p:9090" }
  logs: { mode: proxy, url: "http://proxy-logs:8080" }
tenants:
  - { id: a, labelValues: [a], orgName: A }
  - { id: ops, orgName: Ops, rules: ['{tenant=~".+"}']${own} }
`;

  it('its own proxy-mode logs is refused, naming the ways out', () => {
    const parsed = parseTenantSpec(withRulesTenant(', logs: { mode: proxy, url: "http://proxy-logs:8080" }'));
    expect(parsed.ok ? [] : parsed.errors).toContainEqual(
      expect.objectContaining({
        path: 'tenants[1].logs.mode',
        message: expect.stringMatching(/has `rules:`.*one label's values/),
        fix: expect.stringMatching(/labelValues.*loki-multitenant/),
      })
    );
  });

  it('it does not inherit a proxy-mode defaults.logs, and the plan says why; the other tenants still do', async () => {
    const parsed = specFrom(withRulesTenant(''));
    expect(parsed.tenants.map((t) => [t.id, t.logs?.mode ?? null, t.logsDefaultsSkipped ?? false])).toEqual([
      ['a', 'proxy', false],
      ['ops', null, true],
    ]);
    const plan = await planTokens(newTokenEnv(), parsed);
    const ops = plan.tenants.find((t) => t.tenantId === 'ops')!;
    expect(ops.warnings).toContainEqual(expect.stringMatching(/^no Loki data source: this tenant has `rules:`/));
    expect(ops.steps.some((step) => /loki/i.test(JSON.stringify(step)))).toBe(false);
  });

  it('loki-multitenant needs no label enforcement, so a rules tenant may have it', () => {
    expect(parseTenantSpec(withRulesTenant(', logs: { mode: loki-multitenant, url: "http://loki:3100" }')).ok).toBe(
      true
    );
  });
});

describe('Loki data sources and their tokens', () => {
  it('a spec without logs, applied, then planned by this version: 0 changes and no Loki data source', async () => {
    const env = newTokenEnv();
    await applyTokens(env, withoutLogs);
    const again = await planTokens(env, withoutLogs);
    expect(again.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
    const all = [...env.fake.state.datasources.values()];
    expect(all.filter((d) => d.type === 'loki')).toEqual([]);
    const jsonData = (await env.client.getPluginSettings(PROVISIONING_ORG, 'mtlabs-tenancy-app')).jsonData ?? {};
    expect(Object.keys(jsonData).filter((k) => /logs/i.test(k))).toEqual([]);
  });

  it('apply creates a Loki data source per tenant with its own token; a re-run writes nothing', async () => {
    const env = newTokenEnv();
    const first = await applyTokens(env, spec);
    expect(Object.values(first.result.tenants).map((t) => t.state)).toEqual(first.plan.tenants.map(() => 'done'));

    const a = await liveDatasource(env, 'Tenant A', 'mtt-a-loki');
    expect(a).toMatchObject({
      name: 'Loki (a)',
      type: 'loki',
      url: 'http://proxy-logs:8080',
      isDefault: false,
      jsonData: { managedBy: 'mtlabs-tenancy-app', tenantId: 'a', maxLines: '1000', httpHeaderName1: 'Authorization' },
      secureJsonFields: { httpHeaderValue1: true },
    });
    // The Prometheus data source stays the org default.
    expect((await liveDatasource(env, 'Tenant A', 'mtt-a-prom')).isDefault).toBe(true);
    const registry = await registryOf(env);
    expect(await logsTokenMismatches(env, registry)).toEqual([]);
    expect(await tokenMismatches(env, registry)).toEqual([]);
    // Two different tokens: the logs one is never the metrics one.
    expect(storedAuthorization(env, 'Tenant A', 'mtt-a-loki')).not.toBe(
      storedAuthorization(env, 'Tenant A', 'mtt-a-prom')
    );
    expect(registry['tenant-logs'].h).toBeUndefined();

    env.fake.resetLog();
    const again = await applyTokens(env, spec);
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
    expect(env.fake.counts().writes).toBe(0);
  });

  it('loki-multitenant sends X-Scope-OrgID from secureJsonData, warns about the unsigned header, re-sends on change', async () => {
    const env = newTokenEnv();
    const first = await applyTokens(env, spec);
    expect(first.plan.tenants.find((t) => t.tenantId === 'h')!.warnings.join('\n')).toMatch(
      /X-Scope-OrgID "h".*reachable only through Grafana/
    );
    const org = [...env.fake.state.orgs.values()].find((o) => o.name === 'Tenant H')!;
    const stored = [...env.fake.state.datasources.values()].find((d) => d.orgId === org.id && d.uid === 'mtt-h-loki')!;
    expect(stored.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
    expect(stored.secureJsonData.httpHeaderValue1).toBe('h');

    const changed = specFrom(
      LOGS_SPEC_YAML.replace('url: "http://loki:3100" }', 'url: "http://loki:3100", scopeOrgId: h-logs }')
    );
    const p = await planTokens(env, changed);
    const step = p.tenants.find((t) => t.tenantId === 'h')!.steps.find((s) => s.target === 'data source "Loki (h)"')!;
    expect(step.action).toBe('update');
    expect(step.diff.map((d) => d.field)).toEqual(['jsonData.managedSecretFingerprint']);
    await applyPlan(env.api, p, { retry: false });
    const after = [...env.fake.state.datasources.values()].find((d) => d.orgId === org.id && d.uid === 'mtt-h-loki')!;
    expect(after.secureJsonData.httpHeaderValue1).toBe('h-logs');
  });

  it('the tokens file lists each tenant once with both hashes; the mapping file both shared secrets; the proxy reads them', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const registry = await registryOf(env);
    const files = await readProxyFiles(env.api, spec, PROVISIONING_ORG);
    expect(files.tokens.tenants).toEqual({
      a: { values: ['a'], tokenSha256: [...registry.tenant.a.hashes, ...registry['tenant-logs'].a.hashes] },
      b: { values: ['b', 'b2'], tokenSha256: [...registry.tenant.b.hashes, ...registry['tenant-logs'].b.hashes] },
    });
    // The proxy's own reader: both digests of tenant a name tenant a (either token, same policy).
    const parsed = parseTokensFile(renderTenantTokensFile(files.tokens));
    const digestsOf = (tenant: string) =>
      parsed.entries.filter((e) => e.owner.tenant === tenant).map((e) => Buffer.from(e.digest).toString('hex'));
    expect(digestsOf('a')).toEqual([...registry.tenant.a.hashes, ...registry['tenant-logs'].a.hashes]);

    const mapping = files.sharedOrgs[0].mapping!;
    expect(mapping.dataSourceTokenSha256).toEqual([
      ...registry['shared-org'].shared.hashes,
      ...registry['shared-org-logs'].shared.hashes,
    ]);
    expect(() => parseTeamMappingFile(renderTeamMappingFile(mapping))).not.toThrow();
  });

  it('an org Admin editing the Loki data source gets a new logs token; the metrics token stays', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const before = await registryOf(env);
    const a = await liveDatasource(env, 'Tenant A', 'mtt-a-loki');
    await env.client.updateDataSource(a.orgId!, 'mtt-a-loki', { ...a, url: 'http://elsewhere:3100' } as never);

    const p = await planTokens(env, spec);
    const steps = p.tenants.find((t) => t.tenantId === 'a')!.steps.filter((s) => s.op);
    expect(steps.map((s) => `${s.kind} ${s.target}`)).toEqual([
      'datasource data source "Loki (a)"',
      'token logs bearer token',
    ]);
    await applyPlan(env.api, p, { retry: false });
    const after = await registryOf(env);
    expect(after.tenant.a.hashes).toEqual(before.tenant.a.hashes);
    expect(after['tenant-logs'].a.hashes[0]).not.toBe(before['tenant-logs'].a.hashes[0]);
    expect(await logsTokenMismatches(env, after)).toEqual([]);
  });

  it('rotation of a tenant rotates both of its tokens; the next apply retires both previous ones', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    await applyTokens(env, spec, { rotateTokens: ['a'] });
    const rotating = await registryOf(env);
    expect([rotating.tenant.a.hashes.length, rotating['tenant-logs'].a.hashes.length]).toEqual([2, 2]);
    await applyTokens(env, spec);
    const settled = await registryOf(env);
    expect([settled.tenant.a.hashes.length, settled['tenant-logs'].a.hashes.length]).toEqual([1, 1]);
    env.fake.resetLog();
    await applyTokens(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });

  it('an unmanaged data source named like the Loki one is a conflict naming logs.name', async () => {
    const env = newTokenEnv();
    await applyTokens(env, withoutLogs);
    const org = (await env.client.listOrgs()).find((o) => o.name === 'Tenant A')!;
    await env.client.createDataSource(org.id, {
      name: 'Loki (a)',
      type: 'loki',
      access: 'proxy',
      url: 'http://x',
    } as never);
    const p = await planTokens(env, spec);
    const a = p.tenants.find((t) => t.tenantId === 'a')!;
    expect(a.blocked).toBe(true);
    expect(a.steps.find((s) => s.action === 'conflict')).toMatchObject({
      target: 'data source "Loki (a)"',
      fix: expect.stringContaining('`logs.name`'),
    });
  });

  it('dropping logs: the logs token goes at once, the Loki data source only with prune', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const p = await planTokens(env, withoutLogs);
    const a = p.tenants.find((t) => t.tenantId === 'a')!;
    expect(a.steps.filter((s) => s.op).map((s) => [s.action, s.target, s.requiresPrune ?? false])).toEqual([
      ['orphaned', 'data source "Loki (a)"', true],
      ['update', 'logs bearer token', false],
    ]);
    await applyPlan(env.api, p, { retry: false });
    expect((await registryOf(env))['tenant-logs']).toEqual({});
    expect(await liveDatasource(env, 'Tenant A', 'mtt-a-loki')).toMatchObject({ type: 'loki' });

    await applyPlan(env.api, await planTokens(env, withoutLogs), { retry: false, prune: true });
    expect([...env.fake.state.datasources.values()].filter((d) => d.type === 'loki')).toEqual([]);
    expect([...env.fake.state.datasources.values()].filter((d) => d.uid === 'mtt-shared-logs-wrapper')).toEqual([]);
    env.fake.resetLog();
    await applyTokens(env, withoutLogs, {}, { prune: true });
    expect(env.fake.counts().writes).toBe(0);
  });
});

describe('shared org logs', () => {
  it('a Loki data source on the ID-token proxy and a Tenant logs wrapper targeting it', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    expect(await liveDatasource(env, 'Shared', 'mtt-shared-loki')).toMatchObject({
      name: 'Loki (shared)',
      type: 'loki',
      url: 'http://proxy-logs-shared:8080',
      jsonData: { httpHeaderName1: 'Authorization', tenantId: 'shared' },
    });
    const wrapper = await liveDatasource(env, 'Shared', 'mtt-shared-logs-wrapper');
    expect(wrapper).toMatchObject({
      name: 'Tenant logs (Shared)',
      type: 'mtlabs-tenantwrapper-datasource',
      jsonData: { targetUid: 'mtt-shared-loki', tenantLabel: 'tenant', teamsManagedBySpec: true },
    });
    expect((wrapper.jsonData.teamTenants as Array<{ values: string[] }>).map((t) => t.values)).toEqual([['a'], ['b']]);
    expect((await liveDatasource(env, 'Shared', 'mtt-shared-wrapper')).jsonData.targetUid).toBe('mtt-shared-prom');
  });

  it('another Loki data source in the shared org blocks it, naming the fix', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const org = (await env.client.listOrgs()).find((o) => o.name === 'Shared')!;
    await env.client.createDataSource(org.id, {
      name: 'raw loki',
      type: 'loki',
      access: 'proxy',
      url: 'http://loki:3100',
    } as never);
    const p = await planTokens(env, spec);
    const shared = p.tenants.find((t) => t.tenantId === 'shared')!;
    expect(shared.blocked).toBe(true);
    expect(shared.steps.find((s) => s.action === 'conflict')).toMatchObject({
      target: 'data source "raw loki"',
      fix: expect.stringMatching(/delete it from org "Shared"/),
    });
  });
});
