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

function unquote(raw: string): string {
  return raw.startsWith('`') ? raw.slice(1, -1) : JSON.parse(raw);
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
