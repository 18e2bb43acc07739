/**
 * `?page=dist-plugin&view=app|config|datasource`: the BUILT plugin — the files Grafana loads, not
 * our sources. The harness server serves `dist/` under `/public/plugins/<id>/`; this page loads
 * `module.js` / `datasource/module.js` with the harness AMD loader, every webpack external bound to
 * the harness's own instances (./grafanaExternals), and renders what the exported `plugin` registers:
 *
 * - `view=app&path=/a/<id>/tenants`: `plugin.root` mounted under `/a/<id>/*` as Grafana mounts app
 *   pages (its lazy chunks load through webpack's public path, derived from `module.uri`);
 * - `view=config`: the first of `plugin.configPages`, given the plugin as Grafana gives it;
 * - `view=datasource&uid=<uid>&expr=<PromQL>`: the nested data source's `components.ConfigEditor`
 *   with the settings of GET /api/datasources/uid/<uid>, and `components.QueryEditor` with an
 *   instance of the built `DataSourceClass`.
 *
 * Plugin meta is what Grafana would pass: GET /api/plugins/<id>/settings (the org's jsonData)
 * overlaid with the built plugin.json. `dist-plugin-source` names the module loaded and the
 * dependencies its define() asked for; the live jsonData / query are mirrored as JSON.
 */
import React, { useEffect, useMemo, useState } from 'react';
import { Route, Routes } from 'react-router-dom';
import {
  AppPlugin,
  DataSourcePlugin,
  getDefaultTimeRange,
  PluginType,
  type AppPluginMeta,
  type DataQuery,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type DataSourceSettings,
} from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';
import pluginJson from '../../../../src/plugin.json';
import { loadAmdModule, type AmdModuleLoad } from '../amdLoader';
import { DataSourceEditors } from '../DataSourceEditors';
import { GRAFANA_EXTERNALS } from '../grafanaExternals';
import { registerHarnessDataSource } from '../harnessDataSourceSrv';
import type { HarnessPage } from '../types';

const PLUGIN_ID = pluginJson.id;
/** Where Grafana serves an installed plugin's files (and where its `module` meta points). */
const PUBLIC_BASE = `public/plugins/${PLUGIN_ID}`;

type PluginExports = { plugin?: unknown };
type AnyDataSourcePlugin = DataSourcePlugin<DataSourceApi>;

async function fetchBuiltJson<T>(file: string): Promise<T> {
  const url = `/${PUBLIC_BASE}/${file}`;
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}

function loadBuilt(file: string): Promise<AmdModuleLoad<PluginExports>> {
  return loadAmdModule<PluginExports>(`/${PUBLIC_BASE}/${file}`, GRAFANA_EXTERNALS);
}

function describe(value: unknown): string {
  return value === null || value === undefined ? String(value) : (value.constructor?.name ?? typeof value);
}

/** Runs `load` once; a failure is thrown during render so the harness boundary reports it. */
function useLoaded<T>(load: () => Promise<T>): T | undefined {
  const [state, setState] = useState<{ value?: T; error?: unknown }>({});
  useEffect(() => {
    load().then(
      (value) => setState({ value }),
      (error) => setState({ error })
    );
    // `load` is a module-level function per view: load exactly once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  if (state.error !== undefined) {
    throw state.error;
  }
  return state.value;
}

function Source({ loaded }: { loaded: AmdModuleLoad<unknown> }) {
  return (
    <p data-testid="dist-plugin-source" data-module-uri={loaded.uri} style={{ opacity: 0.7 }}>
      Built plugin: {loaded.uri} — AMD dependencies: {loaded.dependencies.join(', ')}
    </p>
  );
}

interface LoadedApp {
  loaded: AmdModuleLoad<PluginExports>;
  plugin: AppPlugin;
  meta: AppPluginMeta;
}

async function loadApp(): Promise<LoadedApp> {
  const built = await fetchBuiltJson<Partial<AppPluginMeta>>('plugin.json');
  const settings = await getBackendSrv().get<Partial<AppPluginMeta>>(`/api/plugins/${PLUGIN_ID}/settings`);
  const loaded = await loadBuilt('module.js');
  const plugin = loaded.exports.plugin;
  if (!(plugin instanceof AppPlugin)) {
    throw new Error(
      `${loaded.uri} exports "plugin" as ${describe(plugin)}, not an AppPlugin of the shared @grafana/data; ` +
        `Grafana needs \`export const plugin = new AppPlugin()\` in src/module.tsx`
    );
  }
  const meta = {
    ...settings,
    id: built.id,
    name: built.name,
    type: PluginType.app,
    info: built.info,
    includes: built.includes,
    dependencies: built.dependencies,
    module: `${PUBLIC_BASE}/module.js`,
    baseUrl: PUBLIC_BASE,
    jsonData: settings.jsonData ?? {},
  } as AppPluginMeta;
  // Grafana's app plugin import sets the meta and calls init before rendering anything.
  plugin.meta = meta;
  plugin.init(meta);
  return { loaded, plugin, meta };
}

function BuiltAppRoot() {
  const app = useLoaded(loadApp);
  if (!app) {
    return <LoadingPlaceholder text="Loading dist/module.js…" />;
  }
  const Root = app.plugin.root;
  if (!Root) {
    throw new Error(`${app.loaded.uri}: the plugin registers no root page (setRootPage in src/module.tsx)`);
  }
  const base = `/a/${PLUGIN_ID}`;
  return (
    <>
      <Source loaded={app.loaded} />
      <Routes>
        <Route
          path={`${base}/*`}
          element={<Root meta={app.meta} query={{}} path={base} basename={base} onNavChanged={() => {}} />}
        />
        <Route path="*" element={<p data-testid="dist-app-outside">not under {base}</p>} />
      </Routes>
    </>
  );
}

function BuiltConfigPage() {
  const app = useLoaded(loadApp);
  if (!app) {
    return <LoadingPlaceholder text="Loading dist/module.js…" />;
  }
  const page = app.plugin.configPages?.[0];
  if (!page) {
    throw new Error(`${app.loaded.uri}: the plugin registers no config page (addConfigPage in src/module.tsx)`);
  }
  const Body = page.body;
  return (
    <>
      <Source loaded={app.loaded} />
      <h2 data-testid="dist-config-title">{page.title}</h2>
      <Body plugin={app.plugin} query={{}} />
    </>
  );
}

interface LoadedDataSource {
  loaded: AmdModuleLoad<PluginExports>;
  plugin: AnyDataSourcePlugin;
  instance: DataSourceApi;
  options: DataSourceSettings;
}

async function loadDataSource(uid: string): Promise<LoadedDataSource> {
  const built = await fetchBuiltJson<DataSourcePluginMeta>('datasource/plugin.json');
  const loaded = await loadBuilt('datasource/module.js');
  const plugin = loaded.exports.plugin;
  if (!(plugin instanceof DataSourcePlugin)) {
    throw new Error(
      `${loaded.uri} exports "plugin" as ${describe(plugin)}, not a DataSourcePlugin of the shared @grafana/data; ` +
        `Grafana needs \`export const plugin = new DataSourcePlugin(…)\` in src/datasource/module.ts`
    );
  }
  const meta = { ...built, module: `${PUBLIC_BASE}/datasource/module.js`, baseUrl: `${PUBLIC_BASE}/datasource` };
  plugin.meta = meta;
  const listed = getDataSourceSrv().getInstanceSettings(uid);
  if (!listed) {
    throw new Error(`no data source with uid "${uid}" in GET /api/datasources; create it in the fake Grafana first`);
  }
  if (listed.type !== built.id) {
    throw new Error(`data source "${uid}" has type "${listed.type}", but the built data source is "${built.id}"`);
  }
  const instanceSettings: DataSourceInstanceSettings = { ...listed, meta };
  const instance = new plugin.DataSourceClass(instanceSettings);
  registerHarnessDataSource(uid, instance);
  // The data source settings page edits what this endpoint returns (Grafana's DataSourceSettings).
  const options = await getBackendSrv().get<DataSourceSettings>(`/api/datasources/uid/${encodeURIComponent(uid)}`);
  return { loaded, plugin: plugin as AnyDataSourcePlugin, instance, options };
}

function BuiltDataSourceEditors({ uid, expr }: { uid: string; expr: string }) {
  const ds = useLoaded(() => loadDataSource(uid));
  const [options, setOptions] = useState<DataSourceSettings | undefined>();
  const range = useMemo(() => getDefaultTimeRange(), []);
  if (!ds) {
    return <LoadingPlaceholder text="Loading dist/datasource/module.js…" />;
  }
  const { ConfigEditor, QueryEditor } = ds.plugin.components;
  if (!ConfigEditor || !QueryEditor) {
    throw new Error(`${ds.loaded.uri}: the data source plugin must set both a config editor and a query editor`);
  }
  return (
    <div style={{ display: 'grid', gap: 24, maxWidth: 1100 }}>
      <Source loaded={ds.loaded} />
      <DataSourceEditors
        testIdPrefix="dist-ds"
        ConfigEditor={ConfigEditor}
        QueryEditor={QueryEditor}
        datasource={ds.instance}
        options={options ?? ds.options}
        onOptionsChange={setOptions}
        initialQuery={{ refId: 'A', expr } as DataQuery}
        range={range}
      />
    </div>
  );
}

function DistPlugin({ params }: { params: URLSearchParams }) {
  const view = params.get('view') ?? 'app';
  switch (view) {
    case 'app':
      return <BuiltAppRoot />;
    case 'config':
      return <BuiltConfigPage />;
    case 'datasource':
      return <BuiltDataSourceEditors uid={params.get('uid') ?? 'tenant-wrapper'} expr={params.get('expr') ?? ''} />;
    default:
      throw new Error(`dist-plugin: unknown view "${view}"; use view=app, view=config or view=datasource`);
  }
}

const page: HarnessPage = {
  id: 'dist-plugin',
  title: 'The BUILT plugin from dist/ (npm run build): app root, config page, data source editors',
  render: ({ params }) => <DistPlugin params={params} />,
};

export default page;
