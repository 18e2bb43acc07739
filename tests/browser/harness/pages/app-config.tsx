/** `?page=app-config`: the app's configuration page with the plugin meta Grafana would pass. */
import React from 'react';
import { PluginType, type AppPluginMeta } from '@grafana/data';
import AppConfig from '../../../../src/components/AppConfig/AppConfig';
import type { TenancyAppSettings } from '../../../../src/components/appSettings';
import pluginJson from '../../../../src/plugin.json';
import type { HarnessPage } from '../types';

function meta(jsonData: TenancyAppSettings): AppPluginMeta<TenancyAppSettings> {
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

const page: HarnessPage = {
  id: 'app-config',
  title: 'App configuration page (AppConfig)',
  render: ({ params }) => {
    const jsonData: TenancyAppSettings = {};
    if (params.get('tenantLabel') !== null) {
      jsonData.tenantLabel = params.get('tenantLabel')!;
    }
    const p = meta(jsonData);
    return <AppConfig plugin={{ meta: p } as React.ComponentProps<typeof AppConfig>['plugin']} query={{}} />;
  },
};

export default page;
