/**
 * Tenancy API economy against the in-memory fake Grafana, 100 tenants (2 teams × 2 members each,
 * header-mode proxy data source, bundled dashboards on):
 * - plan.reads_per_tenant: reads of readLiveState when nothing drifted (global lists amortised);
 * - apply.calls_per_tenant: every call of a fresh plan + apply (reads and writes);
 * - rerun.writes: writes of plan + apply right after a converged apply.
 * The same three again with alerting on (a webhook contact point + default policy from
 * `defaults.alerting`, the bundled rules) as `…_alerting` (issue #15: ≤ 14 reads, ≤ 35 calls, 0).
 * And with logs (`defaults.logs`: a token-mode Loki data source per tenant, its own token) as
 * `…_logs`; the figures without a suffix are specs without logs, unchanged by it.
 */
import { GrafanaApi, NO_DELAY_RETRY_POLICY } from '../src/grafana-api';
import { applyPlan } from '../src/tenancy/apply';
import { tenancyApiFromGrafana } from '../src/tenancy/grafanaAdapter';
import { readLiveState } from '../src/tenancy/observe';
import { planTenants } from '../src/tenancy/plan';
import { parseTenantSpec } from '../src/tenancy/spec';
import { FakeGrafana, fakeTransport } from '../tests/fakes/grafana-api';
import type { Report } from './report';

const TENANTS = 100;

type Scenario = 'plain' | 'alerting' | 'logs';

function specText(scenario: Scenario): string {
  const alerting = scenario === 'alerting';
  const tenants = Array.from({ length: TENANTS }, (_, i) => ({
    id: `t${i}`,
    labelValues: [`t${i}`],
    orgName: `Tenant ${i}`,
    teams: [
      { name: 'ops', members: [{ login: `u${i}a` }, { login: `u${i}b` }] },
      { name: 'dev', folderPermission: 'Edit', members: [{ login: `u${i}b` }, { email: `u${i}c@example.com` }] },
    ],
  }));
  return JSON.stringify({
    version: 1,
    defaults: {
      datasource: { mode: 'proxy', tenantVia: 'header', headerName: 'X-Tenant', url: 'http://proxy:9090' },
      ...(alerting
        ? { alerting: { contactPoints: [{ name: 'ops-hook', type: 'webhook', url: 'http://alert-sink:8080/hook' }] } }
        : {}),
      ...(scenario === 'logs' ? { logs: { mode: 'proxy', url: 'http://proxy-logs:8080' } } : {}),
    },
    tenants,
  });
}

export default async function bench(report: Report) {
  await scenario(report, 'plain');
  await scenario(report, 'alerting');
  await scenario(report, 'logs');
}

const GOALS: Record<Scenario, { calls: string; reads: string }> = {
  plain: { calls: '<= 25', reads: '<= 10' },
  alerting: { calls: '<= 35', reads: '<= 14' },
  // A Loki data source (create) and its token (PUT, read back, registry read + write): +5 calls;
  // one more read per tenant (the Loki data source by uid).
  logs: { calls: '<= 30', reads: '<= 11' },
};

async function scenario(report: Report, kind: Scenario) {
  const suffix = kind === 'plain' ? '' : `_${kind}`;
  const parsed = parseTenantSpec(specText(kind));
  if (!parsed.ok) {
    throw new Error('bench spec invalid: ' + JSON.stringify(parsed.errors.slice(0, 3)));
  }
  const spec = parsed.spec;
  const fake = new FakeGrafana();
  fake.setBundledDashboards('mtlabs-tenancy-app', [
    { path: 'dashboards/overview.json', json: { uid: 'mt-overview', title: 'Tenant overview' }, revision: 1 },
  ]);
  for (let i = 0; i < TENANTS; i++) {
    for (const s of ['a', 'b', 'c']) {
      fake.createUser({ login: `u${i}${s}`, email: `u${i}${s}@example.com` });
    }
  }
  const api = tenancyApiFromGrafana(new GrafanaApi(fakeTransport(fake), NO_DELAY_RETRY_POLICY));

  fake.resetLog();
  const started = Date.now();
  const fresh = planTenants(spec, await readLiveState(api, spec));
  const result = await applyPlan(api, fresh, { retry: false });
  const applyMs = Date.now() - started;
  const failed = Object.entries(result.tenants).filter(([, s]) => s.state !== 'done');
  if (failed.length > 0) {
    throw new Error(`fresh apply failed for ${failed.length} tenants, e.g. ${JSON.stringify(failed[0])}`);
  }
  const applyCalls = fake.counts();
  report({
    name: `apply.calls_per_tenant${suffix}`,
    value: applyCalls.total / TENANTS,
    unit: 'calls',
    goal: GOALS[kind].calls,
  });
  report({ name: `apply.writes_per_tenant${suffix}`, value: applyCalls.writes / TENANTS, unit: 'calls', goal: 'info' });
  report({ name: `apply.ms_100_tenants${suffix}`, value: applyMs, unit: 'ms', goal: 'info (in-memory fake)' });

  fake.resetLog();
  const live = await readLiveState(api, spec);
  const rerun = planTenants(spec, live);
  report({
    name: `plan.reads_per_tenant${suffix}`,
    value: fake.counts().reads / TENANTS,
    unit: 'reads',
    goal: GOALS[kind].reads,
  });
  report({
    name: `plan.changes_after_apply${suffix}`,
    value: rerun.summary.create + rerun.summary.update + rerun.summary.orphaned + rerun.summary.conflict,
    unit: 'steps',
    goal: '0',
  });

  fake.resetLog();
  await applyPlan(api, rerun, { retry: false });
  report({ name: `rerun.writes${suffix}`, value: fake.counts().writes, unit: 'writes', goal: '0' });
}
