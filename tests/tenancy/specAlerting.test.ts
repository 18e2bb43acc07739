/**
 * The spec's alerting section: normalisation (tenant over defaults) and one row per validation
 * error — the field path, what is wrong, and the fix.
 */
import { BUNDLED_RULES } from '../../src/tenancy/bundledRules';
import { parseTenantSpec } from '../../src/tenancy/spec';
import { resolveAlertingSecretEnv } from '../../src/tenancy/specAlerting';

const base = (tenantAlerting: string, defaults = '') => `
version: 1
defaults:
  datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }
${defaults}
tenants:
  - id: a
    labelValues: [a]
    orgName: A
${tenantAlerting}
`;

describe('alerting spec: normalisation', () => {
  it('is off without any alerting section', () => {
    const r = parseTenantSpec(base(''));
    expect(r.ok && r.spec.tenants[0].alerting.enabled).toBe(false);
  });

  it('is on with a section; bundled rules default on with their thresholds; tenant values win field by field', () => {
    const r = parseTenantSpec(
      base(
        '    alerting:\n      bundledRules: { targetDown: { enabled: false }, remoteWriteBehind: { threshold: 30 } }\n      policy: { repeatInterval: 1h }',
        '  alerting:\n    contactPoints: [{ name: m, type: email, addresses: [x@y] }]\n    policy: { groupWait: 1m, repeatInterval: 4h }'
      )
    );
    if (!r.ok) {
      throw new Error(JSON.stringify(r.errors));
    }
    const a = r.spec.tenants[0].alerting;
    expect(a.enabled).toBe(true);
    expect(a.bundledRules.targetDown.enabled).toBe(false);
    expect(a.bundledRules.remoteWriteBehind).toEqual({ enabled: true, threshold: 30, for: '5m' });
    expect(a.bundledRules.seriesGrowth.threshold).toBe(
      BUNDLED_RULES.find((x) => x.id === 'seriesGrowth')!.defaultThreshold
    );
    expect(a.contactPoints).toEqual([
      { name: 'm', type: 'email', settings: { addresses: 'x@y', singleEmail: false }, secrets: {} },
    ]);
    expect(a.policy).toEqual({
      receiver: 'm',
      groupBy: ['grafana_folder', 'alertname'],
      groupWait: '1m',
      groupInterval: '5m',
      repeatInterval: '1h',
    });
  });
});

type Row = [name: string, tenantAlerting: string, path: string, message: RegExp, fix: RegExp];

const ROWS: Row[] = [
  [
    'unknown contact point type',
    '    alerting: { contactPoints: [{ name: x, type: pager }] }',
    'tenants[0].alerting.contactPoints[0].type',
    /does not match any contact point type/,
    /type: email/,
  ],
  [
    'webhook URL not http(s)',
    '    alerting: { contactPoints: [{ name: x, type: webhook, url: "ftp://x" }] }',
    'tenants[0].alerting.contactPoints[0].url',
    /scheme ftp:/,
    /http:\/\/ or https:\/\//,
  ],
  [
    'duplicate contact point names',
    '    alerting: { contactPoints: [{ name: x, type: email, addresses: [a@b] }, { name: x, type: email, addresses: [c@d] }] }',
    'tenants[0].alerting.contactPoints[1].name',
    /declared twice/,
    /unique name/,
  ],
  [
    'secret given twice',
    '    alerting: { contactPoints: [{ name: x, type: slack, webhookUrl: "https://h", webhookUrlEnv: SLACK }] }',
    'tenants[0].alerting.contactPoints[0]',
    /both the url secret and its …Env/,
    /keep one/,
  ],
  [
    'policy receiver that is no contact point',
    '    alerting: { contactPoints: [{ name: x, type: email, addresses: [a@b] }], policy: { receiver: y } }',
    'tenants[0].alerting.policy.receiver',
    /receiver "y" is not one of this tenant's contact points \(x\)/,
    /alerting.contactPoints/,
  ],
  [
    'policy without contact points',
    '    alerting: { policy: { groupWait: 1m } }',
    'tenants[0].alerting.policy',
    /needs at least one contact point/,
    /add `alerting.contactPoints`/,
  ],
  [
    'bad duration',
    '    alerting: { bundledRules: { targetDown: { for: soon } } }',
    'tenants[0].alerting.bundledRules.targetDown.for',
    /not a duration/,
    /30s/,
  ],
  [
    'unknown bundled rule',
    '    alerting: { bundledRules: { cpuHot: { enabled: true } } }',
    'tenants[0].alerting.bundledRules',
    /unknown field\(s\) cpuHot/,
    /remove them/,
  ],
  [
    'PromQL the engine refuses',
    '    alerting: { ruleGroups: [{ name: g, rules: [{ title: t, expr: "sum(rate(x[5m])", above: 1 }] }] }',
    'tenants[0].alerting.ruleGroups[0].rules[0].expr',
    /not accepted by the PromQL engine: .*unexpected end/,
    /PromQL expression Prometheus accepts/,
  ],
  [
    'neither above nor below',
    '    alerting: { ruleGroups: [{ name: g, rules: [{ title: t, expr: up }] }] }',
    'tenants[0].alerting.ruleGroups[0].rules[0]',
    /exactly one of `above` or `below`/,
    /above: 0.05/,
  ],
  [
    'interval off the 10 s grid',
    '    alerting: { ruleGroups: [{ name: g, interval: 15s, rules: [{ title: t, expr: up, below: 1 }] }] }',
    'tenants[0].alerting.ruleGroups[0].interval',
    /not a positive multiple of 10s/,
    /1m/,
  ],
  [
    "the bundled rules' group name",
    '    alerting: { ruleGroups: [{ name: tenant-health, rules: [{ title: t, expr: up, below: 1 }] }] }',
    'tenants[0].alerting.ruleGroups[0].name',
    /bundled rules' group/,
    /own name/,
  ],
  [
    'a title the bundled rules use',
    '    alerting: { ruleGroups: [{ name: g, rules: [{ title: Target down, expr: up, below: 1 }] }] }',
    'tenants[0].alerting.ruleGroups[0].rules[0].title',
    /used twice in the tenant folder/,
    /unique per folder/,
  ],
  [
    'the tenant label as a rule label',
    '    alerting: { ruleGroups: [{ name: g, rules: [{ title: t, expr: up, below: 1, labels: { tenant: b } }] }] }',
    'tenants[0].alerting.ruleGroups[0].rules[0].labels.tenant',
    /is the tenant label/,
    /remove it/,
  ],
  [
    'an invalid label name',
    '    alerting: { ruleGroups: [{ name: g, rules: [{ title: t, expr: up, below: 1, labels: { "1x": b } }] }] }',
    'tenants[0].alerting.ruleGroups[0].rules[0]',
    /"1x" is not a valid label/,
    /letters, digits and _/,
  ],
];

describe('alerting spec: each error names the field and the fix', () => {
  it.each(ROWS)('%s', (...row: Row) => {
    const [, alerting, path, message, fix] = row;
    const r = parseTenantSpec(base(alerting));
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    const hit = errors.find((e) => e.path === path && message.test(e.message));
    if (!hit) {
      throw new Error(`no error at ${path} matching ${message}; got ${JSON.stringify(errors)}`);
    }
    expect(hit.fix).toMatch(fix);
  });
});

describe('alerting spec: secrets from the environment (CLI)', () => {
  const spec = () => {
    const r = parseTenantSpec(
      base(
        '    alerting: { contactPoints: [{ name: c, type: slack, webhookUrlEnv: SLACK_URL }, { name: h, type: webhook, url: "http://h", basicAuth: { user: u, passwordEnv: HOOK_PW } }] }'
      )
    );
    if (!r.ok) {
      throw new Error(JSON.stringify(r.errors));
    }
    return r.spec;
  };

  it('fills every …Env secret', () => {
    const s = spec();
    expect(resolveAlertingSecretEnv(s.tenants, { SLACK_URL: 'https://hooks/x', HOOK_PW: 'pw' })).toEqual([]);
    expect(s.tenants[0].alerting.contactPoints.map((c) => c.secrets)).toEqual([
      { url: { value: 'https://hooks/x' } },
      { password: { value: 'pw' } },
    ]);
  });

  it('names each variable that is not set', () => {
    expect(resolveAlertingSecretEnv(spec().tenants, { SLACK_URL: 'x' })).toEqual([
      expect.stringMatching(/HOOK_PW \(contact point "h" secret password\) is not set/),
    ]);
  });
});
