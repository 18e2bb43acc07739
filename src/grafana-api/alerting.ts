/**
 * Typed calls of Grafana's alerting provisioning API in one org (the transport sends the org as
 * `X-Grafana-Org-Id`, like every org-scoped call of GrafanaApi). Status codes are the handlers'
 * (pkg/services/ngalert/api/api_provisioning.go @003dc77): rule create 201, rule/group update 200,
 * rule/group delete 204, contact point and policy writes 202.
 *
 * Provenance: we do NOT send `X-Disable-Provenance`. Without it Grafana stamps every object we
 * write with provenance `api` (`determineProvenance`), and the Grafana UI shows such objects as
 * "Provisioned" and refuses to edit or delete them — so tenant org Admins cannot change the rules,
 * contact points and default policy the spec manages (they stay free to add their own rules in
 * other folders). The price: the org's whole notification policy tree becomes read-only in the UI
 * while we manage it (`DELETE /api/v1/provisioning/policies` or removing the tenant's contact
 * points from the spec and pruning hands it back). Objects with provenance `file` cannot be
 * changed through this API at all; the planner reports them as conflicts.
 */
import type { CallOptions, GrafanaApi } from './client';
import type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute, ProvisionedAlertRule } from './alertingTypes';

const enc = encodeURIComponent;
const BASE = '/api/v1/provisioning';

export class GrafanaAlertingApi {
  constructor(private readonly api: GrafanaApi) {}

  /** Every alert rule of the org (all folders, all groups), with provenance. */
  listAlertRules(orgId: number): Promise<ProvisionedAlertRule[]> {
    return this.api.request('GET', `${BASE}/alert-rules`, { orgId });
  }
  /** 404 when the group does not exist. */
  getRuleGroup(orgId: number, folderUid: string, group: string): Promise<AlertRuleGroup> {
    return this.api.request('GET', `${BASE}/folder/${enc(folderUid)}/rule-groups/${enc(group)}`, { orgId });
  }
  /**
   * Replaces the whole group: rules whose uid exists are updated, new uids created, rules of the
   * group missing from `group.rules` deleted (AlertRuleService.ReplaceRuleGroup). Idempotent.
   */
  putRuleGroup(
    orgId: number,
    folderUid: string,
    group: string,
    body: AlertRuleGroup,
    opts: CallOptions = { retrySafe: true }
  ): Promise<AlertRuleGroup> {
    return this.api.request('PUT', `${BASE}/folder/${enc(folderUid)}/rule-groups/${enc(group)}`, {
      ...opts,
      orgId,
      body,
    });
  }
  deleteRuleGroup(orgId: number, folderUid: string, group: string, opts?: CallOptions): Promise<void> {
    return this.api.request('DELETE', `${BASE}/folder/${enc(folderUid)}/rule-groups/${enc(group)}`, {
      ...opts,
      orgId,
    });
  }
  createAlertRule(orgId: number, rule: ProvisionedAlertRule, opts?: CallOptions): Promise<ProvisionedAlertRule> {
    return this.api.request('POST', `${BASE}/alert-rules`, { ...opts, orgId, body: rule });
  }
  updateAlertRule(
    orgId: number,
    uid: string,
    rule: ProvisionedAlertRule,
    opts?: CallOptions
  ): Promise<ProvisionedAlertRule> {
    return this.api.request('PUT', `${BASE}/alert-rules/${enc(uid)}`, { ...opts, orgId, body: rule });
  }
  deleteAlertRule(orgId: number, uid: string, opts?: CallOptions): Promise<void> {
    return this.api.request('DELETE', `${BASE}/alert-rules/${enc(uid)}`, { ...opts, orgId });
  }

  /** Sorted by name; secure settings that are set read `[REDACTED]`. */
  listContactPoints(orgId: number): Promise<EmbeddedContactPoint[]> {
    return this.api.request('GET', `${BASE}/contact-points`, { orgId });
  }
  createContactPoint(orgId: number, cp: EmbeddedContactPoint, opts?: CallOptions): Promise<EmbeddedContactPoint> {
    return this.api.request('POST', `${BASE}/contact-points`, { ...opts, orgId, body: cp });
  }
  /** `[REDACTED]` in a secure setting keeps the stored value. */
  updateContactPoint(orgId: number, uid: string, cp: EmbeddedContactPoint, opts?: CallOptions): Promise<void> {
    return this.api.request('PUT', `${BASE}/contact-points/${enc(uid)}`, { ...opts, orgId, body: cp });
  }
  /** Refused while a notification policy routes to it. */
  deleteContactPoint(orgId: number, uid: string, opts?: CallOptions): Promise<void> {
    return this.api.request('DELETE', `${BASE}/contact-points/${enc(uid)}`, { ...opts, orgId });
  }

  getPolicyTree(orgId: number): Promise<NotificationRoute> {
    return this.api.request('GET', `${BASE}/policies`, { orgId });
  }
  /** Replaces the whole tree. Idempotent. */
  putPolicyTree(orgId: number, tree: NotificationRoute, opts: CallOptions = { retrySafe: true }): Promise<void> {
    return this.api.request('PUT', `${BASE}/policies`, { ...opts, orgId, body: tree });
  }
  /** Back to Grafana's default tree, provenance cleared. */
  resetPolicyTree(orgId: number, opts: CallOptions = { retrySafe: true }): Promise<NotificationRoute> {
    return this.api.request('DELETE', `${BASE}/policies`, { ...opts, orgId });
  }
}
