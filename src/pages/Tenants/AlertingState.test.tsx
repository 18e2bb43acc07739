/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * The alerting state per tenant, from a real plan against the fake Grafana (before and after
 * apply) and the audit entry that apply records.
 */
import React from 'react';
import { render, screen } from '@testing-library/react';
import { applyPlan } from '../../tenancy';
import { ALERTING_SPEC_YAML } from '../../../tests/tenancy/alertingHarness';
import { newEnv, plan, specFrom } from '../../../tests/tenancy/harness';
import { AlertingState } from './AlertingState';
import { alertingStates } from './tenantAlertingStates';

const spec = specFrom(ALERTING_SPEC_YAML);

describe('alerting state on the admin page', () => {
  it('before apply: the groups, contact points and policy the plan creates; never applied', async () => {
    const env = newEnv();
    const rows = alertingStates(await plan(env, spec), []);
    expect(rows.map((r) => r.tenantId)).toEqual(['a', 'b']);
    expect(rows[0]).toMatchObject({
      ruleGroups: ['tenant-health (3 rule(s))', 'api (1 rule(s))'],
      rules: 4,
      contactPoints: ['ops-mail', 'ops-hook', 'ops-chat'],
      policy: 'create: receiver "ops-chat"',
      conflicts: 0,
      lastChange: undefined,
    });
    expect(rows[0].pending).toBe(6);
  });

  it('after apply: nothing pending, the policy receiver, and the audit entry of the last alerting change', async () => {
    const env = newEnv();
    const result = await applyPlan(env.api, await plan(env, spec), {
      retry: false,
      audit: { orgId: 1, now: () => new Date('2026-12-07T10:00:00Z') },
    });
    const audit = [result.audit!.entry];
    const after = await plan(env, spec);
    const rows = alertingStates(after, audit);
    expect(rows[0]).toMatchObject({
      rules: 4,
      policy: 'receiver "ops-chat"',
      pending: 0,
      lastChange: { at: '2026-12-07T10:00:00.000Z', who: 'admin', status: 'done' },
    });

    render(<AlertingState plan={after} audit={audit} />);
    const [a, b] = screen.getAllByTestId('alerting-state-row').map((row) => row.textContent);
    expect(a).toContain('4 in tenant-health (3 rule(s)), api (1 rule(s))');
    expect(a).toContain('ops-mail, ops-hook, ops-chat');
    expect(a).toContain('2026-12-07 10:00:00 UTC by admin (done)');
    expect(b).toContain('4 in tenant-health (4 rule(s))');
  });

  it('renders nothing without a plan or without alerting in it', () => {
    const { container } = render(<AlertingState plan={undefined} audit={[]} />);
    expect(container.textContent).toBe('');
  });
});
