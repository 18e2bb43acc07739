import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/**
 * Independent lezer walks over interpolated PromQL for the dashboard tests (deliberately not the
 * ENGINE's code, so the checks do not share its mistakes).
 */

export interface ParsedPromQL {
  errors: Array<{ from: number; to: number }>;
  selectors: SelectorInfo[];
}

export interface SelectorInfo {
  text: string;
  metric?: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

function unquote(literal: string): string {
  // PromQL string literals: "..." / '...' with Go escapes, or `...` raw. JSON covers the "..." form.
  if (literal.startsWith('`')) {
    return literal.slice(1, -1);
  }
  if (literal.startsWith("'")) {
    return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`);
  }
  return JSON.parse(literal);
}

function selectorInfo(node: SyntaxNode, text: string): SelectorInfo {
  const info: SelectorInfo = { text: text.slice(node.from, node.to), matchers: [] };
  const ident = node.getChild('Identifier');
  if (ident) {
    info.metric = text.slice(ident.from, ident.to);
  }
  const matchers = node.getChild('LabelMatchers');
  for (let m = matchers?.firstChild; m; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') {
      // `{"metric_name", ...}` form: a bare quoted name is the metric name.
      const lit = m.getChild('StringLiteral');
      info.metric = lit ? unquote(text.slice(lit.from, lit.to)) : info.metric;
    } else if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
      const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      if (nameNode && op && value) {
        let label = text.slice(nameNode.from, nameNode.to);
        if (nameNode.name === 'QuotedLabelName') {
          label = unquote(label);
        }
        info.matchers.push({ label, op: text.slice(op.from, op.to), value: unquote(text.slice(value.from, value.to)) });
      }
    }
  }
  const byName = info.matchers.find((x) => x.label === '__name__' && x.op === '=');
  if (!info.metric && byName) {
    info.metric = byName.value;
  }
  return info;
}

export function parsePromQL(text: string): ParsedPromQL {
  const tree = parser.parse(text);
  const result: ParsedPromQL = { errors: [], selectors: [] };
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        result.errors.push({ from: ref.from, to: ref.to });
      }
      if (ref.name === 'VectorSelector') {
        result.selectors.push(selectorInfo(ref.node, text));
      }
    },
  });
  return result;
}

/** A Grafana Prometheus variable query, split into what is sent where. */
export type VariableQuery =
  | { fn: 'label_values'; selector?: string; label: string }
  | { fn: 'query_result'; expr: string }
  | { fn: 'promql'; expr: string };

/**
 * Splits `label_values(selector, label)` / `label_values(label)` / `query_result(expr)`; anything
 * else is a plain PromQL variable query (Grafana's Prometheus metricFindQuery, same three forms).
 */
export function parseVariableQuery(query: string): VariableQuery {
  const q = query.trim();
  const call = (fn: string) =>
    q.startsWith(`${fn}(`) && q.endsWith(')') ? q.slice(fn.length + 1, -1).trim() : undefined;
  const lv = call('label_values');
  if (lv !== undefined) {
    // A label name cannot contain a comma, so the last comma separates it from the selector.
    const comma = lv.lastIndexOf(',');
    return comma < 0
      ? { fn: 'label_values', label: lv }
      : { fn: 'label_values', selector: lv.slice(0, comma).trim(), label: lv.slice(comma + 1).trim() };
  }
  const qr = call('query_result');
  if (qr !== undefined) {
    return { fn: 'query_result', expr: qr };
  }
  return { fn: 'promql', expr: q };
}

/** The PromQL inside a query text (variable functions unwrapped); undefined for `label_values(label)`. */
export function promqlOf(query: string): string | undefined {
  const v = parseVariableQuery(query);
  return v.fn === 'label_values' ? v.selector : v.expr;
}
