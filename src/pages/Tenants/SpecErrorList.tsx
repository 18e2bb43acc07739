/** Validation errors of the spec, one per field: where, what is wrong, and the fix. */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import type { SpecError } from '../../tenancy';

export interface SpecErrorListProps {
  errors: SpecError[];
  title?: string;
  /** 1-based line of each error in the editor's text, when known. */
  lines?: number[];
}

export function SpecErrorList({ errors, title = 'The spec is not valid', lines }: SpecErrorListProps) {
  const s = useStyles2(getStyles);
  if (errors.length === 0) {
    return null;
  }
  return (
    <Alert
      severity="error"
      title={`${title} (${errors.length} error${errors.length === 1 ? '' : 's'})`}
      data-testid="spec-errors"
    >
      <ul className={s.list}>
        {errors.map((e, i) => (
          <li key={`${e.path}-${i}`} data-testid="spec-error">
            {lines?.[i] !== undefined && <span className={s.line}>line {lines[i]}: </span>}
            <code className={s.path}>{e.path}</code>: {e.message}. <span className={s.fix}>Fix: {e.fix}</span>
          </li>
        ))}
      </ul>
    </Alert>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  path: css({ fontWeight: theme.typography.fontWeightMedium }),
  fix: css({ color: theme.colors.text.secondary }),
  line: css({ color: theme.colors.text.secondary, fontFamily: theme.typography.fontFamilyMonospace }),
});
