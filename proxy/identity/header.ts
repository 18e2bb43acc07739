import { ProxyRejection } from '../rejection';
import { duplicateTenant, identityOf, type IdentitySource } from './identity';

/**
 * `--header-name` (+ `--header-uses-list-syntax`): the tenant is what the client says in one
 * header. Only as safe as the network path: anyone who can reach the proxy can name any tenant.
 *
 * Two header lines are refused (400) instead of merged as prom-label-proxy's HTTPHeaderEnforcer
 * does (issue #14): a header added by a client beside the one Grafana sets would otherwise widen
 * the tenant. Several values come from one line in list syntax.
 */
export function headerIdentity(name: string, listSyntax: boolean): IdentitySource {
  const key = name.toLowerCase();
  const shown = canonicalHeaderName(name);
  return {
    kind: 'header',
    description: `tenant from the ${shown} header${listSyntax ? ' (list syntax)' : ''}; trusts the network path: anyone who can reach the proxy can name any tenant`,
    consumedHeaders: new Set([key]),
    resolve({ headers }) {
      const lines = headers[key] ?? [];
      if (lines.length > 1) {
        return duplicateTenant(
          `the ${shown} header was sent ${lines.length} times; send it once` +
            (listSyntax ? ' (several tenants as one comma-separated line)' : '')
        );
      }
      const raw = lines.length === 0 ? [] : listSyntax ? lines[0].split(',').map((v) => v.trim()) : lines;
      // prom-label-proxy's message (humanFriendlyErrorMessage), kept for drop-in clients.
      return identityOf(raw) ?? new ProxyRejection(400, 'missing-tenant', `Missing HTTP header "${shown}".`);
    },
  };
}

/** Go's textproto.CanonicalMIMEHeaderKey, for messages that match prom-label-proxy's. */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}
