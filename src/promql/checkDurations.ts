/**
 * Range, subquery and offset durations: literals, and Prometheus 3 duration expressions
 * (`[5m * 2]`, `[step() + 1m]`, min_of/max_of) which need the duration-expression feature.
 * Prometheus rejects non-positive ranges, durations beyond Go's time.Duration and division by zero.
 */
import { TreeCursor } from '@lezer/common';
import { MAX_DURATION_SECONDS, parseDurationSeconds, parseNumberLiteral } from './durations';
import { T as SYNTAX_IDS } from './syntax';
import { next, WalkContext } from './walkContext';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;

export function offsetDuration(ctx: WalkContext, c: TreeCursor): void {
  const v = durationValue(ctx, c, true);
  if (v !== undefined && Math.abs(v) > MAX_DURATION_SECONDS) {
    ctx.fail(c.from, c.to, 'duration out of range');
  }
}

export function durationRange(ctx: WalkContext, c: TreeCursor, mustBePositive: boolean): void {
  const v = durationValue(ctx, c, false);
  if (v !== undefined) {
    if (mustBePositive && !(v > 0)) {
      ctx.fail(c.from, c.to, 'duration must be greater than 0');
    }
    if (Math.abs(v) > MAX_DURATION_SECONDS) {
      ctx.fail(c.from, c.to, 'duration out of range');
    }
  }
}

/**
 * Seconds of a DurationExpr/OffsetDurationExpr, undefined when it depends on step()/range().
 * Anything but a plain literal (or a signed one after `offset`) needs duration expressions.
 */
export function durationValue(ctx: WalkContext, c: TreeCursor, signAllowed: boolean): number | undefined {
  if (!c.firstChild()) {
    return ctx.fail(c.from, c.to, 'missing duration');
  }
  const first = c.type.id;
  if (first === T.NumberDurationLiteralInDurationContext && !next(c)) {
    c.parent();
    const raw = ctx.slice(c);
    const v = parseDurationSeconds(raw) ?? parseNumberLiteral(raw);
    if (v === undefined || Number.isNaN(v)) {
      ctx.fail(c.from, c.to, `invalid duration ${JSON.stringify(raw)}`);
    }
    return v;
  }
  c.parent();
  const isSimpleSignedOffset = signAllowed && first === T.UnaryOp && c.node.lastChild?.type.id === T.OffsetDurationExpr;
  if (!ctx.features.durationExpressions && !isSimpleSignedOffset) {
    ctx.fail(c.from, c.to, 'duration expressions need the experimental duration expression feature');
  }
  return evalDuration(ctx, c);
}

export function evalDuration(ctx: WalkContext, c: TreeCursor): number | undefined {
  const node = c.node;
  const kids: Array<{ id: number; from: number; to: number }> = [];
  for (let k = node.firstChild; k; k = k.nextSibling) {
    if (k.type.id === T.LineComment) {
      continue;
    }
    kids.push({ id: k.type.id, from: k.from, to: k.to });
  }
  const sub = (index: number): number | undefined => {
    const target = node.getChildren(kids[index].id).find((k) => k.from === kids[index].from)!;
    const cur = target.cursor();
    return evalDuration(ctx, cur);
  };
  if (kids.length === 0) {
    return ctx.fail(node.from, node.to, 'missing duration');
  }
  const id0 = kids[0].id;
  if (id0 === T.NumberDurationLiteralInDurationContext) {
    const raw = ctx.text.slice(kids[0].from, kids[0].to);
    const v = parseDurationSeconds(raw) ?? parseNumberLiteral(raw);
    if (v === undefined || Number.isNaN(v)) {
      ctx.fail(kids[0].from, kids[0].to, `invalid duration ${JSON.stringify(raw)}`);
    }
    return v;
  }
  if (id0 === T.DurationStep || id0 === T.DurationRange) {
    return undefined;
  }
  if (id0 === T.UnaryOp) {
    const negative = ctx.text[kids[0].from] === '-';
    const operand = node.getChildren(kids[1].id).find((k) => k.from === kids[1].from)!;
    const pow = operand.getChild('Pow');
    if (negative && pow) {
      // Prometheus' duration grammar binds the sign tighter than `^`: `-2^2` is 4 there
      // (promqltest accepts `foo[-2^2]`), lezer parses -(2^2).
      const [a, b] = operand.getChildren('DurationExpr').map((k) => evalDuration(ctx, k.cursor()));
      return a === undefined || b === undefined ? undefined : (-a) ** b;
    }
    const v = sub(1);
    return v === undefined ? undefined : negative ? -v : v;
  }
  if (id0 === T.DurationMinOf || id0 === T.DurationMaxOf) {
    const a = sub(1);
    const b = sub(2);
    return a === undefined || b === undefined ? undefined : id0 === T.DurationMinOf ? Math.min(a, b) : Math.max(a, b);
  }
  if (kids.length === 1) {
    return sub(0); // parenthesised
  }
  const a = sub(0);
  const op = kids[1].id;
  const b = sub(2);
  if ((op === T.Div || op === T.Mod) && b === 0) {
    ctx.fail(node.from, node.to, op === T.Div ? 'division by zero' : 'modulo by zero');
  }
  if (a === undefined || b === undefined) {
    return undefined;
  }
  switch (op) {
    case T.Add:
      return a + b;
    case T.Sub:
      return a - b;
    case T.Mul:
      return a * b;
    case T.Div:
      return a / b;
    case T.Mod:
      return a % b;
    case T.Pow:
      return a ** b;
    default:
      return undefined;
  }
}
