import type { Logger } from '../log';
import { bearerToken, matchDigest, tokenDigest } from './bearer';
import { parseTokensFile, type TokensFile } from './fileFormats';
import { identityOf, policyIdentity, unauthenticated, type Identity, type IdentitySource } from './identity';
import { WatchedFile } from './watchedFile';

/**
 * `--tenant-tokens-file`: the tenant is the owner of the bearer token the client presents
 * (`Authorization: Bearer <token>`, set in the tenant data source's secureJsonData). The file
 * holds only SHA-256 digests; the presented token's digest is compared with every known digest in
 * constant time. A tenant header or parameter means nothing in this mode, and the Authorization
 * header never reaches the upstream. A tenant org Admin who edits the header can only break their
 * own access: without another tenant's token there is no other tenant.
 */
export function tokensIdentity(file: string, logger: Logger, pollIntervalMs: number): IdentitySource {
  const watched = new WatchedFile<TokensFile>({
    path: file,
    what: 'tokens file',
    parse: parseTokensFile,
    summary: (f) => ({ tenants: f.tenants, tokens: f.entries.length }),
    logger,
    pollIntervalMs,
  });
  // One frozen Identity per tenant entry, rebuilt only when the file changes.
  const identities = new WeakMap<object, Identity>();
  return {
    kind: 'tokens',
    description: `tenant from the bearer token (SHA-256 digests in ${file}); tenant headers and parameters are ignored`,
    consumedHeaders: new Set(['authorization']),
    start: () => watched.start(),
    reload: () => watched.reload('signal'),
    close: () => watched.close(),
    resolve({ headers }) {
      const bearer = bearerToken(headers);
      if ('problem' in bearer) {
        return unauthenticated(`${bearer.problem}; this proxy takes the tenant from its token only`);
      }
      const owner = matchDigest(tokenDigest(bearer.token), watched.current().entries);
      if (!owner) {
        return unauthenticated('the bearer token is not known to this proxy; use the token of your tenant data source');
      }
      let identity = identities.get(owner);
      if (!identity) {
        identity = owner.policy
          ? policyIdentity(owner.policy, owner.tenant)
          : Object.freeze({ ...identityOf(owner.values)!, tenant: owner.tenant });
        identities.set(owner, identity);
      }
      return identity;
    },
  };
}
