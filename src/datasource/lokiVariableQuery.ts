import { WrapperError } from './errors';

/**
 * A Loki variable query as Grafana's Loki data source models it: label names, or the values of one
 * label, optionally within a stream selector (grafana/grafana public/app/plugins/datasource/loki/
 * types.ts LokiVariableQuery and LokiVariableQueryType, where LabelNames = 0 and LabelValues = 1;
 * older dashboards store the text forms `label_names()` and `label_values([stream,] label)`).
 */
export type LokiVariableQuery =
  { type: 'labelNames'; stream?: string } | { type: 'labelValues'; label: string; stream?: string };

const FIX =
  'use "Label names", or "Label values" with a label and an optional stream selector ' +
  '(text forms: label_names(), label_values(label), label_values({app="x"}, label))';

function fromText(text: string): LokiVariableQuery {
  const t = text.trim();
  if (/^label_names\(\s*\)$/.test(t)) {
    return { type: 'labelNames' };
  }
  const values = /^label_values\(([\s\S]*)\)$/.exec(t);
  if (values) {
    const args = values[1];
    // The label is the last argument; the stream selector (which may contain commas) is the rest.
    const comma = args.lastIndexOf(',');
    const label = (comma < 0 ? args : args.slice(comma + 1)).trim();
    const stream = comma < 0 ? undefined : args.slice(0, comma).trim();
    if (label !== '') {
      return { type: 'labelValues', label, stream: stream || undefined };
    }
  }
  throw new WrapperError('rejected', `Variable query "${text}" is not a Loki variable query; ${FIX}.`);
}

export function parseLokiVariableQuery(query: unknown): LokiVariableQuery {
  if (typeof query === 'string') {
    return fromText(query);
  }
  if (query && typeof query === 'object') {
    const q = query as { type?: unknown; label?: unknown; stream?: unknown; query?: unknown };
    const stream = typeof q.stream === 'string' && q.stream.trim() !== '' ? q.stream : undefined;
    if (q.type === 0 || q.type === 'labelNames') {
      return { type: 'labelNames', stream };
    }
    if ((q.type === 1 || q.type === 'labelValues') && typeof q.label === 'string' && q.label.trim() !== '') {
      return { type: 'labelValues', label: q.label.trim(), stream };
    }
    if (q.type === undefined && typeof q.query === 'string') {
      return fromText(q.query);
    }
  }
  throw new WrapperError('rejected', `Variable query ${JSON.stringify(query)} is not a Loki variable query; ${FIX}.`);
}
