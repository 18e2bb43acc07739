import { ruleText, type Policy } from '../src/policy';
import {
  createPolicyEnforcer,
  enforcePolicyQuery,
  enforceSeriesSelectorWith,
  type PolicyEnforcer,
} from '../src/promql';
import { matcherMatches } from '../src/promql/matchers';
import { guard, type EnforcedQueryCache, type Enforcement } from './enforcement';
import type { ProxyOptions } from './options';

/**
 * The enforcement of a label-policy identity (static `--rule`, a tokens-file or team entry with
 * `rules`, an accepted LBAC header): matchers of a rule AND, rules OR (src/policy). Queries go
 * through the policy engine (src/promql/policy); `match[]` routes get one selector per rule.
 */
export class PolicyEnforcement implements Enforcement {
  readonly enforcer: PolicyEnforcer;
  private readonly cacheKey: string;

  constructor(
    policy: Policy,
    options: ProxyOptions,
    private readonly cache: EnforcedQueryCache
  ) {
    this.enforcer = guard(() => createPolicyEnforcer(policy, { errorOnReplace: options.errorOnReplace }));
    // Tenant-values keys are JSON arrays ("[..."); this prefix can never be one, so a policy and a
    // values identity never share cached text. The key is the policy's rules in canonical form.
    this.cacheKey = `rules:${policyKey(policy)}`;
  }

  query(expr: string): string {
    return this.cache.lookup(this.cacheKey, expr, () => guard(() => enforcePolicyQuery(expr, this.enforcer)));
  }

  /**
   * One client selector m becomes m∧r for every rule r: Prometheus unions the match[] values of a
   * request, so the answer is exactly "m, restricted to the policy" (each m∧r only narrows m).
   */
  seriesSelectors(selector: string): string[] {
    return this.enforcer.rules.map((rule) =>
      guard(() => enforceSeriesSelectorWith(selector, rule, { mode: 'append' }))
    );
  }

  tenantSelectors(): string[] {
    return this.enforcer.rules.map((rule) => `{${rule.joinedText}}`);
  }

  /**
   * Whether a label set (a rule's or an alert's labels) is one the policy allows: some rule whose
   * every matcher matches; an absent label is the empty string, as in Prometheus' selectors.
   * parseRule refuses rules whose matchers all match the empty string, so an unlabelled rule or
   * alert is never visible.
   */
  acceptsLabels(labels: Record<string, string> | undefined): boolean {
    return this.enforcer.rules.some((rule) => rule.matchers.every((m) => matcherMatches(m, labels?.[m.name] ?? '')));
  }
}

/** The canonical text of a policy's rules: the identity of its enforcement. */
export function policyKey(policy: Policy): string {
  return JSON.stringify(policy.rules.map(ruleText));
}
