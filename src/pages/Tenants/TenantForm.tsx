/**
 * A simple form that adds (or replaces, by id) one tenant in the spec text. It validates the
 * tenant with the same schema as the code view before touching the text.
 */
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Button,
  Field,
  IconButton,
  Input,
  RadioButtonGroup,
  Stack,
  Switch,
  TextArea,
  useStyles2,
} from '@grafana/ui';
import { validateTenantSpec, type SpecError } from '../../tenancy';
import { SpecErrorList } from './SpecErrorList';
import { tenantFromForm, upsertTenantInSpecText, type DataSourceMode, type TenantFormValues } from './specText';

const MODES: Array<{ label: string; value: DataSourceMode; description: string }> = [
  {
    label: 'Proxy (token, recommended)',
    value: 'proxy-token',
    description:
      'apply gives the tenant a secret token; the proxy knows the tenant from it, whatever else reaches the proxy',
  },
  {
    label: 'Proxy (query parameter)',
    value: 'proxy-query-param',
    description: 'prom-label-proxy style: ?tenant=<value>',
  },
  { label: 'Proxy (header)', value: 'proxy-header', description: 'the proxy reads the tenant from a header' },
  { label: 'Mimir', value: 'mimir', description: 'X-Scope-OrgID header' },
  {
    label: 'Mimir LBAC',
    value: 'mimir-lbac',
    description:
      'one Mimir tenant for all; Mimir (-auth.label-access-control-enabled) enforces the rules sent as X-Prom-Label-Policy',
  },
];

const emptyValues = (url: string): TenantFormValues => ({
  id: '',
  labelValues: '',
  rules: '',
  orgName: '',
  teams: [{ name: '', members: '' }],
  dsMode: 'proxy-token',
  url,
  tenantKey: '',
  dashboards: true,
});

export interface TenantFormProps {
  specText: string;
  onSpecText: (text: string) => void;
  defaultUrl: string;
  onDone?: () => void;
}

export function TenantForm({ specText, onSpecText, defaultUrl }: TenantFormProps) {
  const s = useStyles2(getStyles);
  const [values, setValues] = useState<TenantFormValues>(() => emptyValues(defaultUrl));
  const [errors, setErrors] = useState<SpecError[]>([]);
  const [added, setAdded] = useState<string>();
  const set = (patch: Partial<TenantFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const setTeam = (index: number, patch: Partial<TenantFormValues['teams'][number]>) =>
    set({ teams: values.teams.map((t, i) => (i === index ? { ...t, ...patch } : t)) });

  const onAdd = () => {
    setAdded(undefined);
    const tenant = tenantFromForm(values);
    const check = validateTenantSpec({ version: 1, tenants: [tenant] });
    if (!check.ok) {
      // Paths read `tenants[0].orgName`; in the form the tenant is implicit.
      setErrors(check.errors.map((e) => ({ ...e, path: e.path.replace(/^tenants\[0\]\.?/, '') || 'tenant' })));
      return;
    }
    try {
      onSpecText(upsertTenantInSpecText(specText, tenant));
      setErrors([]);
      setAdded(String(tenant.id));
      setValues(emptyValues(values.url));
    } catch (e) {
      setErrors([
        {
          path: '(spec text)',
          message: e instanceof Error ? e.message : String(e),
          fix: 'switch to the code view and correct the text',
        },
      ]);
    }
  };

  return (
    <div className={s.form} data-testid="tenant-form">
      <Stack direction="row" gap={2} wrap="wrap">
        <Field label="Tenant id" htmlFor="tenant-id" description="lower-case letters, digits and -">
          <Input id="tenant-id" width={24} value={values.id} onChange={(e) => set({ id: e.currentTarget.value })} />
        </Field>
        <Field
          label="Label values"
          htmlFor="tenant-label-values"
          description="values of the tenant label, comma-separated"
        >
          <Input
            id="tenant-label-values"
            width={32}
            value={values.labelValues}
            onChange={(e) => set({ labelValues: e.currentTarget.value })}
          />
        </Field>
        <Field label="Org name" htmlFor="tenant-org-name" description="the Grafana organization of this tenant">
          <Input
            id="tenant-org-name"
            width={32}
            value={values.orgName}
            onChange={(e) => set({ orgName: e.currentTarget.value })}
          />
        </Field>
      </Stack>
      <Field
        label="Rules (instead of label values)"
        htmlFor="tenant-rules"
        description='a label policy: one selector per line; matchers of a line AND, lines OR, e.g. {tenant="acme", env="prod"}'
      >
        <TextArea
          id="tenant-rules"
          rows={3}
          cols={64}
          placeholder={'{tenant="acme", env="prod"}\n{cluster="c1"}'}
          value={values.rules}
          onChange={(e) => set({ rules: e.currentTarget.value })}
        />
      </Field>
      <Field label="Teams" description="team name and members (existing users: logins or e-mails, comma-separated)">
        <div className={s.teams}>
          {values.teams.map((team, i) => (
            <Stack key={i} direction="row" gap={1} alignItems="center">
              <Input
                aria-label={`Team ${i + 1} name`}
                placeholder="team name"
                width={24}
                value={team.name}
                onChange={(e) => setTeam(i, { name: e.currentTarget.value })}
              />
              <Input
                aria-label={`Team ${i + 1} members`}
                placeholder="alice, bob@example.com"
                width={48}
                value={team.members}
                onChange={(e) => setTeam(i, { members: e.currentTarget.value })}
              />
              <IconButton
                name="trash-alt"
                tooltip="Remove this team"
                onClick={() => set({ teams: values.teams.filter((_, j) => j !== i) })}
              />
            </Stack>
          ))}
          <Button
            size="sm"
            variant="secondary"
            icon="plus"
            onClick={() => set({ teams: [...values.teams, { name: '', members: '' }] })}
          >
            Add team
          </Button>
        </div>
      </Field>
      <Field label="Data source mode" description={MODES.find((m) => m.value === values.dsMode)?.description}>
        <RadioButtonGroup
          options={MODES.map(({ label, value }) => ({ label, value }))}
          value={values.dsMode}
          onChange={(dsMode) => set({ dsMode })}
        />
      </Field>
      <Stack direction="row" gap={2} wrap="wrap">
        <Field
          label="URL"
          htmlFor="tenant-ds-url"
          description="the enforcing proxy (or Mimir) this tenant's data source queries"
        >
          <Input
            id="tenant-ds-url"
            width={48}
            value={values.url}
            onChange={(e) => set({ url: e.currentTarget.value })}
          />
        </Field>
        {values.dsMode !== 'mimir' && values.dsMode !== 'proxy-token' && (
          <Field
            label={
              values.dsMode === 'proxy-header'
                ? 'Header name'
                : values.dsMode === 'mimir-lbac'
                  ? 'Mimir tenant (X-Scope-OrgID)'
                  : 'Query parameter (optional)'
            }
            htmlFor="tenant-key"
          >
            <Input
              id="tenant-key"
              width={24}
              value={values.tenantKey}
              placeholder={
                values.dsMode === 'proxy-header' ? 'X-Tenant' : values.dsMode === 'mimir-lbac' ? 'anonymous' : 'tenant'
              }
              onChange={(e) => set({ tenantKey: e.currentTarget.value })}
            />
          </Field>
        )}
        <Field label="Bundled dashboards" htmlFor="tenant-dashboards" description="enable the app in the tenant org">
          <Switch
            id="tenant-dashboards"
            value={values.dashboards}
            onChange={(e) => set({ dashboards: e.currentTarget.checked })}
          />
        </Field>
      </Stack>
      <div>
        <Button icon="plus" onClick={onAdd}>
          Add tenant to spec
        </Button>
      </div>
      {errors.length > 0 && <SpecErrorList errors={errors} title="This tenant is not valid" />}
      {added && <Alert severity="success" title={`Tenant "${added}" added to the spec`} />}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  teams: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), alignItems: 'flex-start' }),
});
