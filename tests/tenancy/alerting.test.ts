/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Alerting provisioning against the in-memory Grafana: create, re-run, drift, ownership and
 * conflicts, prune, secrets.
 */
import { GrafanaAlertingApi } from '../../src/grafana-api';
import { BUNDLED_GROUP_NAME } from '../../src/tenancy/bundledRules';
import { folderUid } from '../../src/tenancy/naming';
import { redactPlan, type Plan, type PlanStep } from '../../src/tenancy/planTypes';
import { alertingOf } from '../fakes/grafana-api/alertingState';
import { seedContactPoint, seedPolicy, seedRule } from '../fakes/grafana-api/routes/alerting';
import { ALERTING_SPEC_YAML } from './alertingHarness';
import { newEnv, plan, planAndApply, specFrom, type Env } from './harness';

const spec = specFrom(ALERTING_SPEC_YAML);

const orgIdOf = async (env: Env, name: string) => (await env.client.listOrgs()).find((o) => o.name === name)!.id;
const stepsOf = (p: Plan, tenant: string) => p.tenants.find((t) => t.tenantId === tenant)!.steps;
const alertingSteps = (steps: PlanStep[]) =>
  steps.filter((s) => ['contact-point', 'notification-policy', 'alert-rule-group'].includes(s.kind));
const pending = (steps: PlanStep[]) => steps.filter((s) => s.action !== 'unchanged');

async function applied(): Promise<{ env: Env; orgA: number; api: GrafanaAlertingApi }> {
  const env = newEnv();
  const { result } = await planAndApply(env, spec);
  expect(result.tenants).toEqual({
    a: { state: 'done', writes: expect.any(Number) },
    b: expect.objectContaining({ state: 'done' }),
  });
  return { env, orgA: await orgIdOf(env, 'Tenant A'), api: new GrafanaAlertingApi(env.client) };
}

describe('alerting: fresh apply', () => {
  it('creates contact points, the policy and both rule groups in the tenant folder, through the tenant data source', async () => {
    const { api, orgA } = await applied();
    const cps = await api.listContactPoints(orgA);
    expect(cps.map((c) => [c.name, c.type, c.provenance])).toEqual([
      ['grafana-default-email', 'email', undefined],
      ['ops-chat', 'slack', 'api'],
      ['ops-hook', 'webhook', 'api'],
      ['ops-mail', 'email', 'api'],
    ]);
    expect(cps.find((c) => c.name === 'ops-mail')!.settings).toMatchObject({
      addresses: 'ops@a.example;oncall@a.example',
    });
    // The Slack webhook URL is a secret: stored, never read back.
    expect(cps.find((c) => c.name === 'ops-chat')!.settings).toEqual({ recipient: '#a-alerts', url: '[REDACTED]' });
    expect(await api.getPolicyTree(orgA)).toMatchObject({
      receiver: 'ops-chat',
      group_by: ['alertname', 'cluster'],
      repeat_interval: '12h',
      provenance: 'api',
    });
    const rules = await api.listAlertRules(orgA);
    expect(rules.map((r) => [r.ruleGroup, r.title]).sort()).toEqual([
      ['api', 'API 5xx ratio'],
      [BUNDLED_GROUP_NAME, 'Agent remote-write behind'],
      [BUNDLED_GROUP_NAME, 'Ingestion rate high'],
      [BUNDLED_GROUP_NAME, 'Target down'],
    ]);
    for (const r of rules) {
      expect(r.folderUID).toBe(folderUid('a'));
      expect(r.provenance).toBe('api');
      expect(r.uid).toMatch(/^mtt-r-[0-9a-f]{8}$/);
      expect(r.data[0].datasourceUid).toBe('mtt-a-prom');
    }
    expect(rules.find((r) => r.title === 'Target down')!.for).toBe('10m');
    expect((await api.getRuleGroup(orgA, folderUid('a'), 'api')).interval).toBe(30);
    expect((await api.getRuleGroup(orgA, folderUid('a'), BUNDLED_GROUP_NAME)).interval).toBe(60);
  });

  it('gives a tenant without contact points the bundled rules only and leaves its policy tree alone', async () => {
    const { env, api } = await applied();
    const orgB = await orgIdOf(env, 'Tenant B');
    expect((await api.getPolicyTree(orgB)).receiver).toBe('ops-hook');
    expect((await api.listAlertRules(orgB)).map((r) => r.title).sort()).toEqual([
      'Active series growing',
      'Agent remote-write behind',
      'Ingestion rate high',
      'Target down',
    ]);
  });

  it('re-running plans nothing and writes nothing', async () => {
    const { env } = await applied();
    env.fake.resetLog();
    const again = await planAndApply(env, spec);
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
    expect(env.fake.counts().writes).toBe(0);
  });

  it('records alerting changes in the audit trail', async () => {
    const env = newEnv();
    const { result } = await planAndApply(env, spec, { audit: { orgId: 1 } });
    const kinds = new Set(result.audit!.entry.changes.map((c) => c.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['contact-point', 'notification-policy', 'alert-rule-group']));
    expect(JSON.stringify(result.audit!.entry)).not.toMatch(/hook-secret|hooks\.slack/);
  });

  it('keeps secrets out of a redacted plan', async () => {
    const env = newEnv();
    const p = await plan(env, spec);
    expect(JSON.stringify(p)).toMatch(/hooks\.slack\.example/);
    expect(JSON.stringify(redactPlan(p))).not.toMatch(/hooks\.slack\.example|hook-secret/);
  });
});

describe('alerting: changes and drift', () => {
  it('shows a readable diff for a threshold and a timing change, and applies it', async () => {
    const { env, api, orgA } = await applied();
    const changed = specFrom(
      ALERTING_SPEC_YAML.replace('targetDown: { for: 10m }', 'targetDown: { for: 10m, threshold: 0.5 }').replace(
        'policy: { receiver: ops-chat }',
        'policy: { receiver: ops-mail, groupWait: 1m }'
      )
    );
    const p = await plan(env, changed);
    const steps = pending(alertingSteps(stepsOf(p, 'a')));
    expect(steps.map((s) => [s.kind, s.action, s.target])).toEqual([
      ['notification-policy', 'update', 'default notification policy'],
      ['alert-rule-group', 'update', `rule group "${BUNDLED_GROUP_NAME}"`],
    ]);
    expect(steps[0].diff).toEqual([
      { field: 'receiver', before: 'ops-chat', after: 'ops-mail' },
      { field: 'group_wait', before: '30s', after: '1m' },
    ]);
    expect(steps[1].diff).toEqual([{ field: 'rule "Target down" threshold', before: '< 1', after: '< 0.5' }]);
    await planAndApply(env, changed);
    expect((await api.getPolicyTree(orgA)).receiver).toBe('ops-mail');
    expect(pending(alertingSteps(stepsOf(await plan(env, changed), 'a')))).toEqual([]);
  });

  it('repairs a managed rule edited behind its back', async () => {
    const { env, orgA } = await applied();
    const rule = [...alertingOf(env.fake.state, orgA).rules.values()].find((r) => r.title === 'Target down')!;
    rule.for = '1m';
    const p = await plan(env, spec);
    const step = pending(alertingSteps(stepsOf(p, 'a')))[0];
    expect(step.diff).toEqual([{ field: 'rule "Target down" for', before: '1m', after: '10m' }]);
    await planAndApply(env, spec);
    expect(rule.for).toBe('1m'); // the old row object was replaced
    expect([...alertingOf(env.fake.state, orgA).rules.values()].find((r) => r.title === 'Target down')!.for).toBe(
      '10m'
    );
  });
});

describe('alerting: ownership', () => {
  it('reports a contact point of the same name made in the UI as a conflict with the fix, and touches nothing', async () => {
    const { env, orgA } = await applied();
    const removed = specFrom(ALERTING_SPEC_YAML.replace(/\s+- \{ name: ops-mail[^\n]+/, ''));
    await planAndApply(env, removed, { prune: true });
    seedContactPoint(env.fake.state, orgA, {
      name: 'ops-mail',
      type: 'email',
      settings: { addresses: 'x@y' },
      provenance: '',
    });
    const before = JSON.stringify(alertingOf(env.fake.state, orgA).contactPoints);
    const { plan: p, result } = await planAndApply(env, spec);
    const c = stepsOf(p, 'a').find((s) => s.action === 'conflict')!;
    expect(c).toMatchObject({ kind: 'contact-point', target: 'contact point "ops-mail"' });
    expect(c.fix).toMatch(/rename the contact point in the spec/);
    expect(result.tenants.a.state).toBe('failed');
    expect(JSON.stringify(alertingOf(env.fake.state, orgA).contactPoints)).toBe(before);
  });

  it('reports a policy tree customised in the UI as a conflict', async () => {
    const env = newEnv();
    await planAndApply(
      env,
      specFrom(ALERTING_SPEC_YAML.replace(/alerting:\n {6}contactPoints:[\s\S]*$/, 'dashboards: true\n'))
    );
    const orgA = await orgIdOf(env, 'Tenant A');
    seedPolicy(env.fake.state, orgA, {
      receiver: 'grafana-default-email',
      routes: [{ receiver: 'grafana-default-email' }],
    });
    const p = await plan(env, spec);
    const c = stepsOf(p, 'a').find((s) => s.action === 'conflict')!;
    expect(c).toMatchObject({ kind: 'notification-policy' });
    expect(c.message).toMatch(/customised outside the tenancy app .*1 nested/);
    expect(c.fix).toMatch(/Reset/);
  });

  it('never touches unmanaged rules: one in a managed group is a conflict, others stay as they are', async () => {
    const { env, orgA } = await applied();
    const own = seedRule(env.fake.state, orgA, { folderUID: folderUid('a'), ruleGroup: 'tenant-own', title: 'Mine' });
    const ownBefore = JSON.stringify(own);
    env.fake.resetLog();
    const again = await planAndApply(env, spec, { prune: true });
    expect(again.plan.summary.conflict).toBe(0);
    expect(env.fake.counts().writes).toBe(0);
    expect(JSON.stringify(alertingOf(env.fake.state, orgA).rules.get(own.uid))).toBe(ownBefore);

    seedRule(env.fake.state, orgA, { folderUID: folderUid('a'), ruleGroup: 'api', title: 'Sneaky' });
    const p = await plan(env, spec);
    const c = stepsOf(p, 'a').find((s) => s.action === 'conflict')!;
    expect(c).toMatchObject({ kind: 'alert-rule-group', target: 'rule group "api"' });
    expect(c.message).toMatch(/"Sneaky"/);
    expect(c.fix).toMatch(/move those rules to another group/);
  });

  it('refuses objects provisioned from files', async () => {
    const { env, orgA } = await applied();
    const cp = alertingOf(env.fake.state, orgA).contactPoints.find((c) => c.name === 'ops-hook')!;
    cp.provenance = 'file';
    const c = stepsOf(await plan(env, spec), 'a').find((s) => s.action === 'conflict')!;
    expect(c.message).toMatch(/provisioned from a file/);
  });
});

describe('alerting: prune only on confirmation', () => {
  const withoutGroup = specFrom(ALERTING_SPEC_YAML.replace(/ {6}ruleGroups:[\s\S]*?(?=  - id: b)/, ''));

  it('a dropped rule group is orphaned: kept without prune, deleted with prune', async () => {
    const { env, api, orgA } = await applied();
    const p = await plan(env, withoutGroup);
    const orphan = stepsOf(p, 'a').find((s) => s.action === 'orphaned')!;
    expect(orphan).toMatchObject({ kind: 'alert-rule-group', target: 'rule group "api"', requiresPrune: true });
    await planAndApply(env, withoutGroup);
    expect((await api.listAlertRules(orgA)).some((r) => r.ruleGroup === 'api')).toBe(true);
    await planAndApply(env, withoutGroup, { prune: true });
    expect((await api.listAlertRules(orgA)).some((r) => r.ruleGroup === 'api')).toBe(false);
  });

  it('a bundled rule switched off stays until prune, even though its group is rewritten', async () => {
    const { env, api, orgA } = await applied();
    const off = specFrom(ALERTING_SPEC_YAML.replace('targetDown: { for: 10m }', 'targetDown: { enabled: false }'));
    await planAndApply(env, off);
    expect((await api.listAlertRules(orgA)).some((r) => r.title === 'Target down')).toBe(true);
    await planAndApply(env, off, { prune: true });
    expect((await api.listAlertRules(orgA)).some((r) => r.title === 'Target down')).toBe(false);
    env.fake.resetLog();
    await planAndApply(env, off, { prune: true });
    expect(env.fake.counts().writes).toBe(0);
  });

  it('alerting switched off: everything managed is orphaned; prune resets the policy and removes the rest', async () => {
    const { env, api, orgA } = await applied();
    const off = specFrom(
      ALERTING_SPEC_YAML.replace(
        '    alerting:\n      contactPoints:',
        '    alerting:\n      enabled: false\n      contactPoints:'
      )
    );
    const p = await plan(env, off);
    const orphans = stepsOf(p, 'a').filter((s) => s.action === 'orphaned');
    expect(orphans.map((s) => s.kind)).toEqual([
      'notification-policy',
      'alert-rule-group',
      'alert-rule-group',
      'contact-point',
      'contact-point',
      'contact-point',
    ]);
    await planAndApply(env, off);
    expect((await api.listAlertRules(orgA)).length).toBe(4);
    await planAndApply(env, off, { prune: true });
    expect(await api.listAlertRules(orgA)).toEqual([]);
    expect((await api.listContactPoints(orgA)).map((c) => c.name)).toEqual(['grafana-default-email']);
    expect((await api.getPolicyTree(orgA)).receiver).toBe('grafana-default-email');
    // Nothing left to manage: the marker is cleared once, then re-runs are quiet.
    await planAndApply(env, off);
    env.fake.resetLog();
    await planAndApply(env, off);
    expect(env.fake.counts().writes).toBe(0);
  });
});

describe('alerting: secrets are write-only', () => {
  it('a spec without the secret keeps the stored one; --rotate-secrets re-sends it; none stored is a conflict', async () => {
    const { env, orgA } = await applied();
    const noSecret = specFrom(
      ALERTING_SPEC_YAML.replace('webhookUrl: "https://hooks.slack.example/T0/B0/secret", ', '')
    );
    expect(pending(alertingSteps(stepsOf(await plan(env, noSecret), 'a')))).toEqual([]);
    const rotate = pending(alertingSteps(stepsOf(await plan(env, spec, { rotateSecrets: true }), 'a')));
    expect(rotate.map((s) => s.target)).toEqual(['contact point "ops-chat"']);
    expect(rotate[0].diff).toEqual([{ field: 'secret url', before: '(set)', after: '(set, re-sent)' }]);

    const fresh = newEnv();
    const c = stepsOf(await plan(fresh, noSecret), 'a').find((s) => s.action === 'conflict')!;
    expect(c).toMatchObject({ target: 'contact point "ops-chat"' });
    expect(c.message).toMatch(/no value for the secret url/);
    expect(alertingOf(env.fake.state, orgA).contactPoints.find((x) => x.name === 'ops-chat')!.secure.url).toBe(
      'https://hooks.slack.example/T0/B0/secret'
    );
  });
});
