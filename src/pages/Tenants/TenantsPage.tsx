/**
 * The Tenants page (Grafana server admins only): spec → plan → apply, the OAuth org_mapping and
 * the audit trail. Cross-org calls go through GrafanaApi over `window.fetch` with an explicit
 * X-Grafana-Org-Id, because getBackendSrv() overwrites that header with the UI's org
 * (CONTRACT §2.3); see src/grafana-api/transport.ts.
 */
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { config, PluginPage } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { browserFetchTransport, GrafanaApi } from '../../grafana-api';
import { tenancyApiFromGrafana, type TenancyApi } from '../../tenancy';
import { ApplyPanel } from './ApplyPanel';
import { AlertingState } from './AlertingState';
import { AuditTrail } from './AuditTrail';
import { OAuthMapping } from './OAuthMapping';
import { PlanView } from './PlanView';
import { ProxyFilesPanel } from './ProxyFilesPanel';
import { SpecEditor } from './SpecEditor';
import { useTenancyWorkflow } from './useTenancyWorkflow';

export interface TenantsPageProps {
  /** Injected by tests; the page builds the browser client otherwise. */
  api?: TenancyApi;
}

function defaultApi(): TenancyApi {
  // appSubUrl: Grafana may be served under a sub path (root_url); the session cookie is same-origin.
  return tenancyApiFromGrafana(new GrafanaApi(browserFetchTransport(config.appSubUrl ?? '')));
}

function TenantsWorkspace({ api, orgId, login }: { api: TenancyApi; orgId: number; login: string }) {
  const s = useStyles2(getStyles);
  const w = useTenancyWorkflow({ api, orgId, login });
  if (w.busy === 'loading') {
    return <LoadingPlaceholder text="Loading the saved tenant spec…" />;
  }
  return (
    <div className={s.page} data-testid="tenants-page">
      {w.interrupted && !w.progress && (
        <Alert severity="warning" title="A previous apply was interrupted" data-testid="interrupted-apply">
          {w.interrupted.who} started an apply at {w.interrupted.startedAt} that did not finish (closed tab or crash).
          Plan again to finish it: the new plan lists exactly what is still missing, and applying it is safe to repeat.
        </Alert>
      )}
      {w.error && (
        <Alert severity="error" title="Something went wrong" data-testid="workflow-error">
          {w.error}
        </Alert>
      )}
      {w.notice && <Alert severity="info" title={w.notice} />}
      <SpecEditor
        text={w.specText}
        onChange={w.setSpecText}
        parsed={w.parsed}
        onSave={w.saveSpec}
        saving={w.busy === 'saving'}
        defaultUrl={w.defaultUrl}
      />
      <ApplyPanel
        canPlan={w.parsed.ok}
        plan={w.plan}
        planIsStale={w.planIsStale}
        planApplied={w.planApplied}
        busy={w.busy}
        progress={w.progress}
        onPlan={w.runPlan}
        onApply={w.runApply}
      />
      {w.plan && <PlanView plan={w.plan} progress={w.progress} />}
      <ProxyFilesPanel
        api={api}
        spec={w.parsed.ok ? w.parsed.spec : undefined}
        orgId={orgId}
        rotateTokens={w.rotateTokens}
        onRotateTokensChange={w.setRotateTokens}
        refreshKey={w.result}
        busy={w.busy !== undefined}
      />
      {w.parsed.ok && <OAuthMapping spec={w.parsed.spec} />}
      <AlertingState plan={w.plan} audit={w.audit} />
      <AuditTrail entries={w.audit} />
    </div>
  );
}

export default function TenantsPage({ api }: TenantsPageProps) {
  const user = config.bootData.user;
  const client = useMemo(() => api ?? defaultApi(), [api]);
  if (!user?.isGrafanaAdmin) {
    return (
      <PluginPage>
        <Alert severity="warning" title="Only Grafana server admins can manage tenants" data-testid="not-server-admin">
          Provisioning tenants creates organizations and users&apos; memberships across the whole Grafana server, which
          only a Grafana server admin may do. Ask a server admin to grant you the server admin role (Administration →
          Users → your user → Grafana Admin), or to apply the spec for you.
        </Alert>
      </PluginPage>
    );
  }
  return (
    <PluginPage>
      <TenantsWorkspace api={client} orgId={user.orgId} login={user.login} />
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(3), maxWidth: 1200 }),
});
