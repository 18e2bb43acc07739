import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { GrafanaTheme2 } from '@grafana/data';
import { tags } from '@lezer/highlight';

/**
 * CodeMirror colours from the Grafana theme, so the wrapper's PromQL editor and the admin page's
 * spec editor read well in dark and light mode. The token tags are the ones lezer-promql assigns
 * (labelName, string, number, function(variableName), operatorKeyword, modifier, comment, invalid)
 * and lezer-yaml's (definition(propertyName) for keys, content, lineComment, typeName).
 */
export function grafanaEditorTheme(theme: GrafanaTheme2): Extension[] {
  const c = (name: string) => theme.visualization.getColorByName(name);
  const highlight = HighlightStyle.define([
    { tag: tags.labelName, color: c('orange') },
    { tag: tags.string, color: c('green') },
    { tag: tags.number, color: c('purple') },
    { tag: tags.function(tags.variableName), color: c('blue') },
    { tag: [tags.operatorKeyword, tags.modifier, tags.logicOperator], color: c('blue'), fontWeight: 'bold' },
    { tag: tags.definition(tags.propertyName), color: c('orange') },
    { tag: tags.typeName, color: c('purple') },
    { tag: [tags.comment, tags.lineComment], color: theme.colors.text.disabled, fontStyle: 'italic' },
    { tag: tags.invalid, color: theme.colors.error.text, textDecoration: 'underline wavy' },
  ]);
  const view = EditorView.theme(
    {
      '&': {
        backgroundColor: theme.components.input.background,
        color: theme.colors.text.primary,
        border: `1px solid ${theme.components.input.borderColor}`,
        borderRadius: theme.shape.radius.default,
        minHeight: '32px',
      },
      '&.cm-focused': { outline: `2px solid ${theme.colors.primary.main}` },
      '.cm-content': { fontFamily: theme.typography.fontFamilyMonospace, caretColor: theme.colors.text.primary },
      '.cm-placeholder': { color: theme.colors.text.disabled },
      '.cm-gutters': {
        backgroundColor: theme.colors.background.secondary,
        color: theme.colors.text.disabled,
        borderRight: `1px solid ${theme.components.input.borderColor}`,
      },
      '.cm-lintRange-error': { textDecoration: `underline wavy ${theme.colors.error.text}` },
      '.cm-tooltip': {
        backgroundColor: theme.colors.background.secondary,
        color: theme.colors.text.primary,
        border: `1px solid ${theme.colors.border.medium}`,
      },
      '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
        backgroundColor: theme.colors.action.selected,
        color: theme.colors.text.primary,
      },
    },
    { dark: theme.isDark }
  );
  return [view, syntaxHighlighting(highlight)];
}
