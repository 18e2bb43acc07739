/** The root page's routes: every path under the app lands on the Tenants page (lazy-loaded). */
import React, { Suspense } from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import App from './App';

test.each([['/a/mtlabs-tenancy-app'], ['/a/mtlabs-tenancy-app/tenants'], ['/a/mtlabs-tenancy-app/unknown/page']])(
  '%s renders the Tenants page',
  async (path) => {
    // A non-admin sees the refusal, which needs no Grafana API: enough to prove the route.
    Object.assign(config.bootData.user, { isGrafanaAdmin: false, orgId: 1, login: 'viewer' });
    render(
      <MemoryRouter initialEntries={[path]}>
        <Suspense fallback="loading">
          <Routes>
            <Route path="/a/mtlabs-tenancy-app/*" element={<App {...({} as AppRootProps)} />} />
          </Routes>
        </Suspense>
      </MemoryRouter>
    );
    expect(
      await screen.findByText('Only Grafana server admins can manage tenants', {}, { timeout: 20_000 })
    ).toBeInTheDocument();
  },
  60_000
);
