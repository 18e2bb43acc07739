/**
 * The app's configuration page (plugin catalog → Tenancy → Configuration, Grafana admins only):
 * explains where the tenant boundary really is, and edits the few app-wide settings.
 */
import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { DEFAULT_PROXY_URL, DEFAULT_TENANT_LABEL, PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { describeError, saveAppSettings, type TenancyAppSettings } from '../appSettings';
import { validateAppSettings } from './validateAppSettings';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<TenancyAppSettings>> {}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

function SecurityModel() {
  const s = useStyles2(getStyles);
  return (
    <section className={s.section} aria-label="Security model">
      <Text element="h3" variant="h4">
        Security model
      </Text>
      <ul className={s.list}>
        <li>
          <strong>The boundary is one Grafana organization per tenant plus the server-side enforcing proxy</strong> in
          front of Prometheus. Each tenant org gets one Prometheus data source that points at the proxy, and the proxy
          adds the tenant label matcher to every query, series, label and metadata request — whatever the browser sends.
        </li>
        <li>
          The <em>Tenant wrapper</em> data source (for a shared org) rewrites queries in the browser as well. It is{' '}
          <strong>defense in depth only</strong>: anything running in a browser can be bypassed, so never point it at an
          unprotected Prometheus.
        </li>
        <li>
          Everything fails closed: an unparsable query, an empty team list or an unknown tenant is an error naming the
          input and the fix, never a query over all tenants.
        </li>
      </ul>
    </section>
  );
}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const stored = plugin.meta.jsonData ?? {};
  const [tenantLabel, setTenantLabel] = useState(stored.tenantLabel ?? DEFAULT_TENANT_LABEL);
  const [proxyUrl, setProxyUrl] = useState(stored.proxyUrl ?? DEFAULT_PROXY_URL);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const errors = validateAppSettings({ tenantLabel, proxyUrl });

  const onSave = async () => {
    setSave({ kind: 'saving' });
    try {
      await saveAppSettings({ tenantLabel: tenantLabel.trim(), proxyUrl: proxyUrl.trim() });
      setSave({ kind: 'saved' });
    } catch (error) {
      setSave({ kind: 'failed', message: describeError(error) });
    }
  };

  return (
    <div data-testid="app-config" className={s.page}>
      <SecurityModel />
      <FieldSet label="Tenant settings">
        <Field
          label="Tenant label"
          htmlFor="tenancy-tenant-label"
          description="The external label the Prometheus agents stamp on every series (the proxy enforces this label). New tenant specs start with it."
          invalid={Boolean(errors.tenantLabel)}
          error={errors.tenantLabel}
        >
          <Input
            id="tenancy-tenant-label"
            width={40}
            value={tenantLabel}
            onChange={(e) => setTenantLabel(e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Default proxy URL"
          htmlFor="tenancy-proxy-url"
          description="The server-side enforcing proxy in front of Prometheus; pre-filled when you add a tenant with the form."
          invalid={Boolean(errors.proxyUrl)}
          error={errors.proxyUrl}
        >
          <Input
            id="tenancy-proxy-url"
            width={60}
            value={proxyUrl}
            onChange={(e) => setProxyUrl(e.currentTarget.value)}
          />
        </Field>
        <Stack direction="row" gap={2} alignItems="center">
          <Button onClick={onSave} disabled={save.kind === 'saving' || Object.keys(errors).length > 0}>
            {save.kind === 'saving' ? 'Saving…' : 'Save settings'}
          </Button>
          <LinkButton variant="secondary" fill="text" href={`${PLUGIN_BASE_URL}/${ROUTES.Tenants}`}>
            Open the Tenants page
          </LinkButton>
        </Stack>
      </FieldSet>
      {save.kind === 'saved' && <Alert severity="success" title="Settings saved" />}
      {save.kind === 'failed' && (
        <Alert severity="error" title="Saving the settings failed">
          {save.message}. Check that you are an Admin of this organization and try again.
        </Alert>
      )}
    </div>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 900 }),
  section: css({ marginBottom: theme.spacing(3) }),
  list: css({ paddingLeft: theme.spacing(3), li: { marginBottom: theme.spacing(1) } }),
});
