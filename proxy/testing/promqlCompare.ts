import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * Semantic PromQL comparison for the conformance tests, as the conformance README prescribes
 * ("How to compare"): per vector selector (document order) the multiset of matchers
 * `(name, op, unescaped value)`, metric name counted as `__name__="..."`; the rest of the text
 * with selectors replaced by a placeholder and white space removed. Independent of the engine
 * on purpose: it judges the engine's output.
 */
export interface NormalisedQuery {
  skeleton: string;
  selectors: string[][];
}

export function normaliseQuery(expr: string): NormalisedQuery {
  const tree = parser.parse(expr);
  let error: number | null = null;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === null) {
        error = n.from;
      }
    },
  });
  if (error !== null) {
    throw new Error(`not valid PromQL (error at ${error}): ${expr}`);
  }
  const selectors: string[][] = [];
  const pieces: string[] = [];
  let last = 0;
  tree.iterate({
    enter: (n) => {
      if (n.name === 'VectorSelector') {
        pieces.push(expr.slice(last, n.from), '§');
        last = n.to;
        selectors.push(selectorMatchers(n.node, expr));
        return false;
      }
      return undefined;
    },
  });
  pieces.push(expr.slice(last));
  return { skeleton: pieces.join('').replace(/\s+/g, ''), selectors };
}

/** The sorted matcher list of one selector, e.g. `['__name__="up"', 'job="x"']`. */
function selectorMatchers(sel: SyntaxNode, text: string): string[] {
  const out: string[] = [];
  for (let c = sel.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Identifier') {
      out.push(`__name__=${JSON.stringify(text.slice(c.from, c.to))}`);
    } else if (c.name === 'LabelMatchers') {
      for (let m = c.firstChild; m; m = m.nextSibling) {
        if (m.name === 'QuotedLabelName') {
          out.push(`__name__=${JSON.stringify(unquote(text.slice(m.from, m.to)))}`);
        } else if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
          const name = m.firstChild!;
          const op = name.nextSibling!;
          const value = op.nextSibling!;
          const labelName =
            name.name === 'QuotedLabelName' ? unquote(text.slice(name.from, name.to)) : text.slice(name.from, name.to);
          out.push(
            `${labelName}${text.slice(op.from, op.to)}${JSON.stringify(unquote(text.slice(value.from, value.to)))}`
          );
        }
      }
    }
  }
  return out.sort();
}

/** The value of a PromQL string literal ("..." and '...' with Go escapes, `...` raw). */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') {
    return body;
  }
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, esc: string) => {
    switch (esc[0]) {
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(esc.slice(1), 16));
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      default:
        return /^[0-7]{3}$/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
    }
  });
}

/** Same query up to formatting and matcher order? Returns a reason when not. */
export function queryDifference(actual: string, expected: string): string | null {
  let a: NormalisedQuery;
  let e: NormalisedQuery;
  try {
    a = normaliseQuery(actual);
    e = normaliseQuery(expected);
  } catch (err) {
    return (err as Error).message;
  }
  if (a.skeleton !== e.skeleton) {
    return `structure differs: ${a.skeleton} vs ${e.skeleton}`;
  }
  if (JSON.stringify(a.selectors) !== JSON.stringify(e.selectors)) {
    return `selectors differ: ${JSON.stringify(a.selectors)} vs ${JSON.stringify(e.selectors)}`;
  }
  return null;
}

/** match[] lists: multisets of selectors, each compared as a matcher multiset. */
export function selectorListDifference(actual: readonly string[], expected: readonly string[]): string | null {
  try {
    const key = (s: string) => JSON.stringify(normaliseQuery(s).selectors);
    const a = actual.map(key).sort();
    const e = expected.map(key).sort();
    return JSON.stringify(a) === JSON.stringify(e) ? null : `match[] differ: ${a.join(' ')} vs ${e.join(' ')}`;
  } catch (err) {
    return (err as Error).message;
  }
}
