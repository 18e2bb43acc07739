import type { Plan } from '../../tenancy';
import { initialProgress, progressCounts, reduceProgress } from './applyProgress';

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
