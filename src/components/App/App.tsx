/**
 * The app's root page. Grafana mounts it at /a/<plugin id>/* (plugin.json `includes`), so routes
 * here are relative to that base.
 */
import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

const TenantsPage = React.lazy(() => import('../../pages/Tenants/TenantsPage'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Tenants} element={<TenantsPage />} />
      <Route path="*" element={<Navigate to={ROUTES.Tenants} replace />} />
    </Routes>
  );
}

export default App;
