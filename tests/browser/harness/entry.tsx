/**
 * Browser entry of the harness bundle: installs the Grafana runtime stand-ins (backend service with
 * the real header rewrite, data source list), then renders `?page=<id>` from the page registry
 * inside @grafana/ui's theme context — the way Grafana renders a plugin's components.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme } from '@grafana/data';
import { config, setBackendSrv, setDataSourceSrv } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';
import pages from 'harness:pages';
import { createHarnessBackendSrv } from './harnessBackendSrv';
import { createHarnessDataSourceSrv } from './harnessDataSourceSrv';
import { HarnessShell } from './HarnessShell';
import type { HarnessContext, HarnessPage } from './types';

function PageIndex({ list }: { list: HarnessPage[] }) {
  return (
    <ul data-testid="harness-index">
      {list.map((p) => (
        <li key={p.id}>
          <a href={`?page=${encodeURIComponent(p.id)}`}>{p.id}</a> — {p.title}
        </li>
      ))}
    </ul>
  );
}

async function boot() {
  const params = new URLSearchParams(window.location.search);
  const orgId = Number(config.bootData.user.orgId) || 1;
  const backendSrv = createHarnessBackendSrv(() => orgId);
  setBackendSrv(backendSrv);
  setDataSourceSrv(await createHarnessDataSourceSrv(backendSrv));

  const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
  const pageId = params.get('page') ?? '';
  const page = pages.find((p) => p.id === pageId);
  const ctx: HarnessContext = { params, orgId, prometheusPath: '/prom', lokiPath: '/loki' };
  document.title = page ? `harness: ${page.id}` : 'harness';

  const root = createRoot(document.getElementById('root')!);
  root.render(
    <ThemeContext.Provider value={theme}>
      <HarnessShell pageId={pageId} path={params.get('path') ?? '/'}>
        {page ? page.render(ctx) : <PageIndex list={pages} />}
      </HarnessShell>
    </ThemeContext.Provider>
  );
  if (pageId && !page) {
    throw new Error(
      `harness: no page "${pageId}"; known pages: ${pages.map((p) => p.id).join(', ')}. Add tests/browser/harness/pages/${pageId}.tsx`
    );
  }
}

boot().catch((error) => {
  setTimeout(() => {
    throw error;
  });
});
