/**
 * `?page=ds-config`: the tenant wrapper's config editor for a NEW data source (empty jsonData), as
 * Grafana shows it right after "Add data source". The target picker lists the Prometheus rows of
 * GET /api/datasources. The live jsonData is mirrored in `ds-config-json`.
 */
import React, { useState } from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from '../../../../src/datasource/components/ConfigEditor';
import type { WrapperOptions } from '../../../../src/datasource/types';
import type { HarnessPage } from '../types';

function NewWrapperSettings({ orgId }: { orgId: number }) {
  const [options, setOptions] = useState(
    () =>
      ({
        id: 99,
        uid: 'new-wrapper',
        orgId,
        name: 'Tenant wrapper',
        type: 'mtlabs-tenantwrapper-datasource',
        typeName: 'Tenant wrapper (Prometheus)',
        typeLogoUrl: '',
        access: 'proxy',
        url: '',
        user: '',
        database: '',
        basicAuth: false,
        basicAuthUser: '',
        isDefault: false,
        withCredentials: false,
        readOnly: false,
        jsonData: {},
        secureJsonFields: {},
      }) as unknown as DataSourceSettings<WrapperOptions>
  );
  return (
    <div style={{ maxWidth: 1000 }}>
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      <pre data-testid="ds-config-json">{JSON.stringify(options.jsonData)}</pre>
    </div>
  );
}

const page: HarnessPage = {
  id: 'ds-config',
  title: 'Tenant wrapper config editor for a new data source',
  render: ({ orgId }) => <NewWrapperSettings orgId={orgId} />,
};

export default page;
