/**
 * Several-rule label policies (issue #18):
 * - policy.ratio: enforcing a 3-rule policy ÷ a bare lezer-promql parse, on the interpolated corpus,
 *   timed in alternating batches (corpusTiming.ts); goal ≥ 0.5 (each selector is copied per rule);
 * - policy.p50_ms / policy.p99_ms: per-query latency of that enforcement;
 * - policy.fuzz_*: 100k+ generated and mangled queries under three policies, each rule set with and
 *   without error-on-replace; a violation is a selector that carries no rule whole, output that does
 *   not parse, or anything thrown but EnforceError (src/promql/testing/policyFuzzCheck.ts).
 */
import fc from 'fast-check';
import { parser } from '@prometheus-io/lezer-promql';
import { parsePolicy } from '../src/policy';
import { createPolicyEnforcer, enforcePolicyQuery } from '../src/promql/policy/enforcePolicy';
import { mangledQuery, promqlQuery } from '../src/promql/testing/arbitraries';
import { checkPolicyQuery } from '../src/promql/testing/policyFuzzCheck';
import { interleaved, latencies, loadInterpolatedCorpus, percentile } from './corpusTiming';
import type { Report } from './report';

const THREE_RULES = ['{tenant="a"}', '{tenant=~"a|b", env!="dev"}', '{cluster="c1", namespace=~"kube-.*"}'];
const FUZZ_POLICIES = [['{tenant="a", env="prod"}', '{cluster="c1"}'], THREE_RULES, ['{tenant="a"}', '{env="prod"}']];
const RUNS_PER_CASE = 9_000;

export default async function bench(report: Report): Promise<void> {
  const pe = createPolicyEnforcer(parsePolicy(THREE_RULES));
  const all = loadInterpolatedCorpus();
  const exprs = all.filter((expr) => {
    try {
      enforcePolicyQuery(expr, pe);
      return true;
    } catch {
      return false; // refused (e.g. a bare range vector): both sides measure the same set
    }
  });
  const parse = (expr: string) => parser.parse(expr);
  const enforce = (expr: string) => enforcePolicyQuery(expr, pe);
  interleaved(exprs.slice(0, 3000), parse, enforce); // warm-up
  const { baselineQps, candidateQps } = interleaved(exprs, parse, enforce);
  const times = latencies(exprs, enforce);
  report({
    name: 'policy.corpus_queries',
    value: exprs.length,
    unit: 'queries',
    goal: `informational (${all.length - exprs.length} of ${all.length} refused by the 3-rule policy)`,
  });
  report({
    name: 'policy.ratio',
    value: candidateQps / baselineQps,
    unit: 'ratio',
    goal: '>= 0.5 (3-rule policy enforce ÷ bare lezer parse)',
  });
  report({ name: 'policy.p50_ms', value: percentile(times, 50), unit: 'ms', goal: 'low' });
  report({ name: 'policy.p99_ms', value: percentile(times, 99), unit: 'ms', goal: 'low' });

  let queries = 0;
  let enforced = 0;
  let violations = 0;
  const start = Date.now();
  FUZZ_POLICIES.forEach((rules, i) => {
    const policy = parsePolicy(rules);
    for (const errorOnReplace of [false, true]) {
      const fuzzEnforcer = createPolicyEnforcer(policy, { errorOnReplace });
      for (const arb of [promqlQuery, mangledQuery]) {
        for (const q of fc.sample(arb, { numRuns: RUNS_PER_CASE, seed: 2000 + i })) {
          queries++;
          const r = checkPolicyQuery(q, fuzzEnforcer, policy);
          enforced += r.outcome === 'enforced' ? 1 : 0;
          if (r.outcome === 'violation') {
            violations++;
            console.error(`policy fuzz violation: ${r.detail}`);
          }
        }
      }
    }
  });
  report({ name: 'policy.fuzz_queries', value: queries, unit: 'queries', goal: '>= 100000' });
  report({ name: 'policy.fuzz_enforced', value: enforced, unit: 'queries', goal: 'most valid ones' });
  report({ name: 'policy.fuzz_violations', value: violations, unit: 'queries', goal: '0' });
  report({ name: 'policy.fuzz_seconds', value: (Date.now() - start) / 1000, unit: 's', goal: 'informational' });
}
