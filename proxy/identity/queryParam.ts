import { ProxyRejection } from '../rejection';
import { duplicateTenant, identityOf, type IdentitySource } from './identity';

/**
 * `--query-param`: the tenant is a request parameter (URL, or form body of a POST). Only as safe as
 * the network path: anyone who can reach the proxy can name any tenant.
 *
 * The parameter may appear once in the whole request. prom-label-proxy merges every value of the
 * URL and the body (Go's ParseForm); Grafana's data source proxy appends its configured parameter
 * to the user's URL, so a user's extra `&tenant=b` would be merged into their tenant (issue #14).
 * The parameter is removed before the request goes upstream.
 */
export function queryParamIdentity(name: string): IdentitySource {
  return {
    kind: 'queryParam',
    description: `tenant from the "${name}" request parameter; trusts the network path: anyone who can reach the proxy can name any tenant`,
    consumedHeaders: new Set(),
    resolve({ url, form }) {
      const raw = [...url.getAll(name), ...(form?.getAll(name) ?? [])];
      url.delete(name);
      form?.delete(name);
      if (raw.length > 1) {
        return duplicateTenant(
          `the "${name}" parameter appears ${raw.length} times (URL and form body together); send it exactly once`
        );
      }
      return (
        identityOf(raw) ?? new ProxyRejection(400, 'missing-tenant', `The "${name}" query parameter must be provided.`)
      );
    },
  };
}
