/** One plan step: action, object, before → after per field, and (during apply) its status. */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Icon, Tooltip, useStyles2, type BadgeColor } from '@grafana/ui';
import type { PlanStep, StepAction, StepStatus } from '../../tenancy';

const ACTION_COLOR: Record<StepAction, BadgeColor> = {
  create: 'green',
  update: 'orange',
  unchanged: 'darkgrey',
  orphaned: 'purple',
  conflict: 'red',
};

const STATUS_ICON: Record<StepStatus, React.ComponentProps<typeof Icon>['name']> = {
  pending: 'circle',
  running: 'sync',
  done: 'check',
  skipped: 'minus-circle',
  failed: 'times',
};

export function PlanStepRow({ step, status }: { step: PlanStep; status?: { status: StepStatus; reason?: string } }) {
  const s = useStyles2(getStyles);
  return (
    <li className={s.row} data-testid={`plan-step-${step.id}`} data-action={step.action}>
      <div className={s.head}>
        {status && (
          <Tooltip content={status.reason ?? status.status}>
            <span data-testid="step-status" data-status={status.status}>
              <Icon name={STATUS_ICON[status.status]} className={status.status === 'failed' ? s.failed : undefined} />
            </span>
          </Tooltip>
        )}
        <Badge color={ACTION_COLOR[step.action]} text={step.action} />
        <span className={s.kind}>{step.kind}</span>
        <span>{step.target}</span>
        {step.requiresPrune && <Badge color="purple" icon="trash-alt" text="needs prune" />}
      </div>
      {step.diff.length > 0 && (
        <table className={s.diff}>
          <tbody>
            {step.diff.map((d, i) => (
              // A policy diff has one `rule` row per rule: the field alone is not a unique key.
              <tr key={`${i}:${d.field}`}>
                <td className={s.field}>{d.field}</td>
                <td className={s.before}>{d.before ?? '(absent)'}</td>
                <td aria-hidden>→</td>
                <td className={s.after}>{d.after ?? '(absent)'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.message && <div className={s.message}>{step.message}</div>}
      {step.fix && <div className={s.message}>Fix: {step.fix}</div>}
      {status?.status === 'failed' && status.reason && <div className={s.failed}>{status.reason}</div>}
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    listStyle: 'none',
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  head: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center' }),
  kind: css({ color: theme.colors.text.secondary, minWidth: 120 }),
  diff: css({
    marginLeft: theme.spacing(4),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    td: { padding: theme.spacing(0, 1) },
  }),
  field: css({ color: theme.colors.text.secondary }),
  before: css({ color: theme.colors.error.text, textDecoration: 'line-through' }),
  after: css({ color: theme.colors.success.text }),
  message: css({ marginLeft: theme.spacing(4), color: theme.colors.text.secondary }),
  failed: css({ color: theme.colors.error.text }),
});
