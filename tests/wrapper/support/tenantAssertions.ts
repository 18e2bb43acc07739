import { parser } from '@prometheus-io/lezer-promql';

import { findMacroRanges } from '../../../src/datasource/interpolation';

function unquote(literal: string): string {
  return literal.startsWith('`')
    ? literal.slice(1, -1)
    : (JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal) as string);
}

/**
 * Checks independently of the engine (by walking the lezer-promql tree) that every vector
 * selector in `expr` carries exactly the tenant matcher: `label="v"` for one value,
 * `label=~"v1|v2"` for several. Returns a list of problems; empty means enforced.
 */
export function tenantProblems(expr: string, label: string, values: readonly string[]): string[] {
  let masked = expr;
  for (const { from, to } of findMacroRanges(expr)) {
    masked = masked.slice(0, from) + '9'.repeat(to - from - 1) + 's' + masked.slice(to);
  }
  const tree = parser.parse(masked);
  const problems: string[] = [];
  let selectors = 0;
  const wantOp = values.length === 1 ? '=' : '=~';
  const wantValue = values.length === 1 ? values[0] : values.join('|');
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        problems.push(`does not parse at ${node.from}: ${JSON.stringify(expr)}`);
        return false;
      }
      if (node.name !== 'VectorSelector') {
        return undefined;
      }
      selectors++;
      const text = expr.slice(node.from, node.to);
      const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
      const tenant = matchers.filter(
        (m) => expr.slice(m.getChild('LabelName')!.from, m.getChild('LabelName')!.to) === label
      );
      if (tenant.length !== 1) {
        problems.push(`${text}: ${tenant.length} "${label}" matchers`);
        return false;
      }
      const op = expr.slice(tenant[0].getChild('MatchOp')!.from, tenant[0].getChild('MatchOp')!.to);
      const lit = tenant[0].getChild('StringLiteral')!;
      const value = unquote(expr.slice(lit.from, lit.to));
      if (op !== wantOp || value !== wantValue) {
        problems.push(`${text}: ${label}${op}"${value}" instead of ${label}${wantOp}"${wantValue}"`);
      }
      return false;
    },
  });
  if (selectors === 0 && problems.length === 0) {
    problems.push(`no series selector in ${JSON.stringify(expr)}`);
  }
  return problems;
}
