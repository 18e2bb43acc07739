/**
 * The alerting slice of the TenancyApi port over src/grafana-api GrafanaAlertingApi. Writes are
 * not retried by the client (applyPlan retries them, with adoption on "already exists").
 */
import { GrafanaAlertingApi, isGrafanaApiError, type GrafanaApi } from '../grafana-api';
import type { AlertingPort } from './alertingPorts';

const NO_CLIENT_WRITE_RETRY = { retrySafe: false };

export function alertingPortFromGrafana(api: GrafanaApi): AlertingPort {
  const alerting = new GrafanaAlertingApi(api);
  return {
    listAlertRules: (orgId) => alerting.listAlertRules(orgId),
    getRuleGroup: async (orgId, folderUid, group) => {
      try {
        return await alerting.getRuleGroup(orgId, folderUid, group);
      } catch (err) {
        if (isGrafanaApiError(err) && err.status === 404) {
          return undefined;
        }
        throw err;
      }
    },
    putRuleGroup: async (orgId, folderUid, group, body) => {
      await alerting.putRuleGroup(orgId, folderUid, group, body, NO_CLIENT_WRITE_RETRY);
    },
    deleteAlertRule: (orgId, uid) => alerting.deleteAlertRule(orgId, uid, NO_CLIENT_WRITE_RETRY),
    listContactPoints: (orgId) => alerting.listContactPoints(orgId),
    createContactPoint: async (orgId, cp) => {
      await alerting.createContactPoint(orgId, cp, NO_CLIENT_WRITE_RETRY);
    },
    updateContactPoint: (orgId, uid, cp) => alerting.updateContactPoint(orgId, uid, cp, NO_CLIENT_WRITE_RETRY),
    deleteContactPoint: (orgId, uid) => alerting.deleteContactPoint(orgId, uid, NO_CLIENT_WRITE_RETRY),
    getPolicyTree: (orgId) => alerting.getPolicyTree(orgId),
    putPolicyTree: (orgId, tree) => alerting.putPolicyTree(orgId, tree, NO_CLIENT_WRITE_RETRY),
    resetPolicyTree: async (orgId) => {
      await alerting.resetPolicyTree(orgId, NO_CLIENT_WRITE_RETRY);
    },
  };
}
