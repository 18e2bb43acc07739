import React, { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useTheme2 } from '@grafana/ui';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';

import { grafanaEditorTheme } from '../../components/editorTheme';

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
  const theme = useTheme2();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const callbacks = useRef({ onChange, onRunQuery });
  useEffect(() => {
    callbacks.current = { onChange, onRunQuery };
  });

  useEffect(() => {
    // The linter is off: it flags every Grafana macro (`[$__rate_interval]`) as a syntax error.
    // Real errors are reported, with their position, when the query runs (engine + wrapper).
    const promql = new PromQLExtension().setComplete({ remote: client }).activateLinter(false);
    const state = EditorState.create({
      doc: value,
      extensions: [
        promql.asExtension(),
        ...grafanaEditorTheme(theme),
        autocompletion(),
        closeBrackets(),
        placeholder('PromQL, e.g. rate(http_requests_total[$__rate_interval])'),
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
      promql.destroy();
    };
    // The view is created once per client; value changes from outside are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, theme]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} data-testid="tenantwrapper-promql-editor" aria-label="PromQL query" />;
}
