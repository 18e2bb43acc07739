/**
 * An independent reading of a PromQL text for tests: every vector selector with its matchers, via a
 * plain lezer tree iteration. Deliberately shares no code with the enforcer (analyse.ts, rewrite.ts)
 * so that a bug there cannot hide itself in the checks.
 */
import { parser } from '@prometheus-io/lezer-promql';

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
  /** The text with every selector replaced by `§`, comments and white space removed. */
  skeleton: string;
}

function unquote(raw: string): string {
  if (raw.startsWith('`')) {
    return raw.slice(1, -1);
  }
  if (raw.startsWith("'")) {
    const inner = raw.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"');
    return JSON.parse(`"${inner}"`);
  }
  return JSON.parse(raw);
}

export function walkSelectors(text: string): WalkedQuery {
  const tree = parser.parse(text);
  const selectors: WalkedSelector[] = [];
  const cut: Array<[number, number, string]> = [];
  let hasErrorNode = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        hasErrorNode = true;
      }
      if (node.name === 'LineComment') {
        cut.push([node.from, node.to, '']);
        return false;
      }
      if (node.name !== 'VectorSelector') {
        return undefined;
      }
      const matchers: WalkedMatcher[] = [];
      const n = node.node;
      const ident = n.getChild('Identifier');
      if (ident) {
        matchers.push({ name: '__name__', op: '=', value: text.slice(ident.from, ident.to) });
      }
      const lm = n.getChild('LabelMatchers');
      for (let m = lm?.firstChild; m; m = m.nextSibling) {
        if (m.name === 'QuotedLabelName') {
          matchers.push({ name: '__name__', op: '=', value: unquote(text.slice(m.from, m.to)) });
        } else if (m.name === 'UnquotedLabelMatcher' || m.name === 'QuotedLabelMatcher') {
          const nameNode = m.firstChild!;
          const opNode = nameNode.nextSibling!;
          const valueNode = m.lastChild!;
          const rawName = text.slice(nameNode.from, nameNode.to);
          matchers.push({
            name: nameNode.name === 'QuotedLabelName' ? unquote(rawName) : rawName,
            op: text.slice(opNode.from, opNode.to),
            value: unquote(text.slice(valueNode.from, valueNode.to)),
          });
        }
      }
      selectors.push({ from: node.from, to: node.to, matchers });
      cut.push([node.from, node.to, '§']);
      return false;
    },
  });
  cut.sort((a, b) => a[0] - b[0]);
  let skeleton = '';
  let at = 0;
  for (const [from, to, put] of cut) {
    skeleton += text.slice(at, from) + put;
    at = to;
  }
  skeleton += text.slice(at);
  return { hasErrorNode, selectors, skeleton: skeleton.replace(/\s+/g, '') };
}

/** Matchers of a selector as a sorted list of `name op JSON(value)` strings (a multiset). */
export function matcherMultiset(sel: WalkedSelector): string[] {
  return sel.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).sort();
}

/**
 * The comparison the conformance README prescribes: per selector (document order) the matcher
 * multiset, plus the skeleton without white space.
 */
export function semanticForm(text: string): { selectors: string[][]; skeleton: string; hasErrorNode: boolean } {
  const w = walkSelectors(text);
  return { selectors: w.selectors.map(matcherMultiset), skeleton: w.skeleton, hasErrorNode: w.hasErrorNode };
}
