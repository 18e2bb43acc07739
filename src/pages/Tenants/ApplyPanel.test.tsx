import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Plan, PlanStep } from '../../tenancy';
import { ApplyPanel } from './ApplyPanel';

const step = (id: string, patch: Partial<PlanStep>): PlanStep =>
  ({
    id,
    tenantId: 'a',
    kind: 'team',
    action: 'create',
    target: id,
    diff: [],
    op: { type: 'createTeam', name: id, email: '' },
    ...patch,
  }) as PlanStep;

const plan = (steps: PlanStep[]): Plan =>
  ({
    self: { id: 1, login: 'admin' },
    summary: { create: 1, update: 0, unchanged: 0, orphaned: 1, conflict: 0 },
    tenants: [{ tenantId: 'a', orgName: 'A', inSpec: true, blocked: false, warnings: [], steps }],
  }) as unknown as Plan;

const withOrphan = plan([
  step('a/team/new', {}),
  step('a/team/old', { action: 'orphaned', requiresPrune: true, op: { type: 'deleteTeam', team: { name: 'old' } } }),
]);

function setup(p: Plan | undefined, extra: Partial<React.ComponentProps<typeof ApplyPanel>> = {}) {
  const onApply = jest.fn();
  render(
    <ApplyPanel
      canPlan
      plan={p}
      planIsStale={false}
      planApplied={false}
      onPlan={jest.fn()}
      onApply={onApply}
      {...extra}
    />
  );
  return onApply;
}

const applyButton = () => screen.getByRole('button', { name: 'Apply' });

test.each([
  ['no plan yet', undefined, {}, 'Plan first'],
  ['spec edited after planning', withOrphan, { planIsStale: true }, 'The spec changed after this plan'],
  ['plan already applied', withOrphan, { planApplied: true }, 'Plan again to verify the result'],
  ['nothing to write', plan([step('a/team/x', { action: 'unchanged', op: null })]), {}, 'Nothing to write'],
] as const)('Apply is disabled when %s, and the page says why', (_name, p, extra, why) => {
  setup(p, extra);
  expect(applyButton()).toBeDisabled();
  expect(screen.getByText(new RegExp(why))).toBeInTheDocument();
});

test('apply without prune asks once and applies without deleting', async () => {
  const onApply = setup(withOrphan);
  fireEvent.click(applyButton());
  expect(
    await screen.findByText(
      '1 write step(s) for 1 tenant(s) will be sent to Grafana. Objects the app does not own are never modified.'
    )
  ).toBeInTheDocument();
  fireEvent.click(screen.getAllByRole('button', { name: 'Apply' }).at(-1)!);
  await waitFor(() => expect(onApply).toHaveBeenCalledWith(false));
});

test('prune needs a second confirmation with the word typed', async () => {
  const onApply = setup(withOrphan);
  fireEvent.click(screen.getByLabelText(/Prune: delete orphaned managed objects/));
  fireEvent.click(applyButton());
  fireEvent.click(await screen.findByRole('button', { name: 'Continue to prune confirmation' }));
  expect(await screen.findByText(/Prune deletes 1 managed object/)).toBeInTheDocument();
  const confirm = screen.getByRole('button', { name: 'Apply and prune' });
  expect(confirm).toBeDisabled();
  fireEvent.click(confirm);
  expect(onApply).not.toHaveBeenCalled();
  fireEvent.change(screen.getByPlaceholderText('Type "prune" to confirm'), { target: { value: 'prune' } });
  fireEvent.click(screen.getByRole('button', { name: 'Apply and prune' }));
  await waitFor(() => expect(onApply).toHaveBeenCalledWith(true));
});
