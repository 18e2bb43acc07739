/**
 * Tenancy API economy against the in-memory fake Grafana, 100 tenants (2 teams × 2 members each,
 * header-mode proxy data source, bundled dashboards on):
 * - plan.reads_per_tenant: reads of readLiveState when nothing drifted (global lists amortised);
 * - apply.calls_per_tenant: every call of a fresh plan + apply (reads and writes);
 * - rerun.writes: writes of plan + apply right after a converged apply.
 * The same three again with alerting on (a webhook contact point + default policy from
 * `defaults.alerting`, the bundled rules) as `…_alerting` (issue #15: ≤ 14 reads, ≤ 35 calls, 0).
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

function specText(alerting: boolean): string {
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
    },
    tenants,
  });
}

export default async function bench(report: Report) {
  await scenario(report, false);
  await scenario(report, true);
}

async function scenario(report: Report, alerting: boolean) {
  const suffix = alerting ? '_alerting' : '';
  const parsed = parseTenantSpec(specText(alerting));
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
    goal: alerting ? '<= 35' : '<= 25',
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
    goal: alerting ? '<= 14' : '<= 10',
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
