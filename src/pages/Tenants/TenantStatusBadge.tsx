/** Per-tenant apply status: pending / applying / done / needs prune / failed (with the error and the fix). */
import React from 'react';
import { Badge } from '@grafana/ui';
import type { TenantStatus } from '../../tenancy';

export function TenantStatusBadge({ tenantId, status }: { tenantId: string; status: TenantStatus }) {
  const common = { 'data-testid': `tenant-status-${tenantId}` };
  switch (status.state) {
    case 'pending':
      return <Badge {...common} color="blue" text="pending" />;
    case 'applying':
      return <Badge {...common} color="orange" icon="fa fa-spinner" text="applying" />;
    case 'done':
      return <Badge {...common} color="green" icon="check" text="done" tooltip={`${status.writes} write step(s)`} />;
    case 'needs-prune':
      return (
        <Badge
          {...common}
          color="purple"
          icon="trash-alt"
          text="not pruned"
          tooltip={`left the spec; ${status.deletions} deletion(s) wait for an apply with Prune`}
        />
      );
    case 'failed':
      return (
        <Badge
          {...common}
          color="red"
          icon="exclamation-triangle"
          text="failed"
          tooltip={`${status.error} — fix: ${status.fix}`}
        />
      );
  }
}
