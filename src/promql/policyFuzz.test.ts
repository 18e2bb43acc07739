/** Property tests for several-rule policies (small count for CI; benchmarks/policy.bench.ts runs 100k+). */
import fc from 'fast-check';
import { parsePolicy } from '../policy';
import { createPolicyEnforcer } from './policy/enforcePolicy';
import { mangledQuery, promqlQuery } from './testing/arbitraries';
import { checkPolicyQuery } from './testing/policyFuzzCheck';

export const FUZZ_POLICIES = [
  ['{tenant="a", env="prod"}', '{cluster="c1"}'],
  ['{tenant="a"}', '{tenant=~"a|b", env!="dev"}', '{cluster="c1", namespace=~"kube-.*"}'],
  ['{tenant="a"}', '{env="prod"}'],
];

describe.each(FUZZ_POLICIES)('property: policy %s …', (...rules) => {
  const policy = parsePolicy(rules);
  for (const errorOnReplace of [false, true]) {
    const pe = createPolicyEnforcer(policy, { errorOnReplace });
    it(`generated and mangled queries: every selector carries a whole rule, or EnforceError (errorOnReplace ${errorOnReplace})`, () => {
      let enforced = 0;
      for (const [arb, seed] of [
        [promqlQuery, 11],
        [mangledQuery, 13],
      ] as const) {
        fc.assert(
          fc.property(arb, (q) => {
            const r = checkPolicyQuery(q, pe, policy);
            enforced += r.outcome === 'enforced' ? 1 : 0;
            if (r.outcome === 'violation') {
              console.error(r.detail);
              return false;
            }
            return true;
          }),
          { numRuns: 600, seed }
        );
      }
      expect(enforced).toBeGreaterThan(200);
    });
  }
});
