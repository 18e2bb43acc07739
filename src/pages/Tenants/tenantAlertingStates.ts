/**
 * Per tenant, what the plan says about its alerting (rule groups and rule counts, contact points,
 * the default policy, pending changes) and when alerting last changed according to the audit
 * trail. Pure: the plan is read from live Grafana, the audit trail from the app settings.
 */
import type { AuditEntry, Plan, PlanStep } from '../../tenancy';

const ALERTING_KINDS = new Set<PlanStep['kind']>(['contact-point', 'notification-policy', 'alert-rule-group']);

export interface AlertingStateRow {
  tenantId: string;
  /** `name (N rule(s))` per managed rule group the spec keeps. */
  ruleGroups: string[];
  rules: number;
  contactPoints: string[];
  /** `receiver "x"`, `not managed`, or the pending action. */
  policy: string;
  /** Steps still to apply (create/update/orphaned) and conflicts. */
  pending: number;
  conflicts: number;
  lastChange?: { at: string; who: string; status: string };
}

const quoted = (target: string) => /"(.*)"/.exec(target)?.[1] ?? target;

export function alertingStates(plan: Plan | undefined, audit: AuditEntry[]): AlertingStateRow[] {
  if (!plan) {
    return [];
  }
  return plan.tenants
    .map((t) => ({ tenantId: t.tenantId, steps: t.steps.filter((s) => ALERTING_KINDS.has(s.kind)) }))
    .filter((t) => t.steps.length > 0)
    .map(({ tenantId, steps }) => {
      const kept = steps.filter((s) => s.action !== 'orphaned');
      const groups = kept.filter((s) => s.kind === 'alert-rule-group');
      const counts = groups.map((g) => Number(/^(\d+) rule/.exec(g.message ?? '')?.[1] ?? 0));
      const policy = steps.find((s) => s.kind === 'notification-policy');
      return {
        tenantId,
        ruleGroups: groups.map((g, i) => `${quoted(g.target)} (${counts[i]} rule(s))`),
        rules: counts.reduce((a, b) => a + b, 0),
        contactPoints: kept.filter((s) => s.kind === 'contact-point').map((s) => quoted(s.target)),
        policy: !policy
          ? 'not managed'
          : policy.action === 'unchanged'
            ? (policy.message ?? 'managed')
            : `${policy.action}${policy.message ? `: ${policy.message}` : ''}`,
        pending: steps.filter((s) => s.action === 'create' || s.action === 'update' || s.action === 'orphaned').length,
        conflicts: steps.filter((s) => s.action === 'conflict').length,
        lastChange: lastAlertingChange(audit, tenantId),
      };
    });
}

function lastAlertingChange(audit: AuditEntry[], tenantId: string): AlertingStateRow['lastChange'] {
  for (let i = audit.length - 1; i >= 0; i--) {
    const entry = audit[i];
    const changes = Array.isArray(entry?.changes) ? entry.changes : [];
    if (changes.some((c) => c?.tenantId === tenantId && ALERTING_KINDS.has(c.kind as PlanStep['kind']))) {
      const status = (Array.isArray(entry.tenants) ? entry.tenants : []).find((t) => t.tenantId === tenantId)?.status;
      return { at: String(entry.at ?? ''), who: String(entry.who ?? '(unknown)'), status: status ?? 'unknown' };
    }
  }
  return undefined;
}
