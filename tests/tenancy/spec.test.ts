/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
import { parseTenantSpec } from '../../src/tenancy/spec';
import { SPEC_YAML } from './harness';

const base = (tenants: string, extra = '') =>
  `version: 1\n${extra}defaults:\n  datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }\ntenants:\n${tenants}`;
const tenant = (id: string, values: string, org: string, more = '') =>
  `  - id: ${id}\n    labelValues: ${values}\n    orgName: ${org}\n${more}`;

describe('parseTenantSpec', () => {
  it('accepts the example spec (YAML) and fills defaults', () => {
    const r = parseTenantSpec(SPEC_YAML);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.spec.label).toBe('tenant');
      expect(r.spec.tenants.map((t) => [t.id, t.dashboards, t.datasource.mode])).toEqual([
        ['a', true, 'proxy'],
        ['b', true, 'mimir'],
        ['c', false, 'proxy'],
      ]);
      expect(r.spec.tenants[0].teams[0].folderPermission).toBe('View');
    }
  });

  it('accepts JSON', () => {
    const json = JSON.stringify({
      version: 1,
      tenants: [{ id: 'x', labelValues: ['x'], orgName: 'X', datasource: { mode: 'mimir', url: 'http://m:8080' } }],
    });
    expect(parseTenantSpec(json)).toMatchObject({ ok: true });
  });

  // One line per rule: the spec text, the field path expected in the errors, a word of the message.
  const cases: Array<[string, string, string, RegExp]> = [
    ['syntax error', 'version: 1\ntenants: [', '(document)', /YAML/],
    ['wrong version', 'version: 2\ntenants: []', 'version', /./],
    ['empty labelValues', base(tenant('a', '[]', 'A')), 'tenants[0].labelValues', /./],
    ['bad tenant id', base(tenant('Team_A', '[a]', 'A')), 'tenants[0].id', /slug/],
    ['duplicate tenant id', base(tenant('a', '[a]', 'A') + tenant('a', '[b]', 'B')), 'tenants[1].id', /also used/],
    [
      'duplicate org name (case-insensitive)',
      base(tenant('a', '[a]', 'Org') + tenant('b', '[b]', 'org')),
      'tenants[1].orgName',
      /also used/,
    ],
    ['numeric org name', base(tenant('a', '[a]', '"42"')), 'tenants[0].orgName', /org id/],
    [
      'label value shared by two tenants',
      base(tenant('a', '[a, shared]', 'A') + tenant('b', '[shared]', 'B')),
      'tenants[1].labelValues',
      /see each other/,
    ],
    ['duplicate label value', base(tenant('a', '[a, a]', 'A')), 'tenants[0].labelValues[1]', /twice/],
    [
      'duplicate team',
      base(tenant('a', '[a]', 'A', '    teams: [{ name: ops }, { name: OPS }]\n')),
      'tenants[0].teams[1].name',
      /unique per org|also defined/,
    ],
    [
      'member with login and email',
      base(tenant('a', '[a]', 'A', '    teams: [{ name: ops, members: [{ login: x, email: x@y.z }] }]\n')),
      'tenants[0].teams[0].members[0]',
      /exactly one/,
    ],
    [
      'invalid url',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: mimir, url: "not a url" }\n')}`,
      'tenants[0].datasource.url',
      /absolute URL/,
    ],
    [
      'ftp url',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: mimir, url: "ftp://x" }\n')}`,
      'tenants[0].datasource.url',
      /scheme/,
    ],
    [
      'bad header name',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: proxy, tenantVia: header, headerName: "X Tenant", url: "http://p" }\n')}`,
      'tenants[0].datasource.headerName',
      /header name/,
    ],
    [
      'reserved header',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: proxy, tenantVia: header, headerName: Authorization, url: "http://p" }\n')}`,
      'tenants[0].datasource.headerName',
      /reserved/,
    ],
    ['comma in header value', base(tenant('a', '["a,b"]', 'A')), 'tenants[0].labelValues[0]', /','/],
    [
      'tenant fixed in URL',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: proxy, tenantVia: query-param, url: "http://p/?tenant=b" }\n')}`,
      'tenants[0].datasource.url',
      /already carries/,
    ],
    [
      'no data source at all',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A')}`,
      'tenants[0].datasource',
      /no data source/,
    ],
    [
      'unknown mode',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: thanos, url: "http://p" }\n')}`,
      'tenants[0].datasource',
      /mode/,
    ],
    [
      'mimir with other header',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: mimir, headerName: X-Org, url: "http://p" }\n')}`,
      'tenants[0].datasource.headerName',
      /./,
    ],
    [
      'header mode without headerName',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: proxy, tenantVia: header, url: "http://p" }\n')}`,
      'tenants[0].datasource.headerName',
      /./,
    ],
    [
      'typo inside the chosen mode',
      `version: 1\ntenants:\n${tenant('a', '[a]', 'A', '    datasource: { mode: mimir, url: "http://p", headr: x }\n')}`,
      'tenants[0].datasource',
      /unknown field.*headr/,
    ],
    ['unknown field', base(tenant('a', '[a]', 'A', '    labelvalue: [x]\n')), 'tenants[0]', /unknown field/],
    ['label that is not a Prometheus label name', 'version: 1\nlabel: tenant-id\ntenants: []', 'label', /label name/],
    ['label reserved for Prometheus', 'version: 1\nlabel: __name__\ntenants: []', 'label', /reserved/],
    [
      'bad org role',
      base(tenant('a', '[a]', 'A', '    orgRoles: { alice: Owner }\n')),
      'tenants[0].orgRoles.alice',
      /./,
    ],
  ];

  it.each(cases)('%s → error at the field, with a fix', (_name, text, path, message) => {
    const r = parseTenantSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const hit = r.errors.find((e) => e.path === path);
      expect({ path, hit }).toEqual({
        path,
        hit: expect.objectContaining({ message: expect.stringMatching(message), fix: expect.any(String) }),
      });
      expect(hit!.fix.length).toBeGreaterThan(5);
    }
  });
});

describe('one pass over the spec', () => {
  it('reports shape errors and cross-field errors of the well-formed tenants together', () => {
    const r = parseTenantSpec(
      base(
        tenant('a', '[x]', 'A') +
          tenant('b', '[]', 'B') +
          tenant('c', '[x]', 'C') +
          tenant('d', '[d]', 'D', '    colour: blue\n')
      )
    );
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.errors.map((e) => e.path);
    // tenants[1] and [3] are malformed; the shared value of [0] and [2] is found all the same,
    // and named by the spec's own indices.
    expect(paths).toEqual(expect.arrayContaining(['tenants[1].labelValues', 'tenants[3]', 'tenants[2].labelValues']));
    const shared = r.ok ? undefined : r.errors.find((e) => e.path === 'tenants[2].labelValues');
    expect(shared?.message).toContain('tenants[0]');
  });

  it('says a misspelt required field once, as "did you mean", naming the keys for the editor', () => {
    const r = parseTenantSpec(base(tenant('a', '[a]', 'A').replace('labelValues', 'labelValue')));
    expect(r.ok ? [] : r.errors).toEqual([
      {
        path: 'tenants[0]',
        message: 'unknown field(s) labelValue',
        fix: 'did you mean `labelValues` instead of `labelValue`?',
        keys: ['labelValue'],
      },
    ]);
  });
});
