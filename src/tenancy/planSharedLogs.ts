/**
 * Logs in a shared org (pure), when the spec gives `logsProxyUrl`: a Loki data source pointing at
 * the org's ID-token proxy in Loki mode, authenticated like the Prometheus one with a Grafana→proxy
 * secret of its own (scope `shared-org-logs`; the team mapping file lists both hashes), and a
 * second wrapper (`Tenant logs (<org>)`) targeting it. Every other Loki data source in the org is a
 * conflict: any member could query Loki around the ID-token wall.
 */
import { desiredSharedLogsDatasource, LOKI_TYPE } from './desiredLogs';
import { jsonDataMarkerTenant, logsDatasourceUid, logsWrapperUid } from './naming';
import { planDatasource } from './planDatasource';
import { planToken, type TokenPlanContext } from './planTokens';
import { makeStep, type PlanStep, type StepContext } from './planTypes';
import { planWrapper } from './planWrapper';
import type { SharedOrgSpec, TenantSpec } from './spec';
import { desiredWrapperBody } from './wrapperDatasource';

/** Uids of the org's logs objects (siblings of its Prometheus data source), when it has logs. */
export const sharedLogsUids = (shared: SharedOrgSpec): string[] =>
  shared.logsProxyUrl !== undefined ? [logsDatasourceUid(shared.id), logsWrapperUid(shared.id)] : [];

export function planSharedLogs(
  spec: TenantSpec,
  shared: SharedOrgSpec,
  ctx: StepContext,
  tokens: TokenPlanContext
): PlanStep[] {
  if (shared.logsProxyUrl === undefined) {
    return [];
  }
  const want = desiredSharedLogsDatasource({ ...shared, logsProxyUrl: shared.logsProxyUrl });
  const org = ctx.org;
  const live = org?.contents?.managedLogsDatasource;
  const datasourceSteps = [
    ...foreignLokiConflicts(shared, ctx),
    ...planDatasource({ datasource: want }, ctx, { detail: live, reportOrphans: false }),
  ];
  return [
    ...datasourceSteps,
    ...planToken({ scope: 'shared-org-logs', id: shared.id, datasource: want, org, live, datasourceSteps }, tokens),
    ...planWrapper(shared, ctx, desiredWrapperBody(shared.id, shared.orgName, want.body.uid, spec.label, 'logs')),
  ];
}

function foreignLokiConflicts(shared: SharedOrgSpec, ctx: StepContext): PlanStep[] {
  return (ctx.org?.contents?.datasources ?? [])
    .filter((d) => d.type === LOKI_TYPE && jsonDataMarkerTenant(d.jsonData) !== shared.id)
    .map((d) =>
      makeStep(shared.id, 'datasource', 'conflict', `data source "${d.name}"`, [], null, {
        message: `Loki data source "${d.name}" (uid ${d.uid}, ${d.url}) in a shared org: every member of the org can query it directly, around the ID-token proxy`,
        fix: `delete it from org "${shared.orgName}" (or move it to a tenant org); in a shared org only the managed data source may reach Loki`,
      })
    );
}
