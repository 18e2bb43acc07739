/** Each tenant's alerting as the last plan read it, and its last alerting change in the audit trail. */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';
import type { AuditEntry, Plan } from '../../tenancy';
import { alertingStates } from './tenantAlertingStates';

export function AlertingState({ plan, audit }: { plan: Plan | undefined; audit: AuditEntry[] }) {
  const s = useStyles2(getStyles);
  const rows = alertingStates(plan, audit);
  if (rows.length === 0) {
    return null;
  }
  return (
    <section aria-label="Alerting" data-testid="alerting-state">
      <Text element="h3" variant="h4">
        Alerting
      </Text>
      <table className={s.table}>
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Rules</th>
            <th>Contact points</th>
            <th>Default policy</th>
            <th>Pending</th>
            <th>Last alerting change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.tenantId} data-testid="alerting-state-row">
              <td>{r.tenantId}</td>
              <td>
                {r.rules} in {r.ruleGroups.join(', ') || 'no group'}
              </td>
              <td>{r.contactPoints.join(', ') || 'none'}</td>
              <td>{r.policy}</td>
              <td>
                {r.pending} change(s){r.conflicts > 0 ? `, ${r.conflicts} conflict(s)` : ''}
              </td>
              <td>
                {r.lastChange
                  ? `${r.lastChange.at.replace('T', ' ').slice(0, 19)} UTC by ${r.lastChange.who} (${r.lastChange.status})`
                  : 'never applied'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
});
