/** Pure bookkeeping of applyPlan's progress events for the page (one value per tenant and step). */
import type { ApplyProgress, Plan, StepStatus, TenantStatus } from '../../tenancy';

export interface ProgressState {
  tenants: Record<string, TenantStatus>;
  steps: Record<string, { status: StepStatus; reason?: string }>;
}

export function initialProgress(plan: Plan): ProgressState {
  const state: ProgressState = { tenants: {}, steps: {} };
  for (const tenant of plan.tenants) {
    state.tenants[tenant.tenantId] = { state: 'pending' };
    for (const step of tenant.steps) {
      state.steps[step.id] = { status: 'pending' };
    }
  }
  return state;
}

export function reduceProgress(state: ProgressState, event: ApplyProgress): ProgressState {
  if (event.type === 'tenant') {
    return { ...state, tenants: { ...state.tenants, [event.tenantId]: event.status } };
  }
  return { ...state, steps: { ...state.steps, [event.stepId]: { status: event.status, reason: event.reason } } };
}

/** Counts for the progress bar: steps finished (done/skipped/failed) out of all steps. */
export function progressCounts(state: ProgressState): { finished: number; total: number } {
  const all = Object.values(state.steps);
  return { finished: all.filter((s) => s.status !== 'pending' && s.status !== 'running').length, total: all.length };
}

export interface ApplyOutcome {
  severity: 'success' | 'warning' | 'error';
  /** One line for beside the Apply button, e.g. "1 of 5 tenants failed: umbrella — fix: …". */
  headline: string;
  /** Each tenant that did not end `done`, with what to do. */
  problems: Array<{ tenantId: string; text: string }>;
}

/**
 * What an apply that has finished achieved, per tenant: the admin reads the outcome, not a step
 * counter ("21 of 21 steps finished" says nothing about the one tenant that failed). Undefined
 * while any tenant is still pending or applying.
 */
export function applyOutcome(state: ProgressState): ApplyOutcome | undefined {
  const entries = Object.entries(state.tenants);
  if (entries.length === 0 || entries.some(([, s]) => s.state === 'pending' || s.state === 'applying')) {
    return undefined;
  }
  const failed = entries.filter(([, s]) => s.state === 'failed');
  const needsPrune = entries.filter(([, s]) => s.state === 'needs-prune');
  const done = entries.length - failed.length - needsPrune.length;
  const problems = [
    ...failed.map(([tenantId, s]) => ({ tenantId, text: s.state === 'failed' ? `${s.error} — fix: ${s.fix}` : '' })),
    ...needsPrune.map(([tenantId]) => ({
      tenantId,
      text: 'no longer in the spec and not pruned: its org and objects are still there — fix: apply again with Prune to delete them, or put the tenant back in the spec',
    })),
  ];
  const of = `of ${entries.length} tenant${entries.length === 1 ? '' : 's'}`;
  if (failed.length > 0) {
    const [first] = failed;
    const firstFix = first[1].state === 'failed' ? first[1].fix : '';
    const names = failed.map(([id]) => id).join(', ');
    return {
      severity: 'error',
      headline: `${failed.length} ${of} failed: ${names} — fix: ${firstFix}${failed.length > 1 ? ' (see each tenant below)' : ''}`,
      problems,
    };
  }
  if (needsPrune.length > 0) {
    return {
      severity: 'warning',
      headline: `${done} ${of} done; ${needsPrune.length} left the spec and still exist: ${needsPrune.map(([id]) => id).join(', ')} — fix: apply with Prune to delete them`,
      problems,
    };
  }
  const headline = entries.length === 1 ? '1 tenant done' : `All ${entries.length} tenants done`;
  return { severity: 'success', headline, problems };
}
