/**
 * `offset`, `@`, `anchored`, `smoothed` (promql/parser/parse.go addOffset / setTimestamp /
 * getAtModifierVars): allowed on selectors and subqueries only, each at most once.
 */
import { SyntaxNode, TreeCursor } from '@lezer/common';
import { ValueType } from './functions';
import { T as SYNTAX_IDS, isExprId } from './syntax';
import { next, WalkContext } from './walkContext';
import { offsetDuration } from './checkDurations';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;

/** `offset`, `@`, `anchored`, `smoothed`: allowed on selectors and subqueries, each at most once. */
export function modifier(ctx: WalkContext, c: TreeCursor): ValueType {
  const node = c.node;
  const kind = node.type.id;
  if (kind === T.AnchoredExpr || kind === T.SmoothedExpr) {
    if (!ctx.features.extendedRangeSelectors) {
      ctx.fail(
        c.from,
        c.to,
        `"${kind === T.AnchoredExpr ? 'anchored' : 'smoothed'}" needs the extended range selectors feature`
      );
    }
  }
  const base = modifierBase(node, (again) =>
    ctx.fail(
      node.from,
      node.to,
      again === T.OffsetExpr
        ? 'offset may not be set multiple times'
        : again === T.StepInvariantExpr
          ? '@ <timestamp> may not be set multiple times'
          : 'modifier may not be set multiple times'
    )
  );
  const baseId = base.type.id;
  // AggregateExpr: Prometheus rejects `sum(x) @ 1`, but the corpus (from codemirror-promql's tests)
  // expects it accepted; it is harmless for enforcement, so the engine leaves it to Prometheus.
  const okBase =
    kind === T.AnchoredExpr || kind === T.SmoothedExpr
      ? baseId === T.VectorSelector || baseId === T.MatrixSelector
      : baseId === T.VectorSelector ||
        baseId === T.MatrixSelector ||
        baseId === T.SubqueryExpr ||
        baseId === T.AggregateExpr;
  if (!okBase) {
    const what =
      kind === T.OffsetExpr
        ? 'offset modifier'
        : kind === T.StepInvariantExpr
          ? '@ modifier'
          : 'anchored/smoothed modifier';
    ctx.fail(
      node.from,
      node.to,
      `${what} must be preceded by an instant vector selector or range vector selector or a subquery`
    );
  }
  c.firstChild();
  const t = ctx.expr(c);
  if (kind === T.OffsetExpr) {
    next(c); // Offset keyword
    next(c); // OffsetDurationExpr
    offsetDuration(ctx, c);
  } else if (kind === T.StepInvariantExpr) {
    next(c); // At
    next(c);
    if (c.type.id === T.NumberDurationLiteral) {
      const v = ctx.number(c);
      if (!Number.isFinite(v)) {
        ctx.fail(c.from, c.to, `timestamp out of bounds for @ modifier: ${ctx.slice(c)}`);
      }
    }
  }
  c.parent();
  return t;
}

/**
 * The node a modifier really applies to. Prometheus' grammar binds `offset`/`@` tighter than binary
 * and unary operators (`a or b offset 1m` modifies `b`), lezer-promql attaches them to the whole
 * operation; so descend into the right-most operand. Reports a modifier that occurs twice.
 */
function modifierBase(node: SyntaxNode, twice: (kind: number) => void): SyntaxNode {
  let seen = 1 << kindBit(node.type.id);
  let n = firstExprChild(node);
  for (;;) {
    const id = n.type.id;
    if (id === T.OffsetExpr || id === T.StepInvariantExpr || id === T.AnchoredExpr || id === T.SmoothedExpr) {
      const bit = 1 << kindBit(id);
      if (seen & bit) {
        twice(id);
      }
      seen |= bit;
      n = firstExprChild(n);
    } else if (id === T.BinaryExpr || id === T.UnaryExpr) {
      n = lastExprChild(n);
    } else {
      return n;
    }
  }
}

function firstExprChild(n: SyntaxNode): SyntaxNode {
  for (let k = n.firstChild; k; k = k.nextSibling) {
    if (isExprId(k.type.id)) {
      return k;
    }
  }
  return n;
}

function lastExprChild(n: SyntaxNode): SyntaxNode {
  for (let k = n.lastChild; k; k = k.prevSibling) {
    if (isExprId(k.type.id)) {
      return k;
    }
  }
  return n;
}

function kindBit(id: number): number {
  return id === T.OffsetExpr ? 0 : id === T.StepInvariantExpr ? 1 : id === T.AnchoredExpr ? 2 : 3;
}
