/**
 * The spec editor: the YAML/JSON text (code view) or a form that adds a tenant to it. Validation
 * runs on every edit; errors are underlined on their line and listed by field with the fix.
 */
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import type { ParseSpecResult } from '../../tenancy';
import { SpecCodeEditor } from './SpecCodeEditor';
import { placeSpecErrors } from './specErrorPositions';
import { SpecErrorList } from './SpecErrorList';
import { TenantForm } from './TenantForm';

type View = 'code' | 'form';
const VIEWS: Array<{ label: string; value: View }> = [
  { label: 'Code (YAML / JSON)', value: 'code' },
  { label: 'Add a tenant (form)', value: 'form' },
];

export interface SpecEditorProps {
  text: string;
  onChange: (text: string) => void;
  parsed: ParseSpecResult;
  onSave: () => void;
  saving: boolean;
  defaultUrl: string;
}

export function SpecEditor({ text, onChange, parsed, onSave, saving, defaultUrl }: SpecEditorProps) {
  const s = useStyles2(getStyles);
  const [view, setView] = useState<View>('code');
  const tenantCount = parsed.ok ? parsed.spec.tenants.length : undefined;
  const placed = useMemo(() => (parsed.ok ? [] : placeSpecErrors(text, parsed.errors)), [parsed, text]);
  return (
    <section aria-label="Tenant spec" className={s.section}>
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <RadioButtonGroup options={VIEWS} value={view} onChange={(v) => setView(v)} />
        <Stack direction="row" gap={1} alignItems="center">
          <span className={s.status} data-testid="spec-status">
            {parsed.ok
              ? `Valid spec, ${tenantCount} tenant${tenantCount === 1 ? '' : 's'}`
              : `${parsed.errors.length} error(s)`}
          </span>
          <Button variant="secondary" icon="save" onClick={onSave} disabled={saving}>
            {saving ? 'Saving…' : 'Save spec'}
          </Button>
        </Stack>
      </Stack>
      {view === 'code' ? (
        <SpecCodeEditor value={text} onChange={onChange} errors={placed} />
      ) : (
        <TenantForm specText={text} onSpecText={onChange} defaultUrl={defaultUrl} onDone={() => setView('code')} />
      )}
      {!parsed.ok && <SpecErrorList errors={parsed.errors} lines={placed.map((p) => p.line)} />}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  status: css({ color: theme.colors.text.secondary }),
});
