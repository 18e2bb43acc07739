/**
 * A spec with logs (token-mode tenants, a loki-multitenant tenant, a shared org with logsProxyUrl)
 * and checks that every Loki data source holds exactly the token its registry entry names.
 */
import { TOKEN_SPEC_YAML, registryOf, sha256, storedAuthorization } from './tokenSupport';
import type { Env } from './harness';
import type { TokenRegistry } from '../../src/tenancy/tokenRegistry';

/** TOKEN_SPEC_YAML plus `defaults.logs` (token mode), tenant h on its own Loki tenant, and shared-org logs. */
export const LOGS_SPEC_YAML = TOKEN_SPEC_YAML.replace(
  'defaults:\n  datasource: { mode: proxy, url: "http://proxy:9090" }\n',
  'defaults:\n  datasource: { mode: proxy, url: "http://proxy:9090" }\n  logs: { mode: proxy, url: "http://proxy-logs:8080" }\n'
)
  .replace(
    '    datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy-h:9090" }\n',
    '    datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy-h:9090" }\n    logs: { mode: loki-multitenant, url: "http://loki:3100" }\n'
  )
  .replace(
    '    proxyUrl: http://proxy-shared:8080\n',
    '    proxyUrl: http://proxy-shared:8080\n    logsProxyUrl: http://proxy-logs-shared:8080\n'
  );

/** Every token-mode Loki data source holds exactly the token whose hash is first in its registry scope. */
export async function logsTokenMismatches(env: Env, registry?: TokenRegistry): Promise<string[]> {
  const reg = registry ?? (await registryOf(env));
  const out: string[] = [];
  const check = (label: string, orgName: string, uid: string, hashes: string[] | undefined) => {
    const auth = storedAuthorization(env, orgName, uid);
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      out.push(
        `${label}: Loki data source holds no 43-char bearer token (${auth === undefined ? 'none' : 'malformed'})`
      );
    } else if (!hashes || hashes[0] !== sha256(token)) {
      out.push(`${label}: logs registry hash[0] is not sha256 of the stored token`);
    }
  };
  check('tenant a logs', 'Tenant A', 'mtt-a-loki', reg['tenant-logs'].a?.hashes);
  check('tenant b logs', 'Tenant B', 'mtt-b-loki', reg['tenant-logs'].b?.hashes);
  check('shared logs', 'Shared', 'mtt-shared-loki', reg['shared-org-logs'].shared?.hashes);
  return out;
}
