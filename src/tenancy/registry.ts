/**
 * The ownership registry: which org belongs to which tenant, authoritative.
 *
 * Why not the marker in the tenant org: that marker lives in the tenant org's app plugin settings,
 * and `plugins:write` is granted to every org Admin there (`fixed:plugins:writer`; CONTRACT "Found
 * against Grafana's source"). A tenant user who is org Admin could rewrite `tenantId` to another
 * tenant and make the planner write that tenant's data source (its tenant header) into their org.
 * The registry therefore lives in the app settings of the *provisioning* org (the org the admin
 * page runs in, or the CLI's `--provisioning-org`), where tenant users have no role, keyed by org
 * id: `jsonData.registry = { "<orgId>": { "tenantId": "<tenant>" } }`. Markers in tenant orgs stay
 * as cross-checks: any disagreement is a conflict in the plan, never an adoption.
 *
 * Read by observe (readRegistry), written only by apply (registerOrg / unregisterOrg), always with
 * the other jsonData keys kept (audit log, token hashes, saved spec; appJsonData.ts).
 */
import { patchAppJsonData } from './appJsonData';
import { TENANT_ID_PATTERN } from './naming';
import type { TenancyApi } from './ports';

export const REGISTRY_KEY = 'registry';

export interface RegistryEntry {
  orgId: number;
  tenantId: string;
}

export interface Registry {
  /** The org whose app settings hold the registry. */
  orgId: number;
  /** False when the key is absent: an install provisioned before the registry existed (or none yet). */
  present: boolean;
  entries: RegistryEntry[];
  /** Set when the registry could not be read or is malformed: every tenant is then blocked. */
  error?: string;
}

/** Parses `jsonData.registry`; malformed content is an error (fail closed), never ignored. */
export function readRegistry(orgId: number, jsonData: Record<string, unknown> | null | undefined): Registry {
  const raw = jsonData?.[REGISTRY_KEY];
  if (raw === undefined) {
    return { orgId, present: false, entries: [] };
  }
  const bad = (what: string): Registry => ({
    orgId,
    present: true,
    entries: [],
    error: `the ownership registry (app settings jsonData.${REGISTRY_KEY} in org ${orgId}) is malformed: ${what}`,
  });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return bad('expected an object keyed by org id');
  }
  const entries: RegistryEntry[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const tenantId = (value as { tenantId?: unknown } | null)?.tenantId;
    if (!/^[1-9]\d*$/.test(key)) {
      return bad(`key "${key}" is not an org id`);
    }
    if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
      return bad(`org ${key} has no valid tenantId`);
    }
    entries.push({ orgId: Number(key), tenantId });
  }
  return { orgId, present: true, entries: entries.sort((a, b) => a.orgId - b.orgId) };
}

/** An unreadable registry org: every tenant is blocked until it can be read. */
export function unreadableRegistry(orgId: number, reason: string): Registry {
  return {
    orgId,
    present: false,
    entries: [],
    error: `the ownership registry in org ${orgId} could not be read: ${reason}`,
  };
}

export const registeredOrgsOf = (registry: Registry, tenantId: string): number[] =>
  registry.entries.filter((e) => e.tenantId === tenantId).map((e) => e.orgId);

export const registeredTenantOf = (registry: Registry, orgId: number): string | undefined =>
  registry.entries.find((e) => e.orgId === orgId)?.tenantId;

/** Pure: jsonData with `orgId` recorded for `tenantId` (or removed when tenantId is undefined). */
export function withRegistryEntry(
  jsonData: Record<string, unknown>,
  orgId: number,
  tenantId: string | undefined
): Record<string, unknown> {
  const current = jsonData[REGISTRY_KEY];
  const map: Record<string, unknown> =
    current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as object) } : {};
  if (tenantId === undefined) {
    delete map[String(orgId)];
  } else {
    map[String(orgId)] = { tenantId };
  }
  return { ...jsonData, [REGISTRY_KEY]: map };
}

/** Records `orgId` as the org of `tenantId` in the registry held by `registryOrgId`; 2 calls. */
export function registerOrg(api: TenancyApi, registryOrgId: number, orgId: number, tenantId: string): Promise<void> {
  return patchAppJsonData(api, registryOrgId, (jsonData) => withRegistryEntry(jsonData, orgId, tenantId));
}

/** Removes the registry entry of `orgId` (deleted org, stale entry); 2 calls. */
export function unregisterOrg(api: TenancyApi, registryOrgId: number, orgId: number): Promise<void> {
  return patchAppJsonData(api, registryOrgId, (jsonData) => withRegistryEntry(jsonData, orgId, undefined));
}
