import React, { useEffect, useRef } from 'react';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { useTheme2 } from '@grafana/ui';
import { grafanaEditorTheme } from '../../components/editorTheme';
import type { PlacedError } from './specErrorPositions';

export interface SpecCodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Validation errors with their place in `value`; shown in the gutter and underlined. */
  errors: readonly PlacedError[];
}

/**
 * The spec as code: CodeMirror 6 with line numbers and YAML highlighting (JSON is YAML too).
 * Validation runs outside the editor (the same parseTenantSpec as the CLI), so the errors are
 * pushed in as diagnostics rather than computed by a CodeMirror linter of its own.
 */
export function SpecCodeEditor({ value, onChange, errors }: SpecCodeEditorProps) {
  const theme = useTheme2();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });

  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        lineNumbers(),
        lintGutter(),
        history(),
        highlightActiveLine(),
        yaml(),
        ...grafanaEditorTheme(theme),
        EditorView.theme({ '.cm-content, .cm-gutter': { minHeight: '360px' }, '.cm-scroller': { maxHeight: '60vh' } }),
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({
          'aria-label': 'Tenant spec (YAML or JSON)',
          'data-testid': 'spec-text',
          spellcheck: 'false',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            onChangeRef.current(u.state.doc.toString());
          }
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => {
      view.current?.destroy();
      view.current = undefined;
    };
    // Created once per theme; outside changes of `value` (form, load) are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) {
      return;
    }
    const length = v.state.doc.length;
    const diagnostics: Diagnostic[] = errors
      .filter((e) => e.from <= length)
      .map((e) => ({ from: e.from, to: Math.min(e.to, length), severity: 'error', message: e.message }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [errors, value, theme]);

  return <div ref={host} data-testid="spec-editor" />;
}
