/**
 * `?page=app-root&path=/a/mtlabs-tenancy-app[/tenants]` or `?page=app-root&config=1`: the plugin
 * exactly as src/module.tsx exports it — its root page mounted where Grafana mounts app pages
 * (`/a/<plugin id>/*`), or its first config page — so the module's wiring and lazy loading are
 * exercised, not just the components.
 */
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { type AppPluginMeta } from '@grafana/data';
import { plugin } from '../../../../src/module';
import pluginJson from '../../../../src/plugin.json';
import { appPluginMeta } from '../appPluginMeta';
import type { HarnessPage } from '../types';

const meta = appPluginMeta() as AppPluginMeta;

function ModuleRoot({ config }: { config: boolean }) {
  if (config) {
    const page = plugin.configPages?.[0];
    if (!page) {
      throw new Error('src/module.tsx registers no config page (addConfigPage)');
    }
    const Body = page.body;
    return <Body plugin={{ meta } as React.ComponentProps<typeof Body>['plugin']} query={{}} />;
  }
  const Root = plugin.root;
  if (!Root) {
    throw new Error('src/module.tsx registers no root page (setRootPage)');
  }
  return (
    <Routes>
      <Route
        path={`/a/${pluginJson.id}/*`}
        element={
          <Root
            meta={meta}
            query={{}}
            path={`/a/${pluginJson.id}`}
            onNavChanged={() => {}}
            basename={`/a/${pluginJson.id}`}
          />
        }
      />
      <Route path="*" element={<p data-testid="app-root-outside">not under /a/{pluginJson.id}</p>} />
    </Routes>
  );
}

const page: HarnessPage = {
  id: 'app-root',
  title: 'The plugin from src/module.tsx: root page (routes) or config page (&config=1)',
  render: ({ params }) => <ModuleRoot config={params.has('config')} />,
};

export default page;
