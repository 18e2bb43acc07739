/**
 * The alerting slice of the TenancyApi port: Grafana's alerting provisioning API in one org (the
 * org named per call, like every org-scoped call). Implemented by grafanaAdapter.ts over
 * src/grafana-api GrafanaAlertingApi.
 */
import type {
  AlertRuleGroup,
  EmbeddedContactPoint,
  NotificationRoute,
  ProvisionedAlertRule,
} from '../grafana-api/alertingTypes';

export type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute, ProvisionedAlertRule };

export interface AlertingPort {
  listAlertRules(orgId: number): Promise<ProvisionedAlertRule[]>;
  /** Undefined when the group does not exist (404). */
  getRuleGroup(orgId: number, folderUid: string, group: string): Promise<AlertRuleGroup | undefined>;
  putRuleGroup(orgId: number, folderUid: string, group: string, body: AlertRuleGroup): Promise<void>;
  deleteAlertRule(orgId: number, uid: string): Promise<void>;
  listContactPoints(orgId: number): Promise<EmbeddedContactPoint[]>;
  createContactPoint(orgId: number, cp: EmbeddedContactPoint): Promise<void>;
  updateContactPoint(orgId: number, uid: string, cp: EmbeddedContactPoint): Promise<void>;
  deleteContactPoint(orgId: number, uid: string): Promise<void>;
  getPolicyTree(orgId: number): Promise<NotificationRoute>;
  putPolicyTree(orgId: number, tree: NotificationRoute): Promise<void>;
  resetPolicyTree(orgId: number): Promise<void>;
}
