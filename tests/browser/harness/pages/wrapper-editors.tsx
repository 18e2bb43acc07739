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
  const [query, setQuery] = useState<WrapperQuery>({ refId: 'A', expr: params.get('expr') ?? '' });
  const [runs, setRuns] = useState(0);
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
      <section data-testid="wrapper-config-editor">
        <h2>Data source settings: {settings.name}</h2>
        <ConfigEditor options={options} onOptionsChange={setOptions} />
        <pre data-testid="wrapper-config-json">{JSON.stringify(options.jsonData)}</pre>
      </section>
      <section data-testid="wrapper-query-editor">
        <h2>Query editor</h2>
        <QueryEditor
          datasource={datasource}
          query={query}
          range={range}
          onChange={setQuery}
          onRunQuery={() => setRuns((n) => n + 1)}
        />
        <pre data-testid="wrapper-query-json">{JSON.stringify({ query, runs })}</pre>
      </section>
    </div>
  );
}

const page: HarnessPage = {
  id: 'wrapper-editors',
  title: 'Tenant wrapper data source: config editor and query editor',
  render: ({ params }) => <WrapperEditors params={params} />,
};

export default page;
