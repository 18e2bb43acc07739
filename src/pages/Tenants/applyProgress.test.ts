import type { Plan } from '../../tenancy';
import { applyOutcome, initialProgress, progressCounts, reduceProgress, type ProgressState } from './applyProgress';

const plan = {
  self: { id: 1, login: 'admin' },
  summary: { create: 3, update: 0, unchanged: 0, orphaned: 0, conflict: 0 },
  tenants: [
    {
      tenantId: 'a',
      orgName: 'A',
      inSpec: true,
      blocked: false,
      warnings: [],
      steps: [{ id: 'a/org/A' }, { id: 'a/team/ops' }],
    },
    { tenantId: 'b', orgName: 'B', inSpec: true, blocked: false, warnings: [], steps: [{ id: 'b/org/B' }] },
  ],
} as unknown as Plan;

test('starts with every tenant and step pending', () => {
  const state = initialProgress(plan);
  expect(state.tenants).toEqual({ a: { state: 'pending' }, b: { state: 'pending' } });
  expect(Object.values(state.steps).every((s) => s.status === 'pending')).toBe(true);
  expect(progressCounts(state)).toEqual({ finished: 0, total: 3 });
});

test.each([
  [[{ type: 'step', tenantId: 'a', stepId: 'a/org/A', status: 'running' }], { finished: 0, total: 3 }],
  [[{ type: 'step', tenantId: 'a', stepId: 'a/org/A', status: 'done' }], { finished: 1, total: 3 }],
  [
    [
      { type: 'step', tenantId: 'a', stepId: 'a/org/A', status: 'done' },
      { type: 'step', tenantId: 'a', stepId: 'a/team/ops', status: 'failed', reason: 'HTTP 500' },
      { type: 'step', tenantId: 'b', stepId: 'b/org/B', status: 'skipped' },
    ],
    { finished: 3, total: 3 },
  ],
] as const)('events %j finish %j', (events, counts) => {
  const state = events.reduce(
    (s, e) => reduceProgress(s, e as Parameters<typeof reduceProgress>[1]),
    initialProgress(plan)
  );
  expect(progressCounts(state)).toEqual(counts);
});

test('tenant events replace the tenant status and keep the failure details', () => {
  let state = initialProgress(plan);
  state = reduceProgress(state, { type: 'tenant', tenantId: 'a', status: { state: 'applying' } });
  state = reduceProgress(state, {
    type: 'tenant',
    tenantId: 'a',
    status: { state: 'failed', error: 'HTTP 500', fix: 'retry' },
  });
  expect(state.tenants.a).toEqual({ state: 'failed', error: 'HTTP 500', fix: 'retry' });
  expect(state.tenants.b).toEqual({ state: 'pending' });
});

describe('applyOutcome', () => {
  const finished = (tenants: ProgressState['tenants']): ProgressState => ({ tenants, steps: {} });

  test('is undefined while a tenant is still pending or applying', () => {
    expect(applyOutcome(finished({ a: { state: 'done', writes: 1 }, b: { state: 'applying' } }))).toBeUndefined();
    expect(applyOutcome(finished({ a: { state: 'pending' } }))).toBeUndefined();
  });

  test('names the failed tenants and the fix, not a step count', () => {
    const outcome = applyOutcome(
      finished({
        a: { state: 'done', writes: 3 },
        umbrella: { state: 'failed', error: 'data source create failed', fix: 'check the URL' },
        c: { state: 'done', writes: 0 },
        d: { state: 'done', writes: 1 },
        e: { state: 'done', writes: 1 },
      })
    )!;
    expect(outcome.severity).toBe('error');
    expect(outcome.headline).toBe('1 of 5 tenants failed: umbrella — fix: check the URL');
    expect(outcome.problems).toEqual([
      { tenantId: 'umbrella', text: 'data source create failed — fix: check the URL' },
    ]);
  });

  test('does not count an orphaned, unpruned tenant as done', () => {
    const outcome = applyOutcome(
      finished({ a: { state: 'done', writes: 0 }, old: { state: 'needs-prune', deletions: 1 } })
    )!;
    expect(outcome.severity).toBe('warning');
    expect(outcome.headline).toMatch(
      /^1 of 2 tenants done; 1 left the spec and still exist: old — fix: apply with Prune/
    );
  });

  test('says all done only when every tenant is done', () => {
    expect(applyOutcome(finished({ a: { state: 'done', writes: 2 } }))).toEqual({
      severity: 'success',
      headline: '1 tenant done',
      problems: [],
    });
  });
});
