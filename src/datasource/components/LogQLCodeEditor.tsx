import React, { useEffect, useRef } from 'react';
import { closeBrackets } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useTheme2 } from '@grafana/ui';

import { grafanaEditorTheme } from '../../components/editorTheme';

export interface LogQLCodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Called on blur and Shift+Enter, like Grafana's own query editors. */
  onRunQuery: () => void;
}

/**
 * A plain CodeMirror 6 field for LogQL (no language package: the PromQL one would flag LogQL
 * pipelines as errors). The text is checked and pinned to the tenant when the query runs.
 */
export function LogQLCodeEditor({ value, onChange, onRunQuery }: LogQLCodeEditorProps) {
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
        closeBrackets(),
        placeholder('LogQL, e.g. {app="api"} |= "error" or sum(count_over_time({app="api"}[$__auto]))'),
        keymap.of([{ key: 'Shift-Enter', run: () => (callbacks.current.onRunQuery(), true) }]),
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
    // The view is created once per theme; value changes from outside are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} data-testid="tenantwrapper-logql-editor" aria-label="LogQL query" />;
}
