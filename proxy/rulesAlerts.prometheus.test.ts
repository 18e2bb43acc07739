/** @jest-environment node */
/**
 * /api/v1/rules and /api/v1/alerts through the proxy in front of real Prometheus 2.42, which
 * evaluates rule files of two tenants. Prometheus 2.42 ignores `match[]` on /api/v1/rules, so
 * before issue #14 item 4 the proxy started with --enable-label-matchers-for-rules-api returned
 * every tenant's rules, queries and annotations. Every flag combination must now show a tenant
 * its own rules and alerts only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { startPrometheus, waitForAlerts, type RunningPrometheus } from '../tests/support/prometheus';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';

/** Each tenant's rules carry a marker that must never reach the other tenant. */
const RULES = `groups:
  - name: tenant-a-rules
    interval: 1s
    rules:
      - record: tenant_a:secret_marker_a:sum
        expr: vector(1)
        labels: { tenant: a }
      - alert: TenantAAlert
        expr: vector(1)
        labels: { tenant: a, severity: page }
        annotations: { summary: "secret_marker_a annotation" }
  - name: tenant-b-rules
    interval: 1s
    rules:
      - record: tenant_b:secret_marker_b:sum
        expr: vector(2)
        labels: { tenant: b }
      - alert: TenantBAlert
        expr: vector(2)
        labels: { tenant: b, severity: page }
        annotations: { summary: "secret_marker_b annotation" }
  - name: shared-rules
    interval: 1s
    rules:
      # No tenant label on the rule: its alerts get the tenant from the expression.
      - alert: PerTenantAlert
        expr: label_replace(vector(1), "tenant", "a", "", "") or label_replace(vector(2), "tenant", "b", "", "")
        annotations: { summary: "per tenant" }
`;

let dir: string;
let prometheus: RunningPrometheus;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-rules-'));
  writeFileSync(path.join(dir, 'rules.yml'), RULES);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global: { evaluation_interval: 1s }\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\n`
  );
  prometheus = await startPrometheus({ configFile: path.join(dir, 'prometheus.yml') });
  await waitForAlerts(prometheus.url, 4);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface RuleJson {
  name: string;
  type: string;
  labels?: Record<string, string>;
  alerts?: Array<{ labels: Record<string, string> }>;
}

const combinations = [false, true].flatMap((labelMatchersForRulesApi) =>
  [false, true].map((rulesWithActiveAlerts) => ({ labelMatchersForRulesApi, rulesWithActiveAlerts }))
);

describe.each(combinations)('flags %o', (flags) => {
  let proxy: StartedProxy;
  beforeAll(async () => {
    proxy = await startTestProxy(testProxyOptions(prometheus.url, flags));
  });
  afterAll(() => proxy?.proxy.close());

  async function get(pathAndQuery: string, tenant: string): Promise<{ text: string; data: unknown }> {
    const res = await fetch(`${proxy.url}${pathAndQuery}`, { headers: { 'X-Tenant': tenant } });
    const text = await res.text();
    expect({ status: res.status, text: text.slice(0, 200) }).toEqual({ status: 200, text: expect.any(String) });
    return { text, data: (JSON.parse(text) as { data: unknown }).data };
  }

  it.each([
    ['a', 'b'],
    ['b', 'a'],
  ])('/api/v1/rules: tenant %s sees its rules and nothing of tenant %s', async (own, other) => {
    const { text, data } = await get('/api/v1/rules', own);
    expect(text).not.toContain(`secret_marker_${other}`);
    const rules = (data as { groups: Array<{ name: string; rules: RuleJson[] }> }).groups.flatMap((g) => g.rules);
    const names = rules.map((r) => r.name).sort();
    const expected = [`Tenant${own.toUpperCase()}Alert`, `tenant_${own}:secret_marker_${own}:sum`];
    if (flags.rulesWithActiveAlerts) {
      expected.push('PerTenantAlert');
    }
    expect(names).toEqual(expected.sort());
    for (const rule of rules) {
      for (const alert of rule.alerts ?? []) {
        expect(alert.labels.tenant).toBe(own);
      }
    }
  });

  it.each(['a', 'b'])(
    '/api/v1/rules?type=alert with a foreign match[]: tenant %s still sees only its own',
    async (own) => {
      const other = own === 'a' ? 'b' : 'a';
      const { text } = await get(`/api/v1/rules?type=alert&match[]=${encodeURIComponent(`{tenant="${other}"}`)}`, own);
      expect(text).not.toContain(`secret_marker_${other}`);
    }
  );

  it.each(['a', 'b'])('/api/v1/alerts: tenant %s sees only its own alerts', async (own) => {
    const other = own === 'a' ? 'b' : 'a';
    const { text, data } = await get('/api/v1/alerts', own);
    expect(text).not.toContain(`secret_marker_${other}`);
    const alerts = (data as { alerts: Array<{ labels: Record<string, string> }> }).alerts;
    expect(alerts.map((a) => a.labels.alertname).sort()).toEqual(['PerTenantAlert', `Tenant${own.toUpperCase()}Alert`]);
    expect(new Set(alerts.map((a) => a.labels.tenant))).toEqual(new Set([own]));
  });
});
