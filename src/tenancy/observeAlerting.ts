/**
 * Reads a tenant org's alerting objects for the planner: all alert rules of the org (one call,
 * they carry folder, group and provenance), the contact points, the policy tree, and — only for
 * the spec's groups that exist — the group itself (the rule list has no group interval). Three
 * reads plus one per existing managed group; nothing when the tenant has alerting off and the org
 * never had managed alerting (app settings marker `alertingManaged`).
 */
import { BUNDLED_GROUP_NAME } from './bundledRules';
import type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute, ProvisionedAlertRule } from './alertingPorts';
import { folderUid } from './naming';
import type { TenancyApi } from './ports';
import type { AlertingSpec } from './specAlerting';

export interface LiveAlerting {
  rules: ProvisionedAlertRule[];
  /** Groups of the spec that exist in the tenant folder, keyed by title. */
  groups: Map<string, AlertRuleGroup>;
  contactPoints: EmbeddedContactPoint[];
  policy: NotificationRoute;
}

/** The app-settings jsonData key telling that alerting objects were managed in this org. */
export const ALERTING_MARKER_KEY = 'alertingManaged';

export function shouldReadAlerting(
  alerting: AlertingSpec | undefined,
  appJsonData: Record<string, unknown> | null | undefined
) {
  return alerting?.enabled === true || appJsonData?.[ALERTING_MARKER_KEY] === true;
}

export async function readAlerting(
  api: TenancyApi,
  orgId: number,
  tenantId: string,
  alerting: AlertingSpec | undefined
): Promise<LiveAlerting> {
  const [rules, contactPoints, policy] = await Promise.all([
    api.listAlertRules(orgId),
    api.listContactPoints(orgId),
    api.getPolicyTree(orgId),
  ]);
  const folder = folderUid(tenantId);
  const wanted = alerting?.enabled
    ? [
        ...(Object.values(alerting.bundledRules).some((r) => r.enabled) ? [BUNDLED_GROUP_NAME] : []),
        ...alerting.ruleGroups.map((g) => g.name),
      ]
    : [];
  const existing = wanted.filter((g) => rules.some((r) => r.folderUID === folder && r.ruleGroup === g));
  const groups = new Map<string, AlertRuleGroup>();
  await Promise.all(
    existing.map(async (g) => {
      const group = await api.getRuleGroup(orgId, folder, g);
      if (group) {
        groups.set(g, group);
      }
    })
  );
  return { rules, groups, contactPoints, policy };
}
