/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/** The GitOps CLI as a real process (tsx) over HTTP basic auth against the fake Grafana server. */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { cli } from './cliProcess';
import { SPEC_YAML } from './harness';

describe('tenancy CLI', () => {
  let fake: FakeGrafana;
  let server: FakeGrafanaServer;
  let specFile: string;

  beforeAll(async () => {
    fake = new FakeGrafana();
    for (const login of ['alice', 'bob', 'carol', 'dave']) {
      fake.createUser({ login, email: `${login}@example.com` });
    }
    server = await startFakeGrafanaServer(fake);
    specFile = path.join(mkdtempSync(path.join(tmpdir(), 'tenancy-cli-')), 'tenants.yaml');
    writeFileSync(specFile, SPEC_YAML.replace('password: s3cret', 'passwordEnv: TENANT_C_PROXY_PASSWORD'));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('plan (exit 2, changes) → apply (exit 0) → plan (exit 0, nothing to do)', async () => {
    const common = ['--spec', specFile, '--grafana-url', server.url, '--user', 'admin'];
    const env = { GRAFANA_PASSWORD: 'admin', TENANT_C_PROXY_PASSWORD: 'from-env' };
    const first = await cli(['plan', ...common], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('+ org org "Tenant A"');
    expect(first.stdout).not.toContain('from-env');

    const applied = await cli(['apply', ...common], env);
    expect(applied.stdout).toContain('tenant c: done');
    expect(applied.code).toBe(0);
    const ds = [...fake.state.datasources.values()].find((d) => d.uid === 'mtt-c-prom');
    expect(ds?.secureJsonData.basicAuthPassword).toBe('from-env');

    const again = await cli(['plan', ...common], env);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 orphaned');
    expect(again.code).toBe(0);
  }, 120_000);

  it('an install from before the registry: plan refuses (exit 6, names --adopt-markers); --adopt-markers records it once', async () => {
    const common = ['--spec', specFile, '--grafana-url', server.url, '--user', 'admin', '--provisioning-org', '1'];
    const env = { GRAFANA_PASSWORD: 'admin', TENANT_C_PROXY_PASSWORD: 'from-env' };
    await cli(['apply', ...common], env);
    delete fake.state.pluginSetting(1, 'mtlabs-tenancy-app')!.jsonData!.registry;

    const refused = await cli(['plan', ...common], env);
    expect(refused.code).toBe(6);
    expect(refused.stdout).toContain('provisioned before the registry existed');
    expect(refused.stdout).toContain('--adopt-markers');
    const adopting = await cli(['plan', ...common, '--adopt-markers'], env);
    expect(adopting.code).toBe(2);
    expect(adopting.stdout).toContain('+ org-registry ownership registry');
    expect((await cli(['apply', ...common, '--adopt-markers'], env)).code).toBe(0);
    expect((await cli(['plan', ...common], env)).code).toBe(0);
  }, 120_000);

  it('reports spec errors with the field and the fix (exit 3)', async () => {
    const bad = specFile.replace('tenants.yaml', 'bad.yaml');
    writeFileSync(
      bad,
      'version: 1\ntenants:\n  - id: a\n    labelValues: []\n    orgName: A\n    datasource: { mode: mimir, url: "http://m" }\n'
    );
    const r = await cli(['plan', '--spec', bad, '--grafana-url', server.url], { GRAFANA_PASSWORD: 'admin' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('tenants[0].labelValues');
    expect(r.stderr).toContain('fix:');
  }, 60_000);
});
