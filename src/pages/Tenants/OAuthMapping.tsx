/** The `[auth.generic_oauth] org_mapping` setting generated from the spec, ready to copy. */
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ClipboardButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { renderOAuthOrgMapping, type TenantSpec } from '../../tenancy';

export function OAuthMapping({ spec }: { spec: TenantSpec }) {
  const s = useStyles2(getStyles);
  const mapping = useMemo(() => renderOAuthOrgMapping(spec), [spec]);
  return (
    <section aria-label="OAuth org mapping" className={s.section} data-testid="oauth-mapping">
      <Text element="h3" variant="h4">
        SSO: org_mapping
      </Text>
      <Text color="secondary" element="p">
        Put this into grafana.ini (or the environment) so users signing in through generic OAuth land in their
        tenant&apos;s org.
      </Text>
      <pre className={s.code} data-testid="oauth-ini">
        {mapping.iniSnippet}
      </pre>
      <Stack direction="row" gap={1}>
        <ClipboardButton
          icon="copy"
          variant="secondary"
          getText={() => mapping.orgMapping}
          disabled={mapping.orgMapping === ''}
        >
          Copy org_mapping
        </ClipboardButton>
        <ClipboardButton icon="copy" variant="secondary" getText={() => mapping.iniSnippet}>
          Copy ini section
        </ClipboardButton>
        <ClipboardButton
          icon="copy"
          variant="secondary"
          getText={() => mapping.envLine}
          disabled={mapping.orgMapping === ''}
        >
          Copy env line
        </ClipboardButton>
      </Stack>
      {mapping.warnings.map((w) => (
        <div key={w} className={s.warning}>
          {w}
        </div>
      ))}
      <Text color="secondary" element="p">
        {mapping.teamSyncNote}
      </Text>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  code: css({ fontFamily: theme.typography.fontFamilyMonospace, whiteSpace: 'pre-wrap', margin: 0 }),
  warning: css({ color: theme.colors.warning.text }),
});
