/**
 * Grafana's Prometheus variable-query functions (Grafana docs "Prometheus template variables";
 * public/app/plugins/datasource/prometheus/metric_find_query.ts in Grafana ≤ 10, now
 * @grafana/prometheus): `label_names()`, `label_values(label)`, `label_values(metric, label)`,
 * `metrics(regex)`, `query_result(query)`. Each is rewritten to a form Grafana's data source
 * accepts that only returns the tenant's data:
 *   label_values(job)            → label_values({tenant="a"}, job)
 *   label_values(up{x="y"}, job) → label_values(up{x="y",tenant="a"}, job)
 *   label_names()                → label_names({tenant="a"})
 *   metrics(foo.*)               → label_values({__name__=~".*(?:foo.*).*",tenant="a"}, __name__)
 *                                  (Grafana filters metric names with an unanchored RegExp test)
 *   query_result(expr)           → query_result(<expr enforced>)
 */
import { analyseQuery } from '../analyse';
import { MatcherEnforcer } from '../enforcer';
import { EnforceError, queryError } from '../errors';
import { quotePromQLString } from '../promqlString';
import { analyseGrafanaText, enforceGrafanaText } from './enforceGrafana';
import { restoreVariables } from './protect';

const CALL = /^\s*(label_values|label_names|metrics|query_result)\s*\(([\s\S]*)\)\s*$/;

/** Which of Grafana's variable functions `expr` calls (with its argument text), if any. */
export function variableFunctionOf(expr: string): { fn: string; inner: string } | undefined {
  const m = CALL.exec(expr);
  return m ? { fn: m[1], inner: m[2] } : undefined;
}

/** The rewritten variable query, or undefined when `expr` is not one of Grafana's functions. */
export function enforceVariableFunction(expr: string, me: MatcherEnforcer): string | undefined {
  const m = CALL.exec(expr);
  if (!m) {
    return undefined;
  }
  const [, fn, inner] = m;
  const tenant = me.joinedText;
  switch (fn) {
    case 'query_result':
      return `query_result(${enforceGrafanaText(inner.trim(), me)})`;
    case 'label_names':
      return inner.trim() === ''
        ? `label_names({${tenant}})`
        : `label_names(${enforceSelector(inner.trim(), me, expr)})`;
    case 'metrics': {
      const re = inner.trim();
      if (re === '') {
        throw new EnforceError('parse', `metrics() needs a regex, e.g. metrics(node_.*): ${JSON.stringify(expr)}`);
      }
      return `label_values({__name__=~${quotePromQLString(`.*(?:${re}).*`)},${tenant}}, __name__)`;
    }
    case 'label_values': {
      const comma = lastTopLevelComma(inner);
      if (comma < 0) {
        const label = inner.trim();
        checkLabelArg(label, expr);
        return `label_values({${tenant}}, ${label})`;
      }
      const label = inner.slice(comma + 1).trim();
      checkLabelArg(label, expr);
      return `label_values(${enforceSelector(inner.slice(0, comma).trim(), me, expr)}, ${label})`;
    }
  }
  return undefined;
}

function checkLabelArg(label: string, expr: string): void {
  // Grafana's own pattern for the label argument: [a-zA-Z_$][a-zA-Z0-9_]* (a variable is allowed).
  if (!/^(?:[a-zA-Z_][a-zA-Z0-9_]*|\$\{?\w+(?::\w+)?\}?|\[\[\w+\]\])$/.test(label)) {
    throw new EnforceError(
      'parse',
      `label_values(): ${JSON.stringify(label)} is not a label name in ${JSON.stringify(expr)}; write label_values(metric, label)`
    );
  }
}

/** A series selector argument (Grafana text), enforced; functions or modifiers are refused. */
function enforceSelector(selector: string, me: MatcherEnforcer, whole: string): string {
  const { parsed, protectedText } = analyseGrafanaText(selector, me);
  const sel = parsed.selectors[0];
  if (parsed.selectors.length !== 1 || sel.from !== 0 || sel.to !== parsed.text.trimEnd().length) {
    throw queryError(whole, 0, whole.length, 'the first argument must be a series selector such as up{job="x"}');
  }
  void analyseQuery; // the selector was fully checked by analyseGrafanaText
  return restoreVariables(enforceGrafanaText(selector, me), protectedText);
}

/** Index of the last comma outside strings, braces and parentheses, or -1. */
function lastTopLevelComma(text: string): number {
  let depth = 0;
  let quote = '';
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote !== '`') {
        i++;
      } else if (ch === quote) {
        quote = '';
      }
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '(' || ch === '{' || ch === '[') {
      depth++;
    } else if (ch === ')' || ch === '}' || ch === ']') {
      depth--;
    } else if (ch === ',' && depth === 0) {
      last = i;
    }
  }
  return last;
}
