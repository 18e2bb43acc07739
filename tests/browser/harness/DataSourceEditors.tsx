import React, { useState, type ComponentType } from 'react';
import type {
  DataQuery,
  DataSourceApi,
  DataSourceJsonData,
  DataSourcePluginOptionsEditorProps,
  DataSourceSettings,
  QueryEditorProps,
  TimeRange,
} from '@grafana/data';

interface Props<D extends DataSourceApi<Q, O>, Q extends DataQuery, O extends DataSourceJsonData> {
  /** Prefix of the sections' test ids: `<prefix>-config-editor`, `<prefix>-query-json`, … */
  testIdPrefix: string;
  ConfigEditor: ComponentType<DataSourcePluginOptionsEditorProps<O>>;
  QueryEditor: ComponentType<QueryEditorProps<D, Q, O>>;
  datasource: D;
  options: DataSourceSettings<O>;
  onOptionsChange: (options: DataSourceSettings<O>) => void;
  initialQuery: Q;
  range: TimeRange;
}

/**
 * A data source's config editor and query editor as Grafana renders them (settings page, panel
 * editor), with the current jsonData, query and run count mirrored as JSON for the tests.
 */
export function DataSourceEditors<D extends DataSourceApi<Q, O>, Q extends DataQuery, O extends DataSourceJsonData>(
  props: Props<D, Q, O>
) {
  const { testIdPrefix: id, ConfigEditor, QueryEditor, options } = props;
  const [query, setQuery] = useState<Q>(props.initialQuery);
  const [runs, setRuns] = useState(0);
  return (
    <>
      <section data-testid={`${id}-config-editor`}>
        <h2>Data source settings: {options.name}</h2>
        <ConfigEditor options={options} onOptionsChange={props.onOptionsChange} />
        <pre data-testid={`${id}-config-json`}>{JSON.stringify(options.jsonData)}</pre>
      </section>
      <section data-testid={`${id}-query-editor`}>
        <h2>Query editor</h2>
        <QueryEditor
          datasource={props.datasource}
          query={query}
          range={props.range}
          onChange={setQuery}
          onRunQuery={() => setRuns((n) => n + 1)}
        />
        <pre data-testid={`${id}-query-json`}>{JSON.stringify({ query, runs })}</pre>
      </section>
    </>
  );
}
