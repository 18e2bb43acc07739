/**
 * `?page=wrapper-editors&from=<unix s>&to=<unix s>`: the tenant wrapper data source's config editor
 * and query editor, as Grafana renders them on the data source settings page and in a panel. The
 * wrapper is the row with uid `tenant-wrapper` of GET /api/datasources; its tenant comes from the
 * signed-in user's teams (GET /api/user/teams) and its suggestions from the target through the
 * data source proxy. The current jsonData and query are mirrored as JSON for
 * tests/browser/wrapperEditors.test.ts.
 */
import React, { useMemo, useState } from 'react';
import { dateTime, type DataSourceInstanceSettings, type DataSourceSettings } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { ConfigEditor } from '../../../../src/datasource/components/ConfigEditor';
import { QueryEditor } from '../../../../src/datasource/components/QueryEditor';
import { TenantWrapperDataSource } from '../../../../src/datasource/datasource';
import type { WrapperOptions, WrapperQuery } from '../../../../src/datasource/types';
import { DataSourceEditors } from '../DataSourceEditors';
import type { HarnessPage } from '../types';

const WRAPPER_UID = 'tenant-wrapper';

function WrapperEditors({ params }: { params: URLSearchParams }) {
  const settings = getDataSourceSrv().getInstanceSettings(WRAPPER_UID) as
    DataSourceInstanceSettings<WrapperOptions> | undefined;
  const [options, setOptions] = useState<DataSourceSettings<WrapperOptions> | undefined>(
    settings &&
      ({ ...settings, orgId: 1, jsonData: settings.jsonData } as unknown as DataSourceSettings<WrapperOptions>)
  );
  const datasource = useMemo(() => (settings ? new TenantWrapperDataSource(settings) : undefined), [settings]);
  const from = Number(params.get('from') ?? 0);
  const to = Number(params.get('to') ?? 0);
  const range = useMemo(
    () => ({ from: dateTime(from * 1000), to: dateTime(to * 1000), raw: { from: String(from), to: String(to) } }),
    [from, to]
  );
  if (!settings || !options || !datasource) {
    return (
      <pre data-testid="wrapper-editors-failure">
        no data source with uid &quot;{WRAPPER_UID}&quot; in GET /api/datasources
      </pre>
    );
  }
  return (
    <div style={{ display: 'grid', gap: 24, maxWidth: 1100 }}>
      <DataSourceEditors
        testIdPrefix="wrapper"
        ConfigEditor={ConfigEditor}
        QueryEditor={QueryEditor}
        datasource={datasource}
        options={options}
        onOptionsChange={setOptions}
        initialQuery={{ refId: 'A', expr: params.get('expr') ?? '' } as WrapperQuery}
        range={range}
      />
    </div>
  );
}

const page: HarnessPage = {
  id: 'wrapper-editors',
  title: 'Tenant wrapper data source: config editor and query editor',
  render: ({ params }) => <WrapperEditors params={params} />,
};

export default page;
