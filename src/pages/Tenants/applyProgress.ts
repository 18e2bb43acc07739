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
