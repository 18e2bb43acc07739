/** `?page=app-config`: the app's configuration page with the plugin meta Grafana would pass. */
import React from 'react';
import AppConfig from '../../../../src/components/AppConfig/AppConfig';
import type { TenancyAppSettings } from '../../../../src/components/appSettings';
import { appPluginMeta } from '../appPluginMeta';
import type { HarnessPage } from '../types';

const page: HarnessPage = {
  id: 'app-config',
  title: 'App configuration page (AppConfig)',
  render: ({ params }) => {
    const jsonData: TenancyAppSettings = {};
    if (params.get('tenantLabel') !== null) {
      jsonData.tenantLabel = params.get('tenantLabel')!;
    }
    const p = appPluginMeta(jsonData);
    return <AppConfig plugin={{ meta: p } as React.ComponentProps<typeof AppConfig>['plugin']} query={{}} />;
  },
};

export default page;
