/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/** The GitOps CLI's token and shared-org outputs, as a real process against the fake Grafana server. */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { parse } from 'yaml';
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { TOKEN_SPEC_YAML } from './tokenSupport';

const ROOT = path.resolve(__dirname, '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'src', 'tenancy', 'cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, GRAFANA_PASSWORD: 'admin' }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    );
  });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('tenancy CLI: --tokens-out, --mapping-out, --rotate-tokens', () => {
  let fake: FakeGrafana;
  let server: FakeGrafanaServer;
  let dir: string;
  let common: string[];

  beforeAll(async () => {
    fake = new FakeGrafana();
    for (const login of ['alice', 'bob', 'carol', 'dave']) {
      fake.createUser({ login, email: `${login}@example.com` });
    }
    server = await startFakeGrafanaServer(fake);
    dir = mkdtempSync(path.join(tmpdir(), 'tenancy-cli-tokens-'));
    writeFileSync(path.join(dir, 'tenants.yaml'), TOKEN_SPEC_YAML);
    common = ['--spec', path.join(dir, 'tenants.yaml'), '--grafana-url', server.url, '--audit-org', '1'];
  });
  afterAll(async () => {
    await server?.stop();
  });

  const bearerOf = (uid: string) => {
    const ds = [...fake.state.datasources.values()].find((d) => d.uid === uid)!;
    return ds.secureJsonData.httpHeaderValue1.slice('Bearer '.length);
  };

  it('apply writes the tokens file and the team mapping file from what Grafana holds', async () => {
    const tokens = path.join(dir, 'tokens.yaml');
    const mapping = path.join(dir, 'mapping-{id}.yaml');
    const r = await cli(['apply', ...common, '--tokens-out', tokens, '--mapping-out', mapping]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${tokens} (2 tenant(s) in token mode)`);
    const file = parse(readFileSync(tokens, 'utf8'));
    expect(file).toEqual({
      tenants: {
        a: { values: ['a'], tokenSha256: [sha256(bearerOf('mtt-a-prom'))] },
        b: { values: ['b', 'b2'], tokenSha256: [sha256(bearerOf('mtt-b-prom'))] },
      },
    });
    expect(readFileSync(tokens, 'utf8')).not.toContain(bearerOf('mtt-a-prom'));
    const shared = parse(readFileSync(path.join(dir, 'mapping-shared.yaml'), 'utf8'));
    const org = [...fake.state.orgs.values()].find((o) => o.name === 'Shared')!;
    const teams = [...fake.state.teams.values()].filter((t) => t.orgId === org.id);
    expect(shared).toEqual({
      orgId: org.id,
      dataSourceTokenSha256: [sha256(bearerOf('mtt-shared-prom'))],
      teams: ['a-ops', 'beta-ops'].map((name) => {
        const t = teams.find((x) => x.name === name)!;
        return { uid: t.uid, id: t.id, name, values: name === 'a-ops' ? ['a'] : ['b'] };
      }),
    });
  }, 120_000);

  it('plan --rotate-token a shows the rotation for a only; apply keeps the old hash in the file until the next apply', async () => {
    const tokens = path.join(dir, 'tokens.yaml');
    const before = parse(readFileSync(tokens, 'utf8'));
    const planned = await cli(['plan', ...common, '--rotate-token', 'a']);
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/tenant a[\s\S]*~ token bearer token[\s\S]*rotate token \(requested\)/);
    expect(planned.stdout).not.toMatch(/tenant b \(.*\n[^t]*~ token/);

    const applied = await cli(['apply', ...common, '--rotate-token', 'a', '--tokens-out', tokens]);
    expect(applied.code).toBe(0);
    const during = parse(readFileSync(tokens, 'utf8'));
    expect(during.tenants.a.tokenSha256).toEqual([sha256(bearerOf('mtt-a-prom')), before.tenants.a.tokenSha256[0]]);
    expect(during.tenants.b).toEqual(before.tenants.b);

    await cli(['apply', ...common, '--tokens-out', tokens]);
    expect(parse(readFileSync(tokens, 'utf8')).tenants.a.tokenSha256).toEqual([sha256(bearerOf('mtt-a-prom'))]);
    const again = await cli(['plan', ...common]);
    expect(again.code).toBe(0);
  }, 180_000);

  it('refuses a --mapping-out without {id} when the spec has several shared orgs', async () => {
    const two = path.join(dir, 'two.yaml');
    writeFileSync(
      two,
      TOKEN_SPEC_YAML + '  - orgName: Shared Two\n    proxyUrl: http://p2:8080\n    teams: [{ name: x, values: [x] }]\n'
    );
    const r = await cli([
      'plan',
      '--spec',
      two,
      '--grafana-url',
      server.url,
      '--mapping-out',
      path.join(dir, 'm.yaml'),
    ]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('put {id} in the name');
  }, 60_000);
});
