/**
 * Where the token hashes live: the app plugin settings of the *provisioning* org (the org the admin
 * page runs in / the CLI's `--audit-org`), next to the audit log — never in a tenant org, whose
 * Admin can write its own app settings and data sources (CONTRACT "Found against Grafana's
 * source": plugin settings writes are granted to org Admin).
 *
 * jsonData keys (interfaces §1 for the first):
 * - `tokenHashes: { <tenantId>: [sha256 hex, ...] }` — index 0 is the token the data source holds;
 *   later entries are previous tokens, kept valid until the next apply (rotation window).
 * - `tokenDatasources: { <tenantId>: { orgId, datasourceId, version } }` — the data source write
 *   that stored the current token. A data source whose id or version differs was written by
 *   someone else since (e.g. a tenant org Admin editing the header or URL), so the token it holds
 *   is unknown and a new one is issued: the tenancy app never keeps a token, only its hash.
 * - `sharedOrgTokenHashes` / `sharedOrgTokenDatasources`: the same for the Grafana→proxy secret of
 *   each shared org's data source (keyed by the shared org's id).
 * - `logsTokenHashes` / `logsTokenDatasources` and `sharedOrgLogsTokenHashes` /
 *   `sharedOrgLogsTokenDatasources`: the same for the Loki data sources. Their tokens are separate
 *   from the metrics ones (a secret is write-only: apply cannot copy one it does not hold), with the
 *   same issue/rotation rules; the proxy files list both hashes under the one tenant (proxyFiles.ts).
 */
import { patchAppJsonData } from './appJsonData';
import type { TenancyApi } from './ports';
import { SHA256_HEX_PATTERN } from './tokens';

export type TokenScope = 'tenant' | 'shared-org' | 'tenant-logs' | 'shared-org-logs';

export interface TokenDatasourceRecord {
  orgId: number;
  datasourceId: number;
  version: number;
}

export interface TokenEntry {
  hashes: string[];
  datasource?: TokenDatasourceRecord;
}

export type TokenRegistry = Record<TokenScope, Record<string, TokenEntry>>;

export const TOKEN_KEYS: Record<TokenScope, { hashes: string; datasources: string }> = {
  tenant: { hashes: 'tokenHashes', datasources: 'tokenDatasources' },
  'shared-org': { hashes: 'sharedOrgTokenHashes', datasources: 'sharedOrgTokenDatasources' },
  'tenant-logs': { hashes: 'logsTokenHashes', datasources: 'logsTokenDatasources' },
  'shared-org-logs': { hashes: 'sharedOrgLogsTokenHashes', datasources: 'sharedOrgLogsTokenDatasources' },
};

export const TOKEN_SCOPES = Object.keys(TOKEN_KEYS) as TokenScope[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the registry from the provisioning org's app jsonData; malformed entries are dropped (they issue new tokens). */
export function readTokenRegistry(jsonData: Record<string, unknown> | null | undefined): TokenRegistry {
  const out: TokenRegistry = { tenant: {}, 'shared-org': {}, 'tenant-logs': {}, 'shared-org-logs': {} };
  for (const scope of TOKEN_SCOPES) {
    const hashes = jsonData?.[TOKEN_KEYS[scope].hashes];
    const records = jsonData?.[TOKEN_KEYS[scope].datasources];
    if (!isRecord(hashes)) {
      continue;
    }
    for (const [id, list] of Object.entries(hashes)) {
      if (!Array.isArray(list)) {
        continue;
      }
      const valid = list.filter((h): h is string => typeof h === 'string' && SHA256_HEX_PATTERN.test(h));
      if (valid.length === 0) {
        continue;
      }
      const rec = isRecord(records) ? records[id] : undefined;
      const datasource =
        isRecord(rec) &&
        typeof rec.orgId === 'number' &&
        typeof rec.datasourceId === 'number' &&
        typeof rec.version === 'number'
          ? { orgId: rec.orgId, datasourceId: rec.datasourceId, version: rec.version }
          : undefined;
      out[scope][id] = { hashes: valid, ...(datasource ? { datasource } : {}) };
    }
  }
  return out;
}

/** Pure: jsonData with the entry of `id` replaced (or removed when `entry` is undefined); other keys kept. */
export function withTokenEntry(
  jsonData: Record<string, unknown> | null | undefined,
  scope: TokenScope,
  id: string,
  entry: TokenEntry | undefined
): Record<string, unknown> {
  const keys = TOKEN_KEYS[scope];
  const hashes = { ...(isRecord(jsonData?.[keys.hashes]) ? (jsonData![keys.hashes] as object) : {}) } as Record<
    string,
    unknown
  >;
  const records = {
    ...(isRecord(jsonData?.[keys.datasources]) ? (jsonData![keys.datasources] as object) : {}),
  } as Record<string, unknown>;
  delete hashes[id];
  delete records[id];
  if (entry) {
    hashes[id] = entry.hashes;
    if (entry.datasource) {
      records[id] = entry.datasource;
    }
  }
  // Sorted by id: the stored settings do not depend on the order tenants were applied in.
  return { ...(jsonData ?? {}), [keys.hashes]: sortedByKey(hashes), [keys.datasources]: sortedByKey(records) };
}

const sortedByKey = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));

/**
 * Read-modify-write of one entry in the provisioning org's app settings (2 calls, through
 * appJsonData.ts, which keeps every other key and serialises writers of the same org); `update`
 * gets the entry as stored now.
 */
export function writeTokenEntry(
  api: TenancyApi,
  registryOrgId: number,
  scope: TokenScope,
  id: string,
  update: (current: TokenEntry | undefined) => TokenEntry | undefined
): Promise<void> {
  return patchAppJsonData(api, registryOrgId, (jsonData) =>
    withTokenEntry(jsonData, scope, id, update(readTokenRegistry(jsonData)[scope][id]))
  );
}
