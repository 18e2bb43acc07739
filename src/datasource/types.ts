import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

/** The plugin id of the wrapper; also in ./plugin.json. */
export const WRAPPER_PLUGIN_ID = 'mtlabs-tenantwrapper-datasource';

/** Grafana's plugin id of the core Prometheus data source (an accepted target type). */
export const PROMETHEUS_TYPE = 'prometheus';

/** Grafana's plugin id of the core Loki data source (an accepted target type). */
export const LOKI_TYPE = 'loki';

/**
 * Which engine and APIs the wrapper uses, chosen by the target data source's type as Grafana's
 * data source registry reports it — never by anything in a query.
 */
export type TargetKind = typeof PROMETHEUS_TYPE | typeof LOKI_TYPE;

export const TARGET_TYPES: readonly TargetKind[] = [PROMETHEUS_TYPE, LOKI_TYPE];

/** Label Prometheus agents stamp as an external label (see the product brief). */
export const DEFAULT_TENANT_LABEL = 'tenant';

/** How a Grafana team name maps to tenant values when no explicit row names the team. */
export type TeamConvention = 'none' | 'team-name' | 'strip-prefix';

/** One explicit row of the team → tenant mapping. */
export interface TeamMappingRow {
  /** Grafana team name, exact (team names are unique per org: CONTRACT.md §10). */
  team: string;
  /** Tenant label values the team's members may see. */
  values: string[];
}

/**
 * One mapped team as Grafana returned it when the tenancy app applied the spec (interfaces §3):
 * matched against the user's `/api/user/teams` entries by uid, or by numeric id — never by name,
 * which team admins can change and editors may choose for new teams.
 */
export interface TeamTenantRow {
  uid?: string;
  id?: number;
  values: string[];
}

/** jsonData of the wrapper data source (everything is non-secret configuration). */
export interface WrapperOptions extends DataSourceJsonData {
  /** uid of the Prometheus or Loki data source every rewritten request goes to. */
  targetUid?: string;
  /** Label that carries the tenant; default `tenant`. */
  tenantLabel?: string;
  teamMappings?: TeamMappingRow[];
  convention?: TeamConvention;
  /** Prefix removed from team names when `convention` is `strip-prefix`. */
  conventionPrefix?: string;
  /** Reject queries that already name the tenant label instead of overriding the matcher. */
  errorOnReplace?: boolean;
  /** Written by tenancy apply for a spec-managed shared org. */
  teamTenants?: TeamTenantRow[];
  /**
   * Set by tenancy apply: the org's mapped teams are created and owned by the spec. Only then may
   * the name conventions (`team-name`, `strip-prefix`) apply; otherwise anyone who can create a team
   * could name it after a tenant and claim that tenant's data.
   */
  teamsManagedBySpec?: boolean;
}

/**
 * A wrapper query. Its fields mirror the target's query model (Prometheus or Loki) so that the
 * query can be forwarded to the target with only `expr` and `datasource` changed.
 */
export interface WrapperQuery extends DataQuery {
  expr: string;
  legendFormat?: string;
  interval?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  exemplar?: boolean;
  /** Legacy Prometheus annotation fields. */
  titleFormat?: string;
  textFormat?: string;
  tagKeys?: string;
  step?: string;
  /** Loki: `range`, `instant` or `stream` (grafana/grafana public/app/plugins/datasource/loki/types.ts). */
  queryType?: string;
  /** Loki: line limit of a log query. */
  maxLines?: number;
  /** Loki: `backward`, `forward` or `scan`. */
  direction?: string;
  [extra: string]: unknown;
}

export const DEFAULT_QUERY: Partial<WrapperQuery> = { expr: '', range: true, instant: false };

export const DEFAULT_LOKI_QUERY: Partial<WrapperQuery> = { expr: '', queryType: 'range' };

/** The options with defaults applied; what the runtime code reads. */
export interface WrapperSettings {
  targetUid: string;
  tenantLabel: string;
  teamMappings: TeamMappingRow[];
  convention: TeamConvention;
  conventionPrefix: string;
  errorOnReplace: boolean;
  teamTenants: TeamTenantRow[];
  teamsManagedBySpec: boolean;
}

export function settingsFromJsonData(jsonData: WrapperOptions | undefined): WrapperSettings {
  const d = jsonData ?? {};
  return {
    targetUid: (d.targetUid ?? '').trim(),
    tenantLabel: (d.tenantLabel ?? '').trim() || DEFAULT_TENANT_LABEL,
    teamMappings: Array.isArray(d.teamMappings) ? d.teamMappings : [],
    convention: d.convention ?? 'none',
    conventionPrefix: d.conventionPrefix ?? '',
    errorOnReplace: d.errorOnReplace ?? false,
    teamTenants: Array.isArray(d.teamTenants) ? d.teamTenants : [],
    teamsManagedBySpec: d.teamsManagedBySpec === true,
  };
}
