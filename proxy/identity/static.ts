import { identityOf, type IdentitySource } from './identity';

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
