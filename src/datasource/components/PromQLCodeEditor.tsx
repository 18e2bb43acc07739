import React from 'react';
import { autocompletion } from '@codemirror/autocomplete';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';

import { useQueryEditorView } from './useQueryEditorView';

export interface PromQLCodeEditorProps {
  value: string;
  client: PrometheusClient;
  onChange: (value: string) => void;
  /** Called on blur and Shift+Enter, like Grafana's own query editors. */
  onRunQuery: () => void;
}

/**
 * A small CodeMirror 6 view with codemirror-promql (highlighting, completion). Completion
 * data comes only from `client`, i.e. the wrapper's tenant-enforced metadata calls.
 */
export function PromQLCodeEditor({ value, client, onChange, onRunQuery }: PromQLCodeEditorProps) {
  const host = useQueryEditorView({
    value,
    onChange,
    onRunQuery,
    placeholder: 'PromQL, e.g. rate(http_requests_total[$__rate_interval])',
    language: () => {
      // The linter is off: it flags every Grafana macro (`[$__rate_interval]`) as a syntax error.
      // Real errors are reported, with their position, when the query runs (engine + wrapper).
      const promql = new PromQLExtension().setComplete({ remote: client }).activateLinter(false);
      return { extensions: [promql.asExtension(), autocompletion()], destroy: () => promql.destroy() };
    },
    deps: [client],
  });
  return <div ref={host} data-testid="tenantwrapper-promql-editor" aria-label="PromQL query" />;
}
