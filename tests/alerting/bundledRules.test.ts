/** @jest-environment node */
/**
 * Every bundled alert rule, like the bundled dashboards' queries: enforced by the engine and by
 * the proxy on real Prometheus 2.42 it evaluates only tenant a's series, and Grafana's threshold
 * fires on the fixture exactly where it should (bundledRuleChecks.ts).
 */
import { BUNDLED_RULES } from '../../src/tenancy/bundledRules';
import { checkFires, checkTenantOnly, startRuleCheckEnv, type RuleCheckEnv } from './bundledRuleChecks';

jest.setTimeout(120_000);

let env: RuleCheckEnv;
beforeAll(async () => {
  env = await startRuleCheckEnv();
});
afterAll(async () => {
  await env?.stop();
});

const rules = BUNDLED_RULES.map((r) => [r.id, r] as const);

describe('bundled alert rules on the tenant fixture', () => {
  it.each(rules)('%s evaluates only the tenant’s series (engine and proxy equal tenant a alone)', async (_id, rule) => {
    expect(await checkTenantOnly(env, rule)).toEqual([]);
  });

  it.each(rules)('%s fires where it should (default threshold, and one splitting a’s series)', async (_id, rule) => {
    expect(await checkFires(env, rule)).toEqual([]);
  });

  it('the checks can fail: a rule that reads b’s data through the proxy URL is caught', async () => {
    const leaky = { ...BUNDLED_RULES[1], expr: 'min by (tenant, cluster, job, instance) (up)' };
    // Not through the proxy: the raw upstream shows b-2's down target too.
    const raw = { ...env, proxyUrl: env.mixed.url };
    expect((await checkTenantOnly(raw, leaky)).join('\n')).toMatch(/via proxy: \d+ series of tenant b/);
    expect((await checkFires(raw, leaky)).join('\n')).toMatch(/b-2\/node\/node-2:9100/);
  });
});
