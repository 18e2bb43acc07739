import React, { useEffect, useMemo, useState } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Field, Input, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import type { TenantWrapperDataSource } from '../datasource';
import { describeTenant } from '../enforcement';
import { describeError } from '../errors';
import { TenantLokiLabels } from '../logqlCompletion';
import { TenantPrometheusClient } from '../promqlClient';
import type { WrapperOptions, WrapperQuery } from '../types';
import { LogQLCodeEditor } from './LogQLCodeEditor';
import { PromQLCodeEditor } from './PromQLCodeEditor';

export type WrapperQueryEditorProps = QueryEditorProps<TenantWrapperDataSource, WrapperQuery, WrapperOptions>;

type QueryType = 'range' | 'instant' | 'both';

const QUERY_TYPES: Array<{ label: string; value: QueryType }> = [
  { label: 'Range', value: 'range' },
  { label: 'Instant', value: 'instant' },
  { label: 'Both', value: 'both' },
];

function queryType(q: WrapperQuery): QueryType {
  if (q.range && q.instant) {
    return 'both';
  }
  return q.instant ? 'instant' : 'range';
}

/** The "limited to tenant …" line; re-resolved when the data source changes. */
export function TenantLine({ datasource }: { datasource: TenantWrapperDataSource }) {
  const [text, setText] = useState<{ ok: boolean; message: string }>({ ok: true, message: 'Looking up your tenant…' });
  useEffect(() => {
    let live = true;
    datasource.tenant().then(
      (t) =>
        live &&
        setText({
          ok: true,
          message: `This query will be limited to ${describeTenant(t)} (teams: ${t.mappedTeams.join(', ')}).`,
        }),
      (e) => live && setText({ ok: false, message: describeError(e) })
    );
    return () => {
      live = false;
    };
  }, [datasource]);
  return (
    <div data-testid="tenantwrapper-tenant-line">
      <Text color={text.ok ? 'secondary' : 'error'} variant="bodySmall">
        {text.message}
      </Text>
    </div>
  );
}

/** The legend format field both query languages share (Grafana's `{{label}}` templates). */
function LegendField({
  query,
  onChange,
  onRunQuery,
}: Pick<WrapperQueryEditorProps, 'query' | 'onChange' | 'onRunQuery'>) {
  return (
    <Field label="Legend">
      <Input
        aria-label="Legend format"
        width={30}
        placeholder="{{label}}"
        value={query.legendFormat ?? ''}
        onChange={(e) => onChange({ ...query, legendFormat: e.currentTarget.value })}
        onBlur={onRunQuery}
      />
    </Field>
  );
}

const LOKI_QUERY_TYPES: Array<{ label: string; value: string }> = [
  { label: 'Range', value: 'range' },
  { label: 'Instant', value: 'instant' },
];

/**
 * The Loki form: a LogQL field and the Loki query options (grafana/grafana public/app/plugins/
 * datasource/loki/types.ts: queryType, maxLines, legendFormat), forwarded to the target unchanged.
 */
function LokiQueryEditor({ datasource, query, range, onChange, onRunQuery }: WrapperQueryEditorProps) {
  const labels = useMemo(() => new TenantLokiLabels(datasource.lokiMetadata), [datasource]);
  useEffect(() => labels.setRange(range), [labels, range]);
  return (
    <Stack direction="column" gap={1}>
      <LogQLCodeEditor
        value={query.expr ?? ''}
        labels={labels}
        onChange={(expr) => onChange({ ...query, expr })}
        onRunQuery={onRunQuery}
      />
      <TenantLine datasource={datasource} />
      <Stack direction="row" gap={2}>
        <LegendField query={query} onChange={onChange} onRunQuery={onRunQuery} />
        <Field label="Type">
          <RadioButtonGroup
            options={LOKI_QUERY_TYPES}
            value={query.queryType === 'instant' ? 'instant' : 'range'}
            onChange={(v) => {
              onChange({ ...query, queryType: v });
              onRunQuery();
            }}
          />
        </Field>
        <Field label="Line limit">
          <Input
            aria-label="Line limit"
            type="number"
            width={12}
            placeholder="auto"
            value={query.maxLines ?? ''}
            onChange={(e) => {
              const n = parseInt(e.currentTarget.value, 10);
              onChange({ ...query, maxLines: Number.isFinite(n) && n > 0 ? n : undefined });
            }}
            onBlur={onRunQuery}
          />
        </Field>
      </Stack>
    </Stack>
  );
}

/** The editor of the target's language: LogQL for a Loki target, PromQL otherwise. */
export function QueryEditor(props: WrapperQueryEditorProps) {
  return props.datasource.targetKindOrUndefined() === 'loki' ? (
    <LokiQueryEditor {...props} />
  ) : (
    <PromQueryEditor {...props} />
  );
}

function PromQueryEditor({ datasource, query, range, onChange, onRunQuery }: WrapperQueryEditorProps) {
  const client = useMemo(() => new TenantPrometheusClient(datasource.metadata), [datasource]);
  useEffect(() => client.setRange(range), [client, range]);
  const type = queryType(query);
  return (
    <Stack direction="column" gap={1}>
      <PromQLCodeEditor
        value={query.expr ?? ''}
        client={client}
        onChange={(expr) => onChange({ ...query, expr })}
        onRunQuery={onRunQuery}
      />
      <TenantLine datasource={datasource} />
      <Stack direction="row" gap={2}>
        <LegendField query={query} onChange={onChange} onRunQuery={onRunQuery} />
        <Field label="Type">
          <RadioButtonGroup
            options={QUERY_TYPES}
            value={type}
            onChange={(v) => {
              onChange({ ...query, range: v !== 'instant', instant: v !== 'range' });
              onRunQuery();
            }}
          />
        </Field>
        <Field label="Min step">
          <Input
            aria-label="Min step"
            width={12}
            placeholder="auto"
            value={query.interval ?? ''}
            onChange={(e) => onChange({ ...query, interval: e.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </Field>
      </Stack>
    </Stack>
  );
}
