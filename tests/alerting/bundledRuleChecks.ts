/**
 * The two checks every bundled alert rule must pass, shared by tests/alerting/bundledRules.test.ts
 * and benchmarks/alerting.bench.ts (`alerting.bundled_rules_checked`):
 *
 * - tenant-only: the rule's query, enforced for tenant a by the engine and sent through the
 *   enforcing proxy (label value a), evaluated on real Prometheus 2.42 holding tenants a and b,
 *   returns exactly what the same unenforced query returns on a Prometheus holding tenant a
 *   alone (the oracle), never a series of b — while the unenforced query on the mixed data does
 *   show b (so the check can fail).
 * - fires: Grafana's threshold (bundledRules.thresholdFires) over the proxy's answer fires for
 *   exactly the expected series, at the default threshold and at one that splits tenant a's
 *   series.
 */
import { createProxy, parseProxyArgs, type Proxy } from '../../proxy';
import { silentLogger } from '../../proxy/log';
import { createEnforcer, enforceQuery } from '../../src/promql';
import { thresholdFires, type BundledRuleDef, type BundledRuleId } from '../../src/tenancy/bundledRules';
import { canonical, instantQuery, type Series } from '../dashboards/support/prometheusApi';
import { FIXTURE_CLUSTERS, startTenantFixture, type TenantFixture } from '../support/tenantFixture';

export interface RuleCheckEnv {
  mixed: TenantFixture;
  alone: TenantFixture;
  proxyUrl: string;
  stop(): Promise<void>;
}

export async function startRuleCheckEnv(): Promise<RuleCheckEnv> {
  const [mixed, alone] = await Promise.all([
    startTenantFixture(),
    startTenantFixture({ tenants: ['a'], untenanted: false }),
  ]);
  let proxy: Proxy | undefined;
  try {
    proxy = createProxy(
      parseProxyArgs([
        '--upstream',
        mixed.url,
        '--label',
        'tenant',
        '--label-value',
        'a',
        '--insecure-listen-address',
        '127.0.0.1:0',
      ]),
      { logger: silentLogger }
    );
    const { url } = await proxy.listen();
    return {
      mixed,
      alone,
      proxyUrl: url,
      stop: async () => {
        await proxy?.close();
        await Promise.all([mixed.stop(), alone.stop()]);
      },
    };
  } catch (err) {
    await proxy?.close();
    await Promise.all([mixed.stop(), alone.stop()]);
    throw err;
  }
}

const ENFORCER_A = createEnforcer({ label: 'tenant', values: ['a'] });
const CLUSTERS_OF_B = new Set(FIXTURE_CLUSTERS.b);
const isB = (s: Series) => s.metric.tenant === 'b' || CLUSTERS_OF_B.has(s.metric.cluster ?? '');

/** A firing series, identified by what an operator reads in the notification. */
export const seriesKey = (s: Series) =>
  [s.metric.cluster, s.metric.job, s.metric.instance].filter((x) => x !== undefined).join('/');

export async function checkTenantOnly(env: RuleCheckEnv, rule: BundledRuleDef): Promise<string[]> {
  const problems: string[] = [];
  const t = env.mixed.time;
  const [byEngine, byProxy, oracle, unenforced] = await Promise.all([
    instantQuery(env.mixed.url, enforceQuery(rule.expr, ENFORCER_A), t),
    instantQuery(env.proxyUrl, rule.expr, t),
    instantQuery(env.alone.url, rule.expr, t),
    instantQuery(env.mixed.url, rule.expr, t),
  ]);
  if (oracle.length === 0) {
    problems.push(`${rule.id}: the query returns nothing for tenant a on the fixture: the check would be vacuous`);
  }
  if (!unenforced.some(isB)) {
    problems.push(`${rule.id}: unenforced, the query shows nothing of tenant b: the check could not fail`);
  }
  for (const [via, got] of [
    ['engine', byEngine],
    ['proxy', byProxy],
  ] as const) {
    const leaks = got.filter(isB);
    if (leaks.length > 0) {
      problems.push(
        `${rule.id} via ${via}: ${leaks.length} series of tenant b, e.g. ${JSON.stringify(leaks[0].metric)}`
      );
    }
    if (JSON.stringify(canonical(got)) !== JSON.stringify(canonical(oracle))) {
      problems.push(
        `${rule.id} via ${via}: differs from tenant a alone: ${canonical(got).join(' | ')} vs ${canonical(oracle).join(' | ')}`
      );
    }
  }
  return problems;
}

/** Expected firing series at the default threshold (from tenantFixtureData.ts). */
const FIRING_AT_DEFAULT: Record<BundledRuleId, string[]> = {
  // Lag is 3 s (first cluster) and 4 s (second): far below 120 s.
  remoteWriteBehind: [],
  // node-2 of each tenant's second cluster is down (up = 0).
  targetDown: ['a-2/node/node-2:9100'],
  ingestionHigh: [],
  // A sinusoid of ±20 % cannot grow by more than 1.2 / 0.8 = 1.5.
  seriesGrowth: [],
};

function firing(series: Series[], rule: BundledRuleDef, threshold: number): string[] {
  return series
    .filter((s) => thresholdFires(Number(s.values[0][1]), rule.op, threshold))
    .map(seriesKey)
    .sort();
}

export async function checkFires(env: RuleCheckEnv, rule: BundledRuleDef): Promise<string[]> {
  const problems: string[] = [];
  const t = env.mixed.time;
  const [viaProxy, oracle] = await Promise.all([
    instantQuery(env.proxyUrl, rule.expr, t),
    instantQuery(env.alone.url, rule.expr, t),
  ]);
  const atDefault = firing(viaProxy, rule, rule.defaultThreshold);
  if (JSON.stringify(atDefault) !== JSON.stringify(FIRING_AT_DEFAULT[rule.id])) {
    problems.push(
      `${rule.id}: at the default threshold ${rule.defaultThreshold} fires for [${atDefault}], expected [${FIRING_AT_DEFAULT[rule.id]}]`
    );
  }
  // A threshold between tenant a's lowest and highest value must split them: only the series on
  // the firing side of it fire (a per-tenant threshold in the spec does exactly this).
  const values = oracle.map((s) => Number(s.values[0][1])).sort((x, y) => x - y);
  const distinct = [...new Set(values)];
  if (distinct.length < 2) {
    problems.push(`${rule.id}: tenant a's series all have the value ${distinct[0]}: no threshold can split them`);
    return problems;
  }
  const split = (distinct[0] + distinct[distinct.length - 1]) / 2;
  const expected = oracle
    .filter((s) => thresholdFires(Number(s.values[0][1]), rule.op, split))
    .map(seriesKey)
    .sort();
  const got = firing(viaProxy, rule, split);
  if (expected.length === 0 || expected.length === oracle.length) {
    problems.push(`${rule.id}: threshold ${split} does not split tenant a's series`);
  }
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    problems.push(`${rule.id}: at threshold ${split} fires for [${got}], expected [${expected}]`);
  }
  return problems;
}
