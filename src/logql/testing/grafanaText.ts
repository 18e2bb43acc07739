/**
 * Grafana query text made concrete for the tests' independent checks: each variable replaced the
 * way Grafana's interpolation would leave valid LogQL — inside a string `x`, as a range (`[$__auto]`)
 * `1m`, before a range unit (`[${__range_s}s]`) `60`, as a label name (before a matcher operator, or
 * in `by (…)` / `without (…)`) `x`, anywhere else a number `1`. Shares nothing with the engine's own
 * protection of variables (../grafana.ts), so that the walk in selectorWalk.ts checks what the
 * engine produced, not what it believes.
 */

/** Grafana's variable forms: `$var`, `[[var]]`, `${var}`, `${var:format}`, `${var.field}`. */
export const GRAFANA_VARIABLE = /\$\w+|\[\[\w+(?::\w+)?\]\]|\$\{\w+(?:\.[^:^}]+)?(?::[^}]+)?\}/g;

export function interpolateForCheck(text: string): string {
  const variable = new RegExp(GRAFANA_VARIABLE.source, 'g');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) {
        j += ch === '"' && text[j] === '\\' ? 2 : 1;
      }
      out += text.slice(i, j + 1).replace(variable, 'x');
      i = j + 1;
      continue;
    }
    variable.lastIndex = i;
    const m = variable.exec(text);
    if (m && m.index === i) {
      out += valueFor(out, text.slice(i + m[0].length).trimStart());
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function valueFor(before: string, after: string): string {
  if (before.trimEnd().endsWith('[')) {
    return '1m';
  }
  if (/^[smhd]\]/.test(after)) {
    return '60';
  }
  if (/^(=|!=|=~|!~)/.test(after) || /\b(?:by|without)\s*\([^)]*$/.test(before)) {
    return 'x';
  }
  return '1';
}
