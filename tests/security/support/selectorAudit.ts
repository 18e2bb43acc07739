/**
 * An independent check of enforced PromQL, written without any code from src/promql: parse the
 * text with @prometheus-io/lezer-promql, visit every node, and report every vector selector that
 * does not carry the tenant matcher, plus anything Prometheus could read differently from lezer
 * (error nodes; comments containing `\r`, which Prometheus' lexer treats as the end of a comment —
 * promql/parser/lex.go isEndOfLine — while lezer's LineComment runs to `\n`).
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export interface ExpectedMatcher {
  label: string;
  op: '=' | '=~';
  value: string;
}

export interface SeenMatcher {
  name: string;
  op: string;
  value: string;
}

export interface SeenSelector {
  text: string;
  matchers: SeenMatcher[];
}

/** Go regexp.QuoteMeta. */
function quoteMeta(v: string): string {
  return v.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** The matcher prom-label-proxy semantics require for `values` (computed here, not by the engine). */
export function expectedTenantMatcher(label: string, values: readonly string[]): ExpectedMatcher {
  if (values.length === 1) {
    return { label, op: '=', value: values[0] };
  }
  const sorted = [...values].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return { label, op: '=~', value: sorted.map(quoteMeta).join('|') };
}

/** Go strconv.Unquote for PromQL string literals ("…", '…', `…`); throws on malformed input. */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) {
    throw new Error(`unterminated string ${lit}`);
  }
  const body = lit.slice(1, -1);
  if (q === '`') {
    return body;
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
      "'": "'",
    };
    if (e in simple) {
      out += simple[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) {
        throw new Error(`bad escape in ${lit}`);
      }
      out += e === 'x' ? String.fromCharCode(parseInt(hex, 16)) : String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new Error(`bad escape \\${e} in ${lit}`);
    }
  }
  return out;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    out.push(c);
  }
  return out;
}

/** Every vector selector of `text` with its decoded matchers; `problems` gets parse trouble. */
export function listSelectors(text: string, problems: string[] = []): SeenSelector[] {
  const tree = parser.parse(text);
  const selectors: SeenSelector[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        problems.push(`lezer error node at ${ref.from} (${JSON.stringify(text.slice(ref.from, ref.from + 20))})`);
        return;
      }
      if (ref.name === 'LineComment') {
        const comment = text.slice(ref.from, ref.to);
        const cr = comment.indexOf('\r');
        if (cr >= 0 && comment.slice(cr + 1).trim() !== '') {
          problems.push(
            `comment with text after \\r at ${ref.from}: Prometheus ends the comment at \\r and evaluates ${JSON.stringify(comment.slice(cr + 1))}`
          );
        }
      }
      if (ref.name !== 'VectorSelector') {
        return;
      }
      const node = ref.node;
      const sel: SeenSelector = { text: text.slice(ref.from, ref.to), matchers: [] };
      const braces = node.getChild('LabelMatchers');
      for (const m of braces ? childrenOf(braces) : []) {
        if (m.name === 'LineComment') {
          continue;
        }
        const parts = childrenOf(m).filter((p) => p.name !== 'LineComment');
        try {
          if (m.name === 'QuotedLabelName') {
            sel.matchers.push({ name: '__name__', op: '=', value: unquote(text.slice(parts[0].from, parts[0].to)) });
          } else if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
            const [nameNode, opNode, valueNode] = parts;
            const name =
              nameNode.name === 'QuotedLabelName'
                ? unquote(text.slice(nameNode.firstChild!.from, nameNode.firstChild!.to))
                : text.slice(nameNode.from, nameNode.to);
            sel.matchers.push({
              name,
              op: text.slice(opNode.from, opNode.to),
              value: unquote(text.slice(valueNode.from, valueNode.to)),
            });
          } else {
            problems.push(`unexpected ${m.name} in ${sel.text}`);
          }
        } catch (e) {
          problems.push(`undecodable matcher in ${sel.text}: ${(e as Error).message}`);
        }
      }
      selectors.push(sel);
    },
  });
  return selectors;
}

/**
 * Problems with enforced text: parse trouble, selectors without the expected tenant matcher, and
 * (in `=` mode) any second matcher on the tenant label. An empty list means the text is safe.
 */
export function auditEnforced(text: string, expected: ExpectedMatcher): string[] {
  const problems: string[] = [];
  const selectors = listSelectors(text, problems);
  for (const sel of selectors) {
    const onLabel = sel.matchers.filter((m) => m.name === expected.label);
    const has = onLabel.some((m) => m.op === expected.op && m.value === expected.value);
    if (!has) {
      problems.push(`selector ${sel.text} lacks ${expected.label}${expected.op}${JSON.stringify(expected.value)}`);
    }
    if (expected.op === '=' && onLabel.length !== 1) {
      problems.push(`selector ${sel.text} has ${onLabel.length} matchers on ${expected.label}, want exactly one`);
    }
  }
  return problems;
}
