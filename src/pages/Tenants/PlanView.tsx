/** The plan as a readable diff grouped per tenant, with live status while it is applied. */
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Stack, Switch, Text, useStyles2 } from '@grafana/ui';
import type { Plan, TenantPlan } from '../../tenancy';
import type { ProgressState } from './applyProgress';
import { PlanStepRow } from './PlanStepRow';
import { TenantStatusBadge } from './TenantStatusBadge';

function TenantPlanCard({
  tenant,
  progress,
  showUnchanged,
  sharedWarnings,
}: {
  tenant: TenantPlan;
  progress?: ProgressState;
  showUnchanged: boolean;
  /** Warnings shown once above all tenants; not repeated in each card. */
  sharedWarnings: ReadonlySet<string>;
}) {
  const s = useStyles2(getStyles);
  const steps = tenant.steps.filter((step) => showUnchanged || step.action !== 'unchanged');
  const unchanged = tenant.steps.length - tenant.steps.filter((step) => step.action !== 'unchanged').length;
  const status = progress?.tenants[tenant.tenantId];
  return (
    <div className={s.card} data-testid={`plan-tenant-${tenant.tenantId}`}>
      <Stack direction="row" gap={1} alignItems="center">
        <Text element="h4" variant="h5">
          {tenant.tenantId}
        </Text>
        <span className={s.org}>
          org &quot;{tenant.orgName}&quot; {tenant.orgId !== undefined ? `(id ${tenant.orgId})` : '(new)'}
          {!tenant.inSpec && ' — no longer in the spec'}
        </span>
        {status && <TenantStatusBadge tenantId={tenant.tenantId} status={status} />}
      </Stack>
      {tenant.blocked && (
        <Alert severity="error" title="Blocked by a conflict: apply will not touch this tenant">
          Resolve the conflict steps below (their fix says how), then plan again.
        </Alert>
      )}
      {status?.state === 'failed' && (
        <Alert
          severity="error"
          title={`Tenant ${tenant.tenantId} failed`}
          data-testid={`tenant-error-${tenant.tenantId}`}
        >
          {status.error}. Fix: {status.fix}
        </Alert>
      )}
      {tenant.warnings
        .filter((w) => !sharedWarnings.has(w))
        .map((w) => (
          <div key={w} className={s.warning}>
            Warning: {w}
          </div>
        ))}
      <ul className={s.steps}>
        {steps.map((step) => (
          <PlanStepRow key={step.id} step={step} status={progress?.steps[step.id]} />
        ))}
      </ul>
      {!showUnchanged && unchanged > 0 && <div className={s.org}>{unchanged} unchanged step(s) hidden</div>}
    </div>
  );
}

/** Warnings that several tenants share (e.g. the same data source mode), with who has them. */
export function sharedWarningsOf(tenants: readonly TenantPlan[]): Map<string, string[]> {
  const byText = new Map<string, string[]>();
  for (const t of tenants) {
    for (const w of new Set(t.warnings)) {
      byText.set(w, [...(byText.get(w) ?? []), t.tenantId]);
    }
  }
  return new Map([...byText].filter(([, ids]) => ids.length > 1));
}

export function PlanView({ plan, progress }: { plan: Plan; progress?: ProgressState }) {
  const s = useStyles2(getStyles);
  const [showUnchanged, setShowUnchanged] = useState(false);
  const shared = useMemo(() => sharedWarningsOf(plan.tenants), [plan]);
  const sharedSet = useMemo(() => new Set(shared.keys()), [shared]);
  const { create, update, unchanged, orphaned, conflict } = plan.summary;
  return (
    <section aria-label="Plan" data-testid="plan-view" className={s.section}>
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <span data-testid="plan-summary">
          Plan: {create} to create, {update} to update, {orphaned} orphaned (deleted only with prune), {conflict}{' '}
          conflict(s), {unchanged} unchanged.
        </span>
        <Stack direction="row" gap={1} alignItems="center">
          <label htmlFor="show-unchanged">Show unchanged</label>
          <Switch
            id="show-unchanged"
            value={showUnchanged}
            onChange={(e) => setShowUnchanged(e.currentTarget.checked)}
          />
        </Stack>
      </Stack>
      {[...shared].map(([warning, ids]) => (
        <Alert
          key={warning}
          severity="warning"
          title={`Warning for ${ids.length} tenants: ${ids.join(', ')}`}
          data-testid="plan-shared-warning"
        >
          {warning}
        </Alert>
      ))}
      {plan.tenants.length === 0 && <div>The spec has no tenants and Grafana has no managed orgs: nothing to do.</div>}
      {plan.tenants.map((tenant) => (
        <TenantPlanCard
          key={tenant.tenantId}
          tenant={tenant}
          progress={progress}
          showUnchanged={showUnchanged}
          sharedWarnings={sharedSet}
        />
      ))}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  card: css({
    padding: theme.spacing(2),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  org: css({ color: theme.colors.text.secondary }),
  warning: css({ color: theme.colors.warning.text }),
  steps: css({ margin: theme.spacing(1, 0, 0, 0), padding: 0 }),
});
