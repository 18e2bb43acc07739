/**
 * The write operations of alerting steps and their execution (called by applyOps.runOp). Each op
 * is idempotent or adopts on "already exists", so a re-run after a crash converges:
 * - a rule group PUT replaces the whole group atomically (the planner puts unmanaged rules in the
 *   way as conflicts and keeps managed rules the spec dropped until prune);
 * - a contact point create that finds our uid already there (lost response) becomes an update;
 * - deletions ignore 404.
 */
import type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute } from './alertingPorts';
import { errorMessage, errorStatus, type TenancyApi } from './ports';

export type AlertingOp =
  /** `secretKeys`: keys of `body.settings` holding secrets (redacted in stored plans). */
  | { type: 'createContactPoint'; body: EmbeddedContactPoint; secretKeys: string[] }
  | { type: 'updateContactPoint'; body: EmbeddedContactPoint; secretKeys: string[] }
  | { type: 'deleteContactPoint'; uid: string }
  | { type: 'putPolicyTree'; tree: NotificationRoute }
  | { type: 'resetPolicyTree' }
  | { type: 'putRuleGroup'; body: AlertRuleGroup }
  | { type: 'deleteAlertRules'; uids: string[] };

const ALERTING_OP_TYPES = new Set<string>([
  'createContactPoint',
  'updateContactPoint',
  'deleteContactPoint',
  'putPolicyTree',
  'resetPolicyTree',
  'putRuleGroup',
  'deleteAlertRules',
]);

export function isAlertingOp(op: { type: string }): op is AlertingOp {
  return ALERTING_OP_TYPES.has(op.type);
}

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

export class AlertingStepError extends Error {
  constructor(
    message: string,
    readonly fix: string
  ) {
    super(message);
    this.name = 'AlertingStepError';
  }
}

export async function runAlertingOp(api: TenancyApi, orgId: number, op: AlertingOp, call: Call): Promise<void> {
  switch (op.type) {
    case 'createContactPoint':
      try {
        await call(() => api.createContactPoint(orgId, op.body));
      } catch (err) {
        const status = errorStatus(err);
        if (status !== 400 && status !== 409) {
          throw err;
        }
        // Our own earlier create may have succeeded with its response lost: the uid is ours.
        const existing = (await api.listContactPoints(orgId)).find((cp) => cp.uid === op.body.uid);
        if (!existing) {
          throw err;
        }
        await call(() => api.updateContactPoint(orgId, op.body.uid, op.body));
      }
      return;
    case 'updateContactPoint':
      return call(() => api.updateContactPoint(orgId, op.body.uid, op.body));
    case 'deleteContactPoint':
      try {
        await call(() => api.deleteContactPoint(orgId, op.uid));
      } catch (err) {
        if (errorStatus(err) === 404) {
          return;
        }
        if (errorStatus(err) === 409 || errorStatus(err) === 400) {
          throw new AlertingStepError(
            `contact point ${op.uid} is still used by a notification policy (${errorMessage(err)})`,
            'point the policies that use it to another contact point (or reset the policy tree), then apply with prune again'
          );
        }
        throw err;
      }
      return;
    case 'putPolicyTree':
      return call(() => api.putPolicyTree(orgId, op.tree));
    case 'resetPolicyTree':
      return call(() => api.resetPolicyTree(orgId));
    case 'putRuleGroup':
      return call(() => api.putRuleGroup(orgId, op.body.folderUid, op.body.title, op.body));
    case 'deleteAlertRules':
      for (const uid of op.uids) {
        try {
          await call(() => api.deleteAlertRule(orgId, uid));
        } catch (err) {
          if (errorStatus(err) !== 404) {
            throw err;
          }
        }
      }
      return;
  }
}
