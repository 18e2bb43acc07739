import React, { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useTheme2 } from '@grafana/ui';

import { grafanaEditorTheme } from '../../components/editorTheme';
import { logqlLabelCompletion, type LokiLabelSource } from '../logqlCompletion';

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
  const theme = useTheme2();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const callbacks = useRef({ onChange, onRunQuery });
  useEffect(() => {
    callbacks.current = { onChange, onRunQuery };
  });

  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        ...grafanaEditorTheme(theme),
        autocompletion({ override: [logqlLabelCompletion(labels)] }),
        closeBrackets(),
        placeholder('LogQL, e.g. {app="api"} |= "error" or sum(count_over_time({app="api"}[$__auto]))'),
        keymap.of([{ key: 'Shift-Enter', run: () => (callbacks.current.onRunQuery(), true) }, ...completionKeymap]),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            callbacks.current.onChange(u.state.doc.toString());
          }
        }),
        EditorView.domEventHandlers({ blur: () => callbacks.current.onRunQuery() }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => {
      view.current?.destroy();
      view.current = undefined;
    };
    // The view is created once per label source and theme; value changes from outside are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels, theme]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} data-testid="tenantwrapper-logql-editor" aria-label="LogQL query" />;
}
