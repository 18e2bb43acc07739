import { PluginType, type AppPluginMeta } from '@grafana/data';
import type { TenancyAppSettings } from '../../../src/components/appSettings';
import pluginJson from '../../../src/plugin.json';

/** The plugin meta Grafana passes to this app's pages, built from src/plugin.json. */
export function appPluginMeta(jsonData: TenancyAppSettings = {}): AppPluginMeta<TenancyAppSettings> {
  return {
    id: pluginJson.id,
    name: pluginJson.name,
    type: PluginType.app,
    module: `public/plugins/${pluginJson.id}/module.js`,
    baseUrl: `public/plugins/${pluginJson.id}`,
    enabled: true,
    pinned: true,
    jsonData,
    info: pluginJson.info as unknown as AppPluginMeta['info'],
  };
}
