/**
 * `?page=tenants`: the admin Tenants page as Grafana renders it, talking to the Grafana behind the
 * harness (`/api` → FakeGrafana). `&grafanaAdmin=false` renders it for a non-admin user.
 */
import React from 'react';
import TenantsPage from '../../../../src/pages/Tenants/TenantsPage';
import type { HarnessPage } from '../types';

const page: HarnessPage = {
  id: 'tenants',
  title: 'Tenants admin page (spec → plan → apply)',
  render: () => <TenantsPage />,
};

export default page;
