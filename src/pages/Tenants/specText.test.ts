import { parse } from 'yaml';
import { validateTenantSpec } from '../../tenancy';
import {
  removeSpecPasswords,
  STARTER_SPEC,
  starterSpec,
  tenantFromForm,
  upsertTenantInSpecText,
  type TenantFormValues,
} from './specText';

const form = (patch: Partial<TenantFormValues> = {}): TenantFormValues => ({
  id: 'acme',
  labelValues: 'acme, acme-eu ,',
  rules: '',
  orgName: ' Acme ',
  teams: [
    { name: 'ops', members: 'alice, bob@example.com' },
    { name: '', members: '' },
  ],
  dsMode: 'proxy-query-param',
  url: 'http://proxy:9091',
  tenantKey: '',
  dashboards: true,
  ...patch,
});

describe('tenantFromForm', () => {
  test.each([
    ['proxy-query-param', '', { mode: 'proxy', tenantVia: 'query-param', url: 'http://proxy:9091' }],
    [
      'proxy-query-param',
      'org',
      { mode: 'proxy', tenantVia: 'query-param', url: 'http://proxy:9091', paramName: 'org' },
    ],
    [
      'proxy-header',
      'X-Tenant',
      { mode: 'proxy', tenantVia: 'header', headerName: 'X-Tenant', url: 'http://proxy:9091' },
    ],
    ['mimir', 'ignored', { mode: 'mimir', url: 'http://proxy:9091' }],
    ['mimir-lbac', ' anonymous ', { mode: 'mimir-lbac', scopeOrgId: 'anonymous', url: 'http://proxy:9091' }],
  ] as const)('mode %s with key "%s" gives datasource %j', (dsMode, tenantKey, datasource) => {
    expect(tenantFromForm(form({ dsMode, tenantKey })).datasource).toEqual(datasource);
  });

  test('trims, splits lists, drops empty teams, tells logins from e-mails; the result validates', () => {
    const tenant = tenantFromForm(form());
    expect(tenant).toMatchObject({
      id: 'acme',
      labelValues: ['acme', 'acme-eu'],
      orgName: 'Acme',
      teams: [{ name: 'ops', members: [{ login: 'alice' }, { email: 'bob@example.com' }] }],
      dashboards: true,
    });
    expect(validateTenantSpec({ version: 1, tenants: [tenant] }).ok).toBe(true);
  });
});

describe('tenantFromForm: rules', () => {
  test('one rule per line replaces the label values; commas inside a selector stay; the result validates', () => {
    const tenant = tenantFromForm(
      form({ dsMode: 'proxy-token', rules: ' {tenant="acme", env="prod"}\n\n{cluster=~"c1|c2"} \n' })
    );
    expect(tenant.rules).toEqual(['{tenant="acme", env="prod"}', '{cluster=~"c1|c2"}']);
    expect(tenant).not.toHaveProperty('labelValues');
    expect(validateTenantSpec({ version: 1, tenants: [tenant] }).ok).toBe(true);
  });

  test('a faulty rule is reported on its path with the fix', () => {
    const tenant = tenantFromForm(form({ dsMode: 'proxy-token', rules: '{tenant="acme"}\nup{env="prod"}' }));
    const check = validateTenantSpec({ version: 1, tenants: [tenant] });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.errors.map((e) => e.path)).toEqual(['tenants[0].rules[1]']);
  });
});

describe('upsertTenantInSpecText', () => {
  const tenant = (id: string, orgName = id.toUpperCase()) => ({ id, labelValues: [id], orgName });

  test.each([
    ['empty text starts from the starter spec', '', ['a']],
    ['starter spec', STARTER_SPEC, ['a']],
    [
      'appends after existing tenants',
      'version: 1\ntenants:\n  - { id: x, labelValues: [x], orgName: X }\n',
      ['x', 'a'],
    ],
    ['adds a missing tenants list', 'version: 1\n', ['a']],
    ['JSON text stays parseable', '{"version": 1, "tenants": []}', ['a']],
  ])('%s', (_name, text, ids) => {
    const out = parse(upsertTenantInSpecText(text, tenant('a')));
    expect(out.tenants.map((t: { id: string }) => t.id)).toEqual(ids);
    expect(out.version).toBe(1);
  });

  test('replaces a tenant with the same id and keeps comments', () => {
    const text = '# keep me\nversion: 1\ntenants:\n  - id: a # first\n    labelValues: [a]\n    orgName: Old\n';
    const out = upsertTenantInSpecText(text, tenant('a', 'New'));
    expect(out).toContain('# keep me');
    expect(parse(out).tenants).toEqual([{ id: 'a', labelValues: ['a'], orgName: 'New' }]);
  });

  test.each([
    ['unparsable YAML', 'version: 1\ntenants: [\n', /does not parse/],
    ['a list instead of a mapping', '- a\n- b\n', /must be a mapping/],
  ])('refuses %s with the fix', (_name, text, message) => {
    expect(() => upsertTenantInSpecText(text, tenant('a'))).toThrow(message);
  });
});

describe('removeSpecPasswords', () => {
  test('removes tenant and default basic-auth passwords, keeps everything else', () => {
    const text = [
      'version: 1',
      'defaults:',
      '  datasource: { mode: mimir, url: http://m, basicAuth: { user: u, password: p0 } }',
      'tenants:',
      '  - id: a # comment',
      '    labelValues: [a]',
      '    orgName: A',
      '    datasource: { mode: mimir, url: http://m, basicAuth: { user: ua, password: secret-a } }',
      '  - id: b',
      '    labelValues: [b]',
      '    orgName: B',
      '',
    ].join('\n');
    const { text: out, removed } = removeSpecPasswords(text);
    expect(removed).toEqual(['defaults.datasource.basicAuth.password', 'tenants[0].datasource.basicAuth.password']);
    expect(out).not.toMatch(/secret-a|p0/);
    expect(out).toContain('# comment');
    expect(parse(out).tenants[0].datasource.basicAuth).toEqual({ user: 'ua' });
  });

  test('removes contact point secrets (webhook password, Slack webhook URL) of defaults and tenants', () => {
    const text = [
      'version: 1',
      'defaults:',
      '  alerting:',
      '    contactPoints: [{ name: h, type: webhook, url: "http://s", basicAuth: { user: u, password: hook-pw } }]',
      'tenants:',
      '  - id: a',
      '    labelValues: [a]',
      '    orgName: A',
      '    alerting:',
      '      contactPoints:',
      '        - { name: c, type: slack, webhookUrl: "https://hooks/secret", recipient: "#a" }',
      '',
    ].join('\n');
    const { text: out, removed } = removeSpecPasswords(text);
    expect(removed).toEqual([
      'defaults.alerting.contactPoints[0].basicAuth.password',
      'tenants[0].alerting.contactPoints[0].webhookUrl',
    ]);
    expect(out).not.toMatch(/hook-pw|hooks\/secret/);
    expect(parse(out).tenants[0].alerting.contactPoints[0]).toEqual({ name: 'c', type: 'slack', recipient: '#a' });
  });

  test.each([
    ['no passwords', 'version: 1\ntenants: []\n'],
    ['unparsable text is returned unchanged', 'tenants: [\n'],
  ])('%s', (_name, text) => {
    expect(removeSpecPasswords(text)).toEqual({ text, removed: [] });
  });
});

test.each([
  [undefined, 'tenant'],
  ['customer', 'customer'],
])('the starter spec with label %s validates with label %s', (label, expected) => {
  const result = validateTenantSpec(parse(starterSpec(label)));
  expect(result.ok && result.spec.label).toBe(expected);
});
