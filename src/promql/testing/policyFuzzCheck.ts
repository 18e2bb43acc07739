/**
 * The property every query enforced with a several-rule policy must satisfy, shared by the CI
 * property test and the 100k benchmark: enforcement throws EnforceError, or returns text that
 * parses and in which EVERY selector carries ALL matchers of at least one rule (independent walk).
 * That is the no-leak property: each selector reads only series some rule allows. (The copies are
 * not a textual fixed point — enforcing again unions again — so idempotence is not asked.)
 */
import type { Policy } from '../../policy/policy';
import { enforcePolicyQuery, type PolicyEnforcer } from '../policy/enforcePolicy';
import { enforceAndWalk, type FuzzResult } from './fuzzCheck';

export function checkPolicyQuery(query: string, pe: PolicyEnforcer, policy: Policy): FuzzResult {
  const read = enforceAndWalk(query, (q) => enforcePolicyQuery(q, pe));
  if ('outcome' in read) {
    return read;
  }
  const { out, walked } = read;
  for (const s of walked.selectors) {
    const pinned = policy.rules.some((rule) =>
      rule.matchers.every((want) =>
        s.matchers.some((m) => m.name === want.name && m.op === want.op && m.value === want.value)
      )
    );
    if (!pinned) {
      return {
        outcome: 'violation',
        detail: `selector at ${s.from} carries no rule whole: ${JSON.stringify(query)} -> ${JSON.stringify(out)}`,
      };
    }
  }
  return { outcome: 'enforced' };
}
