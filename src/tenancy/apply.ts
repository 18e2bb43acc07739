/**
 * applyPlan: the only module of src/tenancy that writes to Grafana.
 *
 * - Tenants are applied one after another (or `concurrency` at a time); a failing tenant is marked failed (with the error and
 *   its fix) and the others continue. A blocked tenant (conflict steps) is not touched at all.
 * - Within a tenant the steps run in plan order; the first failing step stops that tenant.
 * - Orphaned steps (deletions) run only with `prune: true`; otherwise they are reported skipped.
 * - Resumable: nothing is kept between runs. Re-planning from live state after a crash or a closed
 *   tab yields exactly the steps still missing, because every object is found again by its
 *   deterministic name/uid and marker (naming.ts), and the org marker is written last.
 * - Retries 429/5xx with backoff per call (retry.ts). If the transport already retries, pass
 *   `retry: false` so the two do not multiply.
 */
import { GrafanaApiError } from '../grafana-api/errors';
import { recordAudit, type AuditChange, type AuditEntry } from './audit';
import { ApplyStepError, DEFAULT_DASHBOARD_POLL, runOp, type DashboardPoll, type OpContext } from './applyOps';
import type { Plan, PlanStep, TenantPlan } from './planTypes';
import { mapLimit } from './observe';
import { errorMessage, errorStatus, type TenancyApi } from './ports';
import type { RetryOptions } from './retry';

export type TenantStatus =
  | { state: 'pending' }
  | { state: 'applying' }
  | { state: 'done'; writes: number }
  /** A tenant that left the spec and was not pruned: its org and objects are still there. */
  | { state: 'needs-prune'; deletions: number }
  | { state: 'failed'; error: string; fix: string };

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export type ApplyProgress =
  | { type: 'tenant'; tenantId: string; status: TenantStatus }
  | { type: 'step'; tenantId: string; stepId: string; status: StepStatus; reason?: string };

export interface ApplyOptions {
  onProgress?: (event: ApplyProgress) => void;
  /** Confirms deletions of orphaned managed objects. */
  prune?: boolean;
  /** Stops between steps; tenants not started stay `pending`. */
  signal?: AbortSignal;
  /** Backoff for 429/5xx; `false` when the transport retries already. */
  retry?: RetryOptions | false;
  /** Tenants applied in parallel (default 1: one after another, steps of a tenant always in order). */
  concurrency?: number;
  /** How long to wait for the bundled dashboards after enabling the app (applyOps.ts). */
  dashboardPoll?: Partial<DashboardPoll>;
  /** Where to record the audit entry (the org the admin page runs in). Omit to skip auditing. */
  audit?: { orgId: number; now?: () => Date };
}

export interface ApplyResult {
  tenants: Record<string, TenantStatus>;
  steps: Record<string, StepStatus>;
  /** Number of write steps executed successfully. */
  writes: number;
  changes: AuditChange[];
  audit?: { entry: AuditEntry; error?: string };
}

export async function applyPlan(api: TenancyApi, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const result: ApplyResult = { tenants: {}, steps: {}, writes: 0, changes: [] };
  const emit = options.onProgress ?? (() => {});
  for (const t of plan.tenants) {
    result.tenants[t.tenantId] = { state: 'pending' };
    for (const s of t.steps) {
      result.steps[s.id] = 'pending';
    }
  }
  const setTenant = (tenantId: string, status: TenantStatus) => {
    result.tenants[tenantId] = status;
    emit({ type: 'tenant', tenantId, status });
  };
  const setStep = (step: PlanStep, status: StepStatus, reason?: string) => {
    result.steps[step.id] = status;
    emit({ type: 'step', tenantId: step.tenantId, stepId: step.id, status, reason });
  };

  await mapLimit(plan.tenants, options.concurrency ?? 1, async (tenant) => {
    if (!options.signal?.aborted) {
      await applyTenant(api, tenant, plan.self.id, plan.registryOrgId, options, result, setTenant, setStep);
    }
  });

  if (options.audit && result.writes > 0) {
    const entry: AuditEntry = {
      at: (options.audit.now?.() ?? new Date()).toISOString(),
      who: plan.self.login,
      prune: options.prune ?? false,
      writes: result.writes,
      tenants: plan.tenants.map((t) => {
        const s = result.tenants[t.tenantId];
        return {
          tenantId: t.tenantId,
          status: s.state === 'done' ? 'done' : s.state === 'failed' ? 'failed' : 'pending',
          ...(s.state === 'failed' ? { error: s.error } : {}),
        };
      }),
      changes: result.changes,
      changesOmitted: 0,
    };
    result.audit = { entry };
    try {
      await recordAudit(api, options.audit.orgId, entry);
    } catch (err) {
      result.audit.error = `audit entry not stored in org ${options.audit.orgId}: ${errorMessage(err)}`;
    }
  }
  return result;
}

async function applyTenant(
  api: TenancyApi,
  tenant: TenantPlan,
  selfId: number,
  registryOrgId: number,
  options: ApplyOptions,
  result: ApplyResult,
  setTenant: (id: string, s: TenantStatus) => void,
  setStep: (s: PlanStep, st: StepStatus, reason?: string) => void
) {
  if (tenant.blocked) {
    const conflicts = tenant.steps.filter((s) => s.action === 'conflict');
    for (const s of tenant.steps) {
      setStep(s, 'skipped', 'tenant blocked by a conflict');
    }
    setTenant(tenant.tenantId, {
      state: 'failed',
      error: `blocked by ${conflicts.length} conflict(s): ${conflicts.map((c) => `${c.target}: ${c.message}`).join('; ')}`,
      fix: conflicts
        .map((c) => c.fix)
        .filter(Boolean)
        .join('; '),
    });
    return;
  }
  const todo = tenant.steps.filter((s) => s.op !== null && s.action !== 'unchanged' && s.action !== 'conflict');
  if (todo.length === 0) {
    for (const s of tenant.steps) {
      setStep(s, 'done');
    }
    setTenant(tenant.tenantId, { state: 'done', writes: 0 });
    return;
  }
  setTenant(tenant.tenantId, { state: 'applying' });
  const retry = options.retry === false ? false : { ...(options.retry ?? {}), signal: options.signal };
  const ctx: OpContext = {
    tenantId: tenant.tenantId,
    selfId,
    orgId: tenant.orgId,
    registryOrgId,
    teamIds: new Map(),
    retry,
    dashboardPoll: { ...DEFAULT_DASHBOARD_POLL, ...options.dashboardPoll },
  };
  let writes = 0;
  for (let i = 0; i < tenant.steps.length; i++) {
    const step = tenant.steps[i];
    if (step.op === null || step.action === 'unchanged') {
      setStep(step, 'done');
      continue;
    }
    if (step.requiresPrune && !options.prune) {
      setStep(step, 'skipped', 'deletion needs prune confirmation');
      continue;
    }
    if (options.signal?.aborted) {
      tenant.steps.slice(i).forEach((s) => setStep(s, 'skipped', 'aborted'));
      setTenant(tenant.tenantId, { state: 'pending' });
      return;
    }
    setStep(step, 'running');
    try {
      await runOp(api, step.op, ctx);
    } catch (err) {
      setStep(step, 'failed', errorMessage(err));
      tenant.steps.slice(i + 1).forEach((s) => setStep(s, 'skipped', 'an earlier step of this tenant failed'));
      setTenant(tenant.tenantId, { state: 'failed', ...describeFailure(step, err) });
      return;
    }
    writes++;
    result.writes++;
    result.changes.push({
      tenantId: step.tenantId,
      kind: step.kind,
      action: step.action,
      target: step.target,
      diff: step.diff,
    });
    setStep(step, 'done');
  }
  const leftForPrune = tenant.steps.filter((s) => s.requiresPrune && s.op !== null && !options.prune).length;
  setTenant(
    tenant.tenantId,
    !tenant.inSpec && leftForPrune > 0 ? { state: 'needs-prune', deletions: leftForPrune } : { state: 'done', writes }
  );
}

function describeFailure(step: PlanStep, err: unknown): { error: string; fix: string } {
  // The client's own advice is replaced by the fix below (one fix, said once), not repeated.
  const what = err instanceof GrafanaApiError ? err.summary : errorMessage(err).replace(/\.+$/, '');
  const error = `${step.target} (${step.kind} ${step.action}) failed: ${what}`;
  if (err instanceof ApplyStepError) {
    return { error, fix: err.fix };
  }
  const status = errorStatus(err);
  if (status === 401 || status === 403) {
    return {
      error,
      fix: 'apply as a Grafana Server Admin user (basic auth or browser session); service-account tokens cannot create orgs or write in other orgs',
    };
  }
  if (status === 429 || (status !== undefined && status >= 500)) {
    return {
      error,
      fix: 'Grafana is overloaded or failing: check its logs, then apply again — the next plan resumes where this one stopped',
    };
  }
  if (status === 409 || status === 412 || status === 400) {
    return { error, fix: 'someone changed Grafana meanwhile or the value is invalid: plan again and review the step' };
  }
  return { error, fix: 'apply again: the next plan is recomputed from live state and finishes the missing steps' };
}
