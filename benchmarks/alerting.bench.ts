/**
 * alerting.bundled_rules_checked: how many bundled alert rules pass both checks of
 * tests/alerting/bundledRuleChecks.ts on real Prometheus 2.42 (tenant-only through engine and
 * proxy, and fires where it should). Goal: every bundled rule.
 */
import { BUNDLED_RULES } from '../src/tenancy/bundledRules';
import { checkFires, checkTenantOnly, startRuleCheckEnv } from '../tests/alerting/bundledRuleChecks';
import type { Report } from './report';

export default async function bench(report: Report) {
  const env = await startRuleCheckEnv();
  try {
    let checked = 0;
    for (const rule of BUNDLED_RULES) {
      const problems = [...(await checkTenantOnly(env, rule)), ...(await checkFires(env, rule))];
      if (problems.length === 0) {
        checked++;
      } else {
        console.error(problems.join('\n'));
      }
    }
    report({
      name: 'alerting.bundled_rules_checked',
      value: checked,
      unit: 'rules',
      goal: `= ${BUNDLED_RULES.length} (every bundled rule)`,
    });
  } finally {
    await env.stop();
  }
}
