/**
 * An independent reading of a LogQL text for tests: every stream selector with its matchers, via a
 * plain lezer tree iteration. Deliberately shares no code with the engine (analyse.ts, the shared
 * rewrite) so that a bug there cannot hide itself in the checks. Matcher nodes inside pipelines
 * (label filters, drop/keep) are not stream selectors and are not reported.
 */
import { parser } from '@grafana/lezer-logql';

export interface WalkedMatcher {
  name: string;
  op: string;
  value: string;
}

export interface WalkedSelector {
  from: number;
  to: number;
  matchers: WalkedMatcher[];
}

export interface WalkedQuery {
  hasErrorNode: boolean;
  selectors: WalkedSelector[];
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Go's strconv.Unquote for "…" and `…` (written apart from the engine's reader on purpose). */
function unquote(raw: string): string {
  if (raw.startsWith('`')) {
    return raw.slice(1, -1);
  }
  return raw
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
      if (e.length > 1) {
        return String.fromCodePoint(parseInt(/^[0-7]/.test(e) ? e : e.slice(1), /^[0-7]/.test(e) ? 8 : 16));
      }
      return ESCAPES[e] ?? e;
    });
}

export function walkSelectors(text: string): WalkedQuery {
  const tree = parser.parse(text);
  const selectors: WalkedSelector[] = [];
  let hasErrorNode = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        hasErrorNode = true;
      }
      if (node.name !== 'Selector') {
        return undefined;
      }
      const matchers: WalkedMatcher[] = [];
      node.node.cursor().iterate((m) => {
        if (m.name === 'Matcher') {
          const nameNode = m.node.getChild('Identifier')!;
          const valueNode = m.node.getChild('String')!;
          const opNode = nameNode.nextSibling!;
          matchers.push({
            name: text.slice(nameNode.from, nameNode.to),
            op: text.slice(opNode.from, opNode.to),
            value: unquote(text.slice(valueNode.from, valueNode.to)),
          });
          return false;
        }
        return undefined;
      });
      selectors.push({ from: node.from, to: node.to, matchers });
      return false;
    },
  });
  return { hasErrorNode, selectors };
}

/** Selectors of `text` that lack the matcher `label op value` (or ["output does not parse"]). */
export function unpinnedSelectors(text: string, label: string, op: string, value: string): string[] {
  const walked = walkSelectors(text);
  if (walked.hasErrorNode) {
    return ['output does not parse'];
  }
  return walked.selectors
    .filter((s) => !s.matchers.some((m) => m.name === label && m.op === op && m.value === value))
    .map((s) => text.slice(s.from, s.to));
}
