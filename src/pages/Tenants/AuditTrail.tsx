/** The bounded audit trail kept in the app's settings: who applied what, when, and the outcome. */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';
import type { AuditEntry } from '../../tenancy';

/** The log lives in jsonData any org Admin can overwrite: render what is there, never crash on it. */
function normalise(raw: AuditEntry): AuditEntry {
  return {
    at: typeof raw?.at === 'string' ? raw.at : '',
    who: typeof raw?.who === 'string' ? raw.who : '(unknown)',
    prune: Boolean(raw?.prune),
    writes: typeof raw?.writes === 'number' ? raw.writes : 0,
    tenants: Array.isArray(raw?.tenants) ? raw.tenants : [],
    changes: Array.isArray(raw?.changes) ? raw.changes.filter((c) => c && Array.isArray(c.diff)) : [],
    changesOmitted: typeof raw?.changesOmitted === 'number' ? raw.changesOmitted : 0,
  };
}

function when(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '(unknown time)' : `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

function summary(entry: AuditEntry): string {
  const failed = entry.tenants.filter((t) => t.status === 'failed').map((t) => t.tenantId);
  const done = entry.tenants.filter((t) => t.status === 'done').length;
  return `${done} tenant(s) done${failed.length ? `, failed: ${failed.join(', ')}` : ''}`;
}

export function AuditTrail({ entries }: { entries: AuditEntry[] }) {
  const s = useStyles2(getStyles);
  return (
    <section aria-label="Audit trail" data-testid="audit-trail">
      <Text element="h3" variant="h4">
        Audit trail
      </Text>
      {entries.length === 0 ? (
        <Text color="secondary" element="p">
          No apply has been recorded yet.
        </Text>
      ) : (
        <table className={s.table}>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Writes</th>
              <th>Outcome</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {entries
              .map(normalise)
              .reverse()
              .map((entry, i) => (
                <tr key={`${entry.at}-${entry.who}-${i}`} data-testid="audit-entry">
                  <td>{when(entry.at)}</td>
                  <td>{entry.who}</td>
                  <td>
                    {entry.writes}
                    {entry.prune ? ' (prune)' : ''}
                  </td>
                  <td>{summary(entry)}</td>
                  <td>
                    <details>
                      <summary>{entry.changes.length + entry.changesOmitted} change(s)</summary>
                      <ul className={s.changes}>
                        {entry.changes.map((c, i) => (
                          <li key={i}>
                            {c.tenantId}: {c.action} {c.kind} {c.target}
                            {c.diff.length > 0 &&
                              ` (${c.diff.map((d) => `${d.field}: ${d.before ?? '∅'} → ${d.after ?? '∅'}`).join('; ')})`}
                          </li>
                        ))}
                        {entry.changesOmitted > 0 && <li>… and {entry.changesOmitted} more</li>}
                      </ul>
                    </details>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      verticalAlign: 'top',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  changes: css({ margin: 0, paddingLeft: theme.spacing(2), fontSize: theme.typography.bodySmall.fontSize }),
});
