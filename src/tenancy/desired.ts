/**
 * Spec → the exact Grafana objects a tenant should have (pure). The planner compares these with
 * live state field by field, so everything here is in the shape Grafana returns it.
 */
import {
  datasourceUid,
  defaultDatasourceName,
  defaultFolderTitle,
  folderUid,
  MANAGED_BY,
  teamMarkerEmail,
} from './naming';
import { lbacHeaders, POLICY_RULES_KEY } from './planPolicy';
import type { DataSourceBody } from './ports';
import { hasOwnRules } from './specPolicies';
import type { DatasourceSpec, FolderPermission, OrgRole, TenantSpec, TenantSpecEntry } from './spec';

/** Token mode: Grafana sends `Authorization: Bearer <token>` (interfaces §1). */
export const TOKEN_HEADER_NAME = 'Authorization';
export const TOKEN_HEADER_VALUE_KEY = 'httpHeaderValue1';

export const FOLDER_PERMISSION_LEVEL: Record<FolderPermission, number> = { View: 1, Edit: 2, Admin: 4 };
/** Team member permission values of the teams API (CONTRACT §5.3). */
export const TEAM_PERMISSION = { Member: 0, Admin: 4 } as const;

export interface DesiredUser {
  /** login or email as written in the spec. */
  key: string;
  role: OrgRole;
}

export interface DesiredTeam {
  name: string;
  email: string;
  members: Array<{ key: string; permission: number }>;
  folderPermission: number;
}

export interface DesiredDatasource {
  body: DataSourceBody;
  /** Secrets the planner may need to (re-)send; never shown, never stored in the plan diff. */
  secrets: Record<string, string>;
  /** Secret keys whose value the spec does not carry (kept as stored; must already be set). */
  secretsKeptAsStored: string[];
}

export interface DesiredTenant {
  tenantId: string;
  orgName: string;
  users: DesiredUser[];
  teams: DesiredTeam[];
  datasource: DesiredDatasource;
  folder: { uid: string; title: string };
  /** Role entries of the tenant folder; team entries come from `teams[].folderPermission`. */
  folderRoles: Array<{ role: string; permission: number }>;
  app: { enabled: boolean; pinned: boolean; marker: { managedBy: string; tenantId: string; sharedOrg?: true } };
}

export function desiredTenant(spec: TenantSpec, tenant: TenantSpecEntry): DesiredTenant {
  return {
    tenantId: tenant.id,
    orgName: tenant.orgName,
    users: desiredUsers(spec, tenant),
    teams: tenant.teams.map((team) => ({
      name: team.name,
      email: teamMarkerEmail(tenant.id),
      members: team.members.map((m) => ({
        key: (m.login ?? m.email)!,
        permission: TEAM_PERMISSION[m.role ?? 'Member'],
      })),
      folderPermission: FOLDER_PERMISSION_LEVEL[team.folderPermission],
    })),
    datasource: desiredDatasource(spec, tenant),
    folder: { uid: folderUid(tenant.id), title: defaultFolderTitle(tenant.orgName) },
    // Grafana's defaults for a new folder; teams add their own entries on top.
    folderRoles: [
      { role: 'Editor', permission: 2 },
      { role: 'Viewer', permission: 1 },
    ],
    app: { enabled: tenant.dashboards, pinned: true, marker: { managedBy: MANAGED_BY, tenantId: tenant.id } },
  };
}

/** orgRoles win; team members not listed there get the default member role. */
function desiredUsers(spec: TenantSpec, tenant: TenantSpecEntry): DesiredUser[] {
  const byKey = new Map<string, DesiredUser>();
  for (const team of tenant.teams) {
    for (const m of team.members) {
      const key = (m.login ?? m.email)!;
      if (!byKey.has(key.toLowerCase())) {
        byKey.set(key.toLowerCase(), { key, role: spec.defaults.memberOrgRole });
      }
    }
  }
  for (const [key, role] of Object.entries(tenant.orgRoles)) {
    byKey.set(key.toLowerCase(), { key, role });
  }
  return [...byKey.values()];
}

/**
 * The tenant's Prometheus data source. The tenant value is always attached server-side by
 * Grafana: as a custom query parameter (`jsonData.customQueryParameters`, appended by the
 * Prometheus data source to query URLs — Grafana docs "Configure the Prometheus data source",
 * Misc → Custom query parameters) or as a custom header (`httpHeaderName1` +
 * `secureJsonData.httpHeaderValue1`, CONTRACT §7.1).
 */
export function desiredDatasource(spec: TenantSpec, tenant: TenantSpecEntry): DesiredDatasource {
  const ds = tenant.datasource;
  const jsonData: Record<string, unknown> = { managedBy: MANAGED_BY, tenantId: tenant.id };
  const secrets: Record<string, string> = {};
  const kept: string[] = [];
  const header = tenantHeader(ds, tenant.labelValues);
  if (hasOwnRules(tenant)) {
    jsonData[POLICY_RULES_KEY] = [...tenant.rules];
  }
  if (ds.mode === 'mimir-lbac') {
    const headers = lbacHeaders(ds.scopeOrgId, tenant.rules);
    headers.forEach((h, i) => {
      jsonData[`httpHeaderName${i + 1}`] = h.name;
      secrets[`httpHeaderValue${i + 1}`] = h.value;
    });
    // Not secret from the org (its own policy); lets the planner see when the spec changed it.
    jsonData.managedSecretFingerprint = fingerprint(headers.map((h) => `${h.name}=${h.value}`).join('\n'));
  } else if (ds.mode === 'proxy' && ds.tenantVia === 'token') {
    // The value (`Bearer <token>`) is generated by apply and sent by the token step (planTokens.ts);
    // the data source step never carries it, and Grafana keeps an unsent secret (CONTRACT §7.1).
    jsonData.httpHeaderName1 = TOKEN_HEADER_NAME;
  } else if (header) {
    jsonData.httpHeaderName1 = header.name;
    secrets.httpHeaderValue1 = header.value;
    // The header value is the tenant's own label value(s): not secret from the org, so its
    // fingerprint may sit in jsonData and lets the planner see when the spec changed it.
    jsonData.managedSecretFingerprint = fingerprint(`${header.name}=${header.value}`);
  } else if (ds.mode === 'proxy' && ds.tenantVia === 'query-param') {
    const param = ds.paramName ?? spec.label;
    jsonData.customQueryParameters = tenant.labelValues
      .map((v) => `${encodeURIComponent(param)}=${encodeURIComponent(v)}`)
      .join('&');
  }
  if (ds.basicAuth) {
    if (ds.basicAuth.password !== undefined) {
      secrets.basicAuthPassword = ds.basicAuth.password;
    } else {
      kept.push('basicAuthPassword');
    }
  }
  return {
    body: {
      uid: datasourceUid(tenant.id),
      name: ds.name ?? defaultDatasourceName(tenant.id),
      type: 'prometheus',
      access: 'proxy',
      url: ds.url,
      isDefault: true,
      basicAuth: ds.basicAuth !== undefined,
      basicAuthUser: ds.basicAuth?.user ?? '',
      jsonData,
    },
    secrets,
    secretsKeptAsStored: kept,
  };
}

function tenantHeader(ds: DatasourceSpec, values: string[]): { name: string; value: string } | undefined {
  if (ds.mode === 'mimir') {
    // Mimir tenant federation: several tenant ids joined by '|'.
    return { name: 'X-Scope-OrgID', value: values.join('|') };
  }
  if (ds.mode === 'proxy' && ds.tenantVia === 'header') {
    // prom-label-proxy reads one value per header line, or a ','-list with -header-uses-list-syntax.
    return { name: ds.headerName, value: values.join(',') };
  }
  return undefined;
}

/** FNV-1a 32-bit, hex: a change detector, not a security hash (used only on non-secret values). */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
