/** Public API of the tenancy module (spec → live state → plan → apply), for the admin page and the CLI. */
export {
  parseTenantSpec,
  validateTenantSpec,
  stripSpecSecrets,
  tenantSpecSchema,
  ORG_ROLES,
  TEAM_ROLES,
  FOLDER_PERMISSIONS,
} from './spec';
export type {
  TenantSpec,
  TenantSpecEntry,
  TeamSpec,
  TeamMemberSpec,
  DatasourceSpec,
  SsoGroupSpec,
  SpecError,
  ParseSpecResult,
  OrgRole,
  TeamRole,
  FolderPermission,
} from './spec';
export { readLiveState } from './observe';
export type { LiveState, LiveOrg, LiveTeam, ReadOptions } from './observe';
export { planTenants } from './plan';
export type { PlanOptions } from './plan';
export { redactPlan, summarise } from './planTypes';
export type {
  Plan,
  TenantPlan,
  PlanStep,
  PlanSummary,
  StepAction,
  StepKind,
  FieldDiff,
  WriteOp,
  TeamRef,
} from './planTypes';
export { applyPlan } from './apply';
export type { ApplyOptions, ApplyProgress, ApplyResult, TenantStatus, StepStatus } from './apply';
export { renderOAuthOrgMapping } from './oauth';
export type { OAuthMapping, OAuthOptions, OrgMappingEntry } from './oauth';
export { appendAuditEntry, readAuditLog, recordAudit, AUDIT_LIMIT, AUDIT_KEY } from './audit';
export type { AuditEntry, AuditChange } from './audit';
export { APP_PLUGIN_ID, MANAGED_BY, datasourceUid, folderUid, teamMarkerEmail } from './naming';
export type { TenancyApi } from './ports';
export { tenancyApiFromGrafana } from './grafanaAdapter';
export { formatPlan, formatApplyResult } from './format';
export { readProxyFiles, renderTeamMappingFile, renderTenantTokensFile, tenantTokensFile } from './proxyFiles';
export type { ProxyFiles, SharedOrgMappingResult, TeamMappingFile, TenantTokensFile } from './proxyFiles';
export { readTokenRegistry } from './tokenRegistry';
export type { TokenRegistry, TokenEntry, TokenScope } from './tokenRegistry';
export type { SharedOrgSpec, SharedTeamSpec } from './spec';
