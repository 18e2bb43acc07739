/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * The GitOps CLI's contract with a CI job: one exit code per outcome, every spec error in one
 * pass, connection failures that say why, `--help` and `--json` (issue #17 item 3). Real
 * processes against the fake Grafana served over HTTP, a closed port and a server that is not
 * Grafana.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import path from 'path';
import { connectionCause } from '../../src/tenancy/cli/connection';
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { freePort } from '../support/prometheus';
import { cli } from './cliProcess';
import { SPEC_YAML } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'tenancy-cli-exit-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const VALID = SPEC_YAML.replace('password: s3cret', 'passwordEnv: TENANT_C_PROXY_PASSWORD');
const ENV = { GRAFANA_PASSWORD: 'admin', TENANT_C_PROXY_PASSWORD: 'pw' };

/** Five different faults: unknown field (misspelt), bad label name, empty values, duplicate org, bad URL. */
const FIVE_FAULTS = `version: 1
label: tenant-name
defaults:
  datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }
tenants:
  - id: a
    labelValues: [a]
    orgName: Same
  - id: b
    labelValues: [b]
    orgName: Same
  - id: c
    labelValue: [c]
    orgName: C
  - id: d
    labelValues: []
    orgName: D
  - id: e
    labelValues: [e]
    orgName: E
    datasource: { mode: mimir, url: "not a url" }
`;

let fake: FakeGrafana;
let grafana: FakeGrafanaServer;
let notGrafana: http.Server;
let notGrafanaUrl: string;

beforeAll(async () => {
  fake = new FakeGrafana();
  for (const login of ['alice', 'bob', 'carol', 'dave']) {
    fake.createUser({ login, email: `${login}@example.com` });
  }
  grafana = await startFakeGrafanaServer(fake);
  notGrafana = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>Welcome to nginx!</body></html>');
  });
  await new Promise<void>((resolve) => notGrafana.listen(0, '127.0.0.1', resolve));
  notGrafanaUrl = `http://127.0.0.1:${(notGrafana.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await grafana?.stop();
  await new Promise((resolve) => notGrafana?.close(resolve));
});

describe('tenancy CLI exit codes', () => {
  test('--help exits 0 and lists the commands, the environment variables and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const word of [
      'validate',
      'plan',
      'apply',
      'GRAFANA_URL',
      'GRAFANA_PASSWORD',
      'GRAFANA_TOKEN',
      'exit codes',
    ]) {
      expect(r.stdout).toContain(word);
    }
    expect((await cli(['plan', '--help'])).code).toBe(0);
  }, 60_000);

  test('validate works offline: the shipped sample spec is valid (0)', async () => {
    const r = await cli(['validate', '--spec', path.join(ROOT, 'provisioning', 'tenants', 'tenants.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is valid: \d+ tenant/);
  }, 60_000);

  test('a spec with five different faults lists all five in one pass (3)', async () => {
    const r = await cli(['validate', '--spec', file('five.yaml', FIVE_FAULTS)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('(5 errors)');
    expect(r.stderr).toContain('label: not a Prometheus label name');
    expect(r.stderr).toContain('did you mean `labelValues` instead of `labelValue`?');
    expect(r.stderr).toContain('tenants[3].labelValues');
    expect(r.stderr).toContain('org name "Same" is also used by tenants[0]');
    expect(r.stderr).toContain('tenants[4].datasource.url');
  }, 60_000);

  test('--json writes the error as a JSON document too', async () => {
    const r = await cli(['validate', '--json', '--spec', file('five-json.yaml', FIVE_FAULTS)]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.error.kind).toBe('invalidSpec');
    expect(doc.error.errors).toHaveLength(5);
    expect(doc.error.errors[0]).toEqual(expect.objectContaining({ path: expect.any(String), fix: expect.any(String) }));
  }, 60_000);

  test('a missing spec file is an invalid spec (3); a wrong command line is usage (64) with a suggestion', async () => {
    expect((await cli(['validate', '--spec', path.join(dir, 'absent.yaml')])).code).toBe(3);
    const typo = await cli(['plna', '--spec', 'x']);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain('did you mean "plan"?');
    const flag = await cli(['plan', '--spec', 'x', '--grafana-ulr', 'http://x']);
    expect(flag.code).toBe(64);
    expect(flag.stderr).toContain('did you mean --grafana-url?');
    const password = await cli(['plan', '--spec', 'x', '--password', 'hunter2']);
    expect(password.code).toBe(64);
    expect(password.stderr).toContain('GRAFANA_PASSWORD');
  }, 60_000);

  test.each([
    ['no scheme', () => 'localhost:3000', /has no scheme; use e\.g\. http:\/\/localhost:3000/],
    [
      'connection refused',
      async () => `http://127.0.0.1:${await freePort()}`,
      /connection refused .*is Grafana running/,
    ],
    ['DNS', () => 'http://grafana.invalid:3000', /DNS could not resolve the host/],
    ['TLS', () => grafana.url.replace('http://', 'https://'), /TLS failed/],
    ['not Grafana', () => notGrafanaUrl, /answers, but it is not Grafana: GET \/api\/health gave HTTP 200 "<html>/],
  ])(
    'Grafana unreachable (4): %s — the message names the URL and the cause',
    async (_name, url, cause) => {
      const target = await url();
      const r = await cli(['plan', '--spec', file('valid-unreach.yaml', VALID), '--grafana-url', target], ENV);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(target);
      expect(r.stderr).toMatch(cause);
    },
    60_000
  );

  test('wrong credentials are unauthorised (5), for a password and for a token', async () => {
    const spec = file('valid-auth.yaml', VALID);
    const r = await cli(['plan', '--spec', spec, '--grafana-url', grafana.url], { ...ENV, GRAFANA_PASSWORD: 'wrong' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('HTTP 401');
    const t = await cli(['plan', '--spec', spec, '--grafana-url', grafana.url], {
      TENANT_C_PROXY_PASSWORD: 'pw',
      GRAFANA_TOKEN: 'glsa_not_a_token',
    });
    expect(t.code).toBe(5);
  }, 60_000);

  test('changes pending (2), then conflicts (6) when an unmanaged object is in the way', async () => {
    const spec = file('valid-plan.yaml', VALID);
    const pending = await cli(['plan', '--spec', spec, '--grafana-url', grafana.url, '--user', 'admin'], ENV);
    expect(pending.code).toBe(2);

    // An org with tenant a's name that holds a data source the app does not own.
    const admin = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
    const created = await fake.handle({ method: 'POST', url: '/api/orgs', headers: admin, body: { name: 'Tenant A' } });
    const orgId = String((created.body as { orgId: number }).orgId);
    const ds = await fake.handle({
      method: 'POST',
      url: '/api/datasources',
      headers: { ...admin, 'x-grafana-org-id': orgId },
      body: { name: 'Someone else', type: 'prometheus', access: 'proxy', url: 'http://elsewhere:9090' },
    });
    expect(ds.status).toBe(200);
    const blocked = await cli(['plan', '--spec', spec, '--grafana-url', grafana.url], ENV);
    expect(blocked.code).toBe(6);
    expect(blocked.stdout).toContain('BLOCKED');
    const apply = await cli(['apply', '--spec', spec, '--grafana-url', grafana.url], ENV);
    expect(apply.code).toBe(6);
  }, 120_000);
});

describe('connection failures in words', () => {
  test.each([
    [{ cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3000' } }, /connection refused/],
    [{ cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND grafana' } }, /DNS could not resolve/],
    [{ cause: { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN grafana' } }, /DNS could not resolve/],
    [{ cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' } }, /TLS failed/],
    [{ cause: { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' } }, /TLS failed/],
    [{ cause: { code: 'ECONNRESET', message: 'socket hang up' } }, /connection was closed/],
    [{ name: 'TimeoutError', message: 'aborted' }, /no answer within 10 s/],
  ])('%j', (err, expected) => {
    expect(connectionCause(err, 10_000)).toMatch(expected);
  });
});
