import React from 'react';
import { autocompletion } from '@codemirror/autocomplete';

import { logqlLabelCompletion, type LokiLabelSource } from '../logqlCompletion';
import { useQueryEditorView } from './useQueryEditorView';

export interface LogQLCodeEditorProps {
  value: string;
  /** Label names and values for stream selectors (the wrapper's tenant-pinned Loki calls). */
  labels: LokiLabelSource;
  onChange: (value: string) => void;
  /** Called on blur and Shift+Enter, like Grafana's own query editors. */
  onRunQuery: () => void;
}

/**
 * A CodeMirror 6 field for LogQL (no language package: the PromQL one would flag LogQL pipelines
 * as errors) with label suggestions inside stream selectors, fed only by `labels`. The text is
 * checked and pinned to the tenant when the query runs.
 */
export function LogQLCodeEditor({ value, labels, onChange, onRunQuery }: LogQLCodeEditorProps) {
  const host = useQueryEditorView({
    value,
    onChange,
    onRunQuery,
    placeholder: 'LogQL, e.g. {app="api"} |= "error" or sum(count_over_time({app="api"}[$__auto]))',
    language: () => ({ extensions: [autocompletion({ override: [logqlLabelCompletion(labels)] })] }),
    deps: [labels],
  });
  return <div ref={host} data-testid="tenantwrapper-logql-editor" aria-label="LogQL query" />;
}
