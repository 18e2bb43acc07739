import { useEffect, useRef, type RefObject } from 'react';
import { closeBrackets, completionKeymap } from '@codemirror/autocomplete';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import type { GrafanaTheme2 } from '@grafana/data';
import { useTheme2 } from '@grafana/ui';

import { grafanaEditorTheme } from '../../components/editorTheme';

export interface QueryEditorViewOptions {
  value: string;
  onChange: (value: string) => void;
  /** Called on blur and Shift+Enter, like Grafana's own query editors. */
  onRunQuery: () => void;
  placeholder: string;
  /**
   * The language's extensions for a new view (completion fed by the wrapper's tenant-pinned calls),
   * and what to release with the view.
   */
  language: (theme: GrafanaTheme2) => { extensions: Extension[]; destroy?: () => void };
  /** What the language's extensions depend on: the view is made again when one changes. */
  deps: readonly unknown[];
}

/**
 * The CodeMirror view both query editors of the wrapper share: Grafana's theme, brackets, the
 * completion keymap, Shift+Enter and blur run the query, and `value` from outside kept in sync
 * without rebuilding the view. Returns the element to mount it in.
 */
export function useQueryEditorView(options: QueryEditorViewOptions): RefObject<HTMLDivElement> {
  const theme = useTheme2();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const callbacks = useRef({ onChange: options.onChange, onRunQuery: options.onRunQuery });
  useEffect(() => {
    callbacks.current = { onChange: options.onChange, onRunQuery: options.onRunQuery };
  });

  useEffect(() => {
    const language = options.language(theme);
    const state = EditorState.create({
      doc: options.value,
      extensions: [
        ...language.extensions,
        ...grafanaEditorTheme(theme),
        closeBrackets(),
        placeholder(options.placeholder),
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
      language.destroy?.();
    };
    // The view is made once per theme and language inputs; value changes from outside are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, ...options.deps]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== options.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: options.value } });
    }
  }, [options.value]);

  return host;
}
