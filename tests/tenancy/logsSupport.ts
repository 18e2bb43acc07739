/**
 * A spec with logs (token-mode tenants, a loki-multitenant tenant, a shared org with logsProxyUrl)
 * and checks that every Loki data source holds exactly the token its registry entry names.
 */
import { TOKEN_SPEC_YAML, registryOf, storedTokenMismatch } from './tokenSupport';
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
  return [
    ...storedTokenMismatch(
      env,
      'tenant a logs',
      { orgName: 'Tenant A', uid: 'mtt-a-loki' },
      reg['tenant-logs'].a?.hashes
    ),
    ...storedTokenMismatch(
      env,
      'tenant b logs',
      { orgName: 'Tenant B', uid: 'mtt-b-loki' },
      reg['tenant-logs'].b?.hashes
    ),
    ...storedTokenMismatch(
      env,
      'shared logs',
      { orgName: 'Shared', uid: 'mtt-shared-loki' },
      reg['shared-org-logs'].shared?.hashes
    ),
  ];
}
