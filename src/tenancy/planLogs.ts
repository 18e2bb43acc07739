/**
 * Planning a tenant's Loki data source (pure), beside its Prometheus one: the data source
 * (planDatasource.ts, which never reports orphans from here: the Prometheus planner does that for
 * every marked data source nobody wants) and, in proxy (token) mode, its own bearer token
 * (planTokens.ts, scope `tenant-logs`, same issue/rotation/resume rules as the metrics token).
 */
import { desiredLogsDatasource } from './desiredLogs';
import { logsDatasourceUid } from './naming';
import type { LiveOrg } from './observe';
import { planDatasource } from './planDatasource';
import { planToken, type TokenPlanContext } from './planTokens';
import type { PlanStep, StepContext } from './planTypes';
import type { TenantSpecEntry } from './spec';

/** The uids of the tenant's Loki data source, if it has one: siblings of the Prometheus one. */
export const tenantLogsUids = (tenant: TenantSpecEntry): string[] =>
  tenant.logs ? [logsDatasourceUid(tenant.id)] : [];

export function planTenantLogs(
  tenant: TenantSpecEntry,
  ctx: StepContext,
  org: LiveOrg | undefined,
  tokens: TokenPlanContext
): PlanStep[] {
  const logs = tenant.logs;
  if (!logs) {
    return [];
  }
  if (logs.mode === 'loki-multitenant') {
    ctx.warnings.push(
      `loki-multitenant: the Loki data source sends X-Scope-OrgID "${logs.scopeOrgId}", which Loki believes unsigned, so Loki must be reachable only through Grafana (trusted network path). Prefer \`logs: { mode: proxy }\` (token mode).`
    );
  }
  const want = desiredLogsDatasource(tenant, logs);
  const live = org?.contents?.managedLogsDatasource;
  const datasourceSteps = planDatasource({ datasource: want }, ctx, {
    field: 'logs',
    detail: live,
    reportOrphans: false,
  });
  const tokenSteps =
    logs.mode === 'proxy'
      ? planToken({ scope: 'tenant-logs', id: tenant.id, datasource: want, org, live, datasourceSteps }, tokens)
      : [];
  return [...datasourceSteps, ...tokenSteps];
}
