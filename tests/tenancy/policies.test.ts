/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Label policies in the tenant spec (issue #18 items 4-5): `rules:` validation naming the rule and
 * matcher, modes that cannot carry a policy refused, mimir-lbac headers, the tokens file's `rules`,
 * the per-rule plan diff, idempotent re-runs and resume after a failure at any write, against the
 * in-memory fake Grafana.
 */
import { parse as parseYaml } from 'yaml';
import { parseTokensFile } from '../../proxy/identity/fileFormats';
import { desiredDatasource } from '../../src/tenancy/desired';
import { lbacPolicyValue, parseLbacPolicyValue } from '../../src/tenancy/planPolicy';
import { renderTenantTokensFile, tenantTokensFile } from '../../src/tenancy/proxyFiles';
import { parseTenantSpec, type SpecError } from '../../src/tenancy/spec';
import { mayOverlap } from '../../src/tenancy/specPolicies';
import { parseRule, ruleText } from '../../src/policy';
import { specFrom, storedSecrets } from './harness';
import {
  applyTokens,
  newTokenEnv,
  planTokens,
  registryOf,
  resumeMismatches,
  tokenStateFingerprint,
} from './tokenSupport';

const POLICY_SPEC_YAML = `
version: 1
defaults:
  datasource: { mode: proxy, url: "http://proxy:9090" }
tenants:
  - id: acme
    orgName: Acme
    rules: ['{tenant="acme", env="prod"}', '{cluster="c1"}']
    teams: [{ name: ops, members: [{ login: alice }] }]
  - id: beta
    orgName: Beta
    rules: ['{tenant="beta"}']
    datasource: { mode: mimir-lbac, scopeOrgId: anonymous, url: "http://mimir:8080/prometheus" }
  - id: gamma
    orgName: Gamma
    labelValues: [gamma]
    datasource: { mode: mimir-lbac, scopeOrgId: anonymous, url: "http://mimir:8080/prometheus" }
  - id: delta
    orgName: Delta
    labelValues: [delta]
`;

const spec = specFrom(POLICY_SPEC_YAML);

function errorsOf(yaml: string): SpecError[] {
  const parsed = parseTenantSpec(yaml);
  return parsed.ok ? [] : parsed.errors;
}

const tenantsYaml = (...lines: string[]) =>
  ['version: 1', 'defaults:', '  datasource: { mode: proxy, url: "http://proxy:9090" }', 'tenants:', ...lines].join(
    '\n'
  );

describe('spec: rules', () => {
  it('normalises both forms to canonical rule texts', () => {
    expect(spec.tenants.map((t) => [t.id, t.labelValues, t.rules])).toEqual([
      ['acme', [], ['{tenant="acme", env="prod"}', '{cluster="c1"}']],
      ['beta', [], ['{tenant="beta"}']],
      ['gamma', ['gamma'], ['{tenant="gamma"}']],
      ['delta', ['delta'], ['{tenant="delta"}']],
    ]);
  });

  it.each([
    [
      'a metric name in a rule',
      `  - { id: a, orgName: A, rules: ['{tenant="a"}', 'up{tenant="a"}'] }`,
      'tenants[0].rules[1]',
      /rule 2 .*selector|metric name/,
    ],
    [
      '__name__ in a rule',
      `  - { id: a, orgName: A, rules: ['{__name__="up", tenant="a"}'] }`,
      'tenants[0].rules[0]',
      /metric name/,
    ],
    [
      'a rule matching the empty string',
      `  - { id: a, orgName: A, rules: ['{tenant=~".*"}'] }`,
      'tenants[0].rules[0]',
      /empty/,
    ],
    ['a label twice', `  - { id: a, orgName: A, rules: ['{tenant="a", tenant="b"}'] }`, 'tenants[0].rules[0]', /twice/],
    ['an invalid regex', `  - { id: a, orgName: A, rules: ['{tenant=~"a("}'] }`, 'tenants[0].rules[0]', /rule 1/],
    ['not a selector', `  - { id: a, orgName: A, rules: ['tenant="a"'] }`, 'tenants[0].rules[0]', /braces/],
    [
      'the same rule twice',
      `  - { id: a, orgName: A, rules: ['{tenant="a"}', '{ tenant = "a" }'] }`,
      'tenants[0].rules[1]',
      /same as rules\[0\]/,
    ],
    [
      'both labelValues and rules',
      `  - { id: a, orgName: A, labelValues: [a], rules: ['{tenant="a"}'] }`,
      'tenants[0].rules',
      /both/,
    ],
    ['neither labelValues nor rules', `  - { id: a, orgName: A }`, 'tenants[0].labelValues', /nothing/],
  ])('refuses %s, naming the rule', (_name, tenant, path, message) => {
    const errors = errorsOf(tenantsYaml(tenant));
    expect(errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })])
    );
    expect(errors.every((e) => e.fix.length > 0)).toBe(true);
  });

  it('keeps the path of the third tenant second rule', () => {
    const errors = errorsOf(
      tenantsYaml(
        `  - { id: a, orgName: A, labelValues: [a] }`,
        `  - { id: b, orgName: B, labelValues: [b] }`,
        `  - { id: c, orgName: C, rules: ['{tenant="c"}', '{job="x", up="1"} offset 5m'] }`
      )
    );
    expect(errors.map((e) => e.path)).toEqual(['tenants[2].rules[1]']);
  });

  it('refuses the same rule in two tenants (also against the classic form)', () => {
    const errors = errorsOf(
      tenantsYaml(
        `  - { id: a, orgName: A, rules: ['{env="prod", tenant="a"}'] }`,
        `  - { id: b, orgName: B, rules: ['{tenant="a",env="prod"}'] }`,
        `  - { id: c, orgName: C, labelValues: [c] }`,
        `  - { id: d, orgName: D, rules: ['{tenant="c"}'] }`
      )
    );
    expect(errors.map((e) => e.path)).toEqual(['tenants[3].rules[0]']);
  });

  it.each([
    ['header', '{ mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://p:1" }'],
    ['query-param', '{ mode: proxy, tenantVia: query-param, url: "http://p:1" }'],
    ['mimir', '{ mode: mimir, url: "http://m:1" }'],
  ])('refuses rules in %s mode, which cannot carry them', (_mode, ds) => {
    const errors = errorsOf(tenantsYaml(`  - { id: a, orgName: A, rules: ['{tenant="a"}'], datasource: ${ds} }`));
    expect(errors).toEqual([
      expect.objectContaining({ path: 'tenants[0].datasource', fix: expect.stringMatching(/mimir-lbac/) }),
    ]);
  });

  it('refuses a shared-org team that names a tenant given by rules', () => {
    const errors = errorsOf(
      [
        tenantsYaml(`  - { id: a, orgName: A, rules: ['{tenant="a"}'] }`),
        'sharedOrgs:',
        '  - { orgName: Shared, proxyUrl: "http://p:8080", teams: [{ name: a-ops, tenant: a }] }',
      ].join('\n')
    );
    expect(errors.map((e) => e.path)).toEqual(['sharedOrgs[0].teams[0].tenant']);
  });

  it('mimir-lbac needs scopeOrgId', () => {
    const errors = errorsOf(
      tenantsYaml(`  - { id: a, orgName: A, labelValues: [a], datasource: { mode: mimir-lbac, url: "http://m:1" } }`)
    );
    expect(errors.map((e) => e.path)).toEqual(['tenants[0].datasource.scopeOrgId']);
  });
});

describe('overlap', () => {
  it.each([
    ['{tenant="a"}', '{tenant="b"}', false],
    ['{tenant="a", env="prod"}', '{cluster="c1"}', true],
    ['{tenant="a"}', '{tenant=~"a|b"}', true],
    ['{tenant="a"}', '{tenant=~"b.*"}', false],
    ['{tenant="a"}', '{tenant!="a", env="prod"}', false],
    ['{tenant=~"a.*"}', '{tenant=~"b.*"}', true], // regex vs regex: not decided, so it warns
  ])('%s vs %s may overlap: %s', (a, b, expected) => {
    expect(mayOverlap(parseRule(a), parseRule(b))).toBe(expected);
    expect(mayOverlap(parseRule(b), parseRule(a))).toBe(expected);
  });

  it('warns in the plan of both tenants', async () => {
    const env = newTokenEnv();
    const plan = await planTokens(env, spec);
    const acme = plan.tenants.find((t) => t.tenantId === 'acme')!;
    // {cluster="c1"} names no tenant label, so it may select beta's, gamma's and delta's series.
    expect(acme.warnings.filter((w) => /\{cluster="c1"\}/.test(w))).toHaveLength(3);
    expect(plan.tenants.find((t) => t.tenantId === 'beta')!.warnings.join('\n')).toMatch(/mimir-lbac mode/);
  });
});

describe('mimir-lbac data source', () => {
  it('sends X-Scope-OrgID and every rule in one X-Prom-Label-Policy line', () => {
    const ds = desiredDatasource(spec, spec.tenants[1]);
    expect(ds.body.jsonData).toMatchObject({
      httpHeaderName1: 'X-Scope-OrgID',
      httpHeaderName2: 'X-Prom-Label-Policy',
      policyRules: ['{tenant="beta"}'],
    });
    expect(ds.secrets.httpHeaderValue1).toBe('anonymous');
    expect(ds.secrets.httpHeaderValue2).toBe('anonymous:%7Btenant%3D%22beta%22%7D');
  });

  it('escapes commas so the Mimir split on "," keeps each rule whole', () => {
    const value = ['{tenant=~"a,b", env="prod"}', '{cluster="c1"}'].map((r) => lbacPolicyValue('t1', r)).join(',');
    expect(parseLbacPolicyValue(value)).toEqual([
      { scopeOrgId: 't1', rule: '{tenant=~"a,b", env="prod"}' },
      { scopeOrgId: 't1', rule: '{cluster="c1"}' },
    ]);
  });

  it('the classic form is one rule; no policyRules key (plans of old specs unchanged)', () => {
    const ds = desiredDatasource(spec, spec.tenants[2]);
    expect(ds.secrets.httpHeaderValue2).toBe(`anonymous:${encodeURIComponent('{tenant="gamma"}')}`);
    expect(ds.body.jsonData.policyRules).toBeUndefined();
    expect(desiredDatasource(spec, spec.tenants[3]).body.jsonData.policyRules).toBeUndefined();
  });
});

describe('apply against the fake Grafana', () => {
  it('writes the rules, re-runs with 0 writes, writes the tokens file with rules', async () => {
    const env = newTokenEnv();
    const first = await applyTokens(env, spec);
    expect(Object.values(first.result.tenants).every((t) => t.state === 'done')).toBe(true);
    const acmeCreate = first.plan.tenants
      .find((t) => t.tenantId === 'acme')!
      .steps.find((s) => s.kind === 'datasource')!;
    expect(acmeCreate.diff.filter((d) => d.field === 'rule')).toEqual([
      { field: 'rule', before: null, after: '{tenant="acme", env="prod"}' },
      { field: 'rule', before: null, after: '{cluster="c1"}' },
    ]);
    expect(storedSecrets(env, 'Beta', 'mtt-beta-prom')).toMatchObject({
      httpHeaderValue1: 'anonymous',
      httpHeaderValue2: 'anonymous:%7Btenant%3D%22beta%22%7D',
    });

    env.fake.resetLog();
    const again = await applyTokens(env, spec);
    expect(env.fake.counts().writes).toBe(0);
    expect(again.plan.tenants.flatMap((t) => t.steps).every((s) => s.action === 'unchanged')).toBe(true);

    const file = parseYaml(renderTenantTokensFile(tenantTokensFile(spec, await registryOf(env))));
    expect(Object.keys(file.tenants).sort()).toEqual(['acme', 'delta']);
    expect(file.tenants.acme).toEqual({
      rules: ['{tenant="acme", env="prod"}', '{cluster="c1"}'],
      tokenSha256: [expect.stringMatching(/^[0-9a-f]{64}$/)],
    });
    expect(file.tenants.delta).toEqual({ values: ['delta'], tokenSha256: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
    // The proxy reads it back: acme's entry is its two-rule policy, delta's the classic values.
    const read = parseTokensFile(renderTenantTokensFile(tenantTokensFile(spec, await registryOf(env))));
    const owners = Object.fromEntries(read.entries.map((e) => [e.owner.tenant, e.owner]));
    expect(Object.keys(owners).sort()).toEqual(['acme', 'delta']);
    expect(owners.acme.policy?.rules.map(ruleText)).toEqual(['{tenant="acme", env="prod"}', '{cluster="c1"}']);
    expect(owners.delta.values).toEqual(['delta']);
  });

  it('shows a changed policy per rule and re-sends the policy header', async () => {
    const env = newTokenEnv();
    await applyTokens(env, spec);
    const changed = specFrom(
      POLICY_SPEC_YAML.replace(`['{tenant="beta"}']`, `['{tenant="beta"}', '{tenant="beta2", env="dev"}']`)
    );
    const { plan } = await applyTokens(env, changed);
    const step = plan.tenants.find((t) => t.tenantId === 'beta')!.steps.find((s) => s.kind === 'datasource')!;
    expect(step.action).toBe('update');
    expect(step.diff).toEqual(
      expect.arrayContaining([
        { field: 'rule', before: null, after: '{tenant="beta2", env="dev"}' },
        expect.objectContaining({ field: 'jsonData.managedSecretFingerprint' }),
      ])
    );
    expect(step.diff.some((d) => d.field === 'rule' && d.after === '{tenant="beta"}')).toBe(false);
    expect(parseLbacPolicyValue(storedSecrets(env, 'Beta', 'mtt-beta-prom')!.httpHeaderValue2)).toEqual([
      { scopeOrgId: 'anonymous', rule: '{tenant="beta"}' },
      { scopeOrgId: 'anonymous', rule: '{tenant="beta2", env="dev"}' },
    ]);
    env.fake.resetLog();
    await applyTokens(env, changed);
    expect(env.fake.counts().writes).toBe(0);
  });
});

describe('resume after a failure at any write (policy spec)', () => {
  let reference: { fingerprint: string; writes: number };
  beforeAll(async () => {
    const env = newTokenEnv();
    env.fake.resetLog();
    await applyTokens(env, spec);
    reference = { fingerprint: await tokenStateFingerprint(env), writes: env.fake.counts().writes };
  });

  for (const mode of ['before', 'after'] as const) {
    it(`every k: failure ${mode} the write, then one re-run, converges; a third run writes nothing`, async () => {
      expect(reference.writes).toBeGreaterThan(10);
      // The policy tenants hold no tenant-a/b data sources, so only the shared checks apply.
      expect(await resumeMismatches(spec, reference, mode, [])).toEqual([]);
    });
  }
});
