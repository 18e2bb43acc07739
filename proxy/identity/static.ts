import { parsePolicy, policyText } from '../../src/policy';
import { identityOf, policyIdentity, type IdentitySource } from './identity';

/**
 * `--label-value` (repeatable): one fixed tenant for every request, as prom-label-proxy's
 * StaticLabelEnforcer. Trusts whoever can reach the proxy to be that tenant.
 */
export function staticIdentity(values: readonly string[]): IdentitySource {
  const identity = identityOf(values);
  if (!identity) {
    throw new Error('--label-value: no non-empty value configured');
  }
  return {
    kind: 'static',
    description: `fixed tenant values from --label-value (${identity.values.length}); every client is that tenant`,
    consumedHeaders: new Set(),
    resolve: () => identity,
  };
}

/**
 * `--rule SELECTOR` (repeatable): one fixed label policy for every request, rules OR'ed. Trusts
 * whoever can reach the proxy to be allowed that policy, as --label-value does.
 */
export function staticPolicyIdentity(rules: readonly string[]): IdentitySource {
  let identity;
  try {
    identity = policyIdentity(parsePolicy(rules));
  } catch (err) {
    throw new Error(`--rule: ${(err as Error).message}`);
  }
  return {
    kind: 'static',
    description: `fixed label policy from --rule (${rules.length} rule(s): ${policyText(identity.policy!)}); every client has that policy`,
    consumedHeaders: new Set(),
    resolve: () => identity,
  };
}
