/**
 * Functions, aggregations and binary operations: argument counts and types, aggregation
 * parameters, bool/set-operator/vector-matching rules (promql/parser/parse.go checkAST).
 */
import { TreeCursor } from '@lezer/common';
import { AGGREGATION_PARAMETER, EXPERIMENTAL_AGGREGATIONS, FUNCTIONS, ValueType } from './functions';
import { T as SYNTAX_IDS, isComparisonOp, isExprId, isSetOp } from './syntax';
import { describe, next, WalkContext } from './walkContext';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;

export function call(ctx: WalkContext, c: TreeCursor): ValueType {
  const from = c.from;
  const to = c.to;
  c.firstChild(); // FunctionIdentifier
  const name = ctx.slice(c);
  const sig = FUNCTIONS.get(name);
  if (!sig) {
    ctx.fail(c.from, c.to, `unknown function ${JSON.stringify(name)}`);
  }
  if (sig.experimental && !ctx.features.experimentalFunctions) {
    ctx.fail(c.from, c.to, `function ${JSON.stringify(name)} is experimental and not enabled`);
  }
  next(c); // FunctionCallBody
  // c.node allocates a node object: only info() needs one (for its second argument).
  const bodyNode = name === 'info' ? c.node : undefined;
  const args = ctx.args(c, name === 'info' ? 1 : -1);
  c.parent();
  const n = sig.argTypes.length;
  if (sig.variadic === 0) {
    if (args.length !== n) {
      ctx.fail(from, to, `expected ${n} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`);
    }
  } else {
    const min = n - 1;
    if (args.length < min) {
      ctx.fail(from, to, `expected at least ${min} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`);
    }
    if (sig.variadic > 0 && args.length > min + sig.variadic) {
      ctx.fail(
        from,
        to,
        `expected at most ${min + sig.variadic} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`
      );
    }
  }
  args.forEach((a, i) => {
    const want = sig.argTypes[Math.min(i, n - 1)];
    if (a.type !== want) {
      ctx.fail(
        a.from,
        a.to,
        `expected type ${describe(want)} in call to function ${JSON.stringify(name)}, got ${describe(a.type)}`
      );
    }
  });
  if (name === 'info' && args.length === 1) {
    ctx.infoSelectorInsertions.push(args[0].to);
  }
  if (name === 'info' && args.length === 2) {
    const second = bodyNode?.getChildren(args[1].id).find((k) => k.from === args[1].from);
    const sel =
      second && second.type.id === T.VectorSelector ? ctx.selectors.find((s) => s.from === second.from) : undefined;
    if (!sel) {
      ctx.fail(args[1].from, args[1].to, 'expected label selectors only as the second argument to "info"');
    }
    if (sel.identifierTo >= 0 || sel.matchers.some((m) => m.metricName)) {
      ctx.fail(
        args[1].from,
        args[1].to,
        'expected label selectors only, got vector selector instead (drop the metric name)'
      );
    }
  }
  return sig.returnType;
}

export function aggregate(ctx: WalkContext, c: TreeCursor): ValueType {
  const from = c.from;
  const to = c.to;
  c.firstChild(); // AggregateOp
  const op = ctx.slice(c);
  if (EXPERIMENTAL_AGGREGATIONS.has(op) && !ctx.features.experimentalFunctions) {
    ctx.fail(c.from, c.to, `aggregation ${JSON.stringify(op)} is experimental and not enabled`);
  }
  let args: Array<{ type: ValueType; from: number; to: number }> = [];
  while (c.nextSibling()) {
    if (c.type.id === T.FunctionCallBody) {
      args = ctx.args(c);
    }
  }
  c.parent();
  const param = AGGREGATION_PARAMETER.get(op.toLowerCase());
  const want = param ? 2 : 1;
  if (args.length === 0) {
    ctx.fail(from, to, 'no arguments for aggregate expression provided');
  }
  if (args.length !== want) {
    ctx.fail(
      from,
      to,
      `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`
    );
  }
  const last = args[args.length - 1];
  if (last.type !== 'vector') {
    ctx.fail(last.from, last.to, `expected type instant vector in aggregation expression, got ${describe(last.type)}`);
  }
  if (param && args[0].type !== param) {
    ctx.fail(
      args[0].from,
      args[0].to,
      `expected type ${describe(param)} in aggregation parameter, got ${describe(args[0].type)}`
    );
  }
  return 'vector';
}

export function binary(ctx: WalkContext, c: TreeCursor): ValueType {
  const from = c.from;
  const to = c.to;
  c.firstChild();
  const lt = ctx.expr(c);
  next(c);
  const op = c.type.id;
  const opText = ctx.slice(c);
  let returnBool = false;
  let matchingLabels = 0;
  let grouping = false;
  let rt: ValueType = 'scalar';
  while (c.nextSibling()) {
    const id = c.type.id;
    if (id === T.BoolModifier) {
      returnBool = true;
    } else if (id === T.MatchingModifierClause) {
      const clause = matchingClause(ctx, c);
      matchingLabels = clause.labels;
      grouping = clause.grouping;
    } else if (id === T.FillModifier) {
      if (!ctx.features.binopFillModifiers) {
        ctx.fail(c.from, c.to, 'fill modifiers need the binop fill modifiers feature');
      }
    } else if (isExprId(id)) {
      rt = ctx.expr(c);
    }
  }
  c.parent();
  if (returnBool && !isComparisonOp(op)) {
    ctx.fail(from, to, 'bool modifier can only be used on comparison operators');
  }
  if (isComparisonOp(op) && !returnBool && lt === 'scalar' && rt === 'scalar') {
    ctx.fail(from, to, 'comparisons between scalars must use BOOL modifier');
  }
  for (const t of [lt, rt]) {
    if (t !== 'scalar' && t !== 'vector') {
      ctx.fail(from, to, `binary expression must contain only scalar and instant vector types, got ${describe(t)}`);
    }
  }
  if ((lt !== 'vector' || rt !== 'vector') && matchingLabels > 0) {
    ctx.fail(from, to, 'vector matching only allowed between instant vectors');
  }
  if (isSetOp(op)) {
    if (lt === 'scalar' || rt === 'scalar') {
      ctx.fail(from, to, `set operator ${JSON.stringify(opText)} not allowed in binary scalar expression`);
    }
    if (grouping) {
      ctx.fail(from, to, `no grouping allowed for ${JSON.stringify(opText)} operation`);
    }
  }
  return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
}

export function matchingClause(ctx: WalkContext, c: TreeCursor): { labels: number; grouping: boolean } {
  const from = c.from;
  const to = c.to;
  let on = false;
  let grouping = false;
  const matching: string[] = [];
  const include: string[] = [];
  let target = matching;
  c.firstChild();
  do {
    const id = c.type.id;
    if (id === T.On) {
      on = true;
    } else if (id === T.GroupLeft || id === T.GroupRight) {
      grouping = true;
      target = include;
    } else if (id === T.GroupingLabels) {
      if (c.firstChild()) {
        do {
          if (c.type.id !== T.LabelName && c.type.id !== T.QuotedLabelName) {
            continue;
          }
          target.push(c.type.id === T.QuotedLabelName ? (c.firstChild(), stringAndUp(ctx, c)) : ctx.slice(c));
        } while (c.nextSibling());
        c.parent();
      }
    }
  } while (c.nextSibling());
  c.parent();
  if (on) {
    for (const l of include) {
      if (matching.includes(l)) {
        ctx.fail(from, to, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
      }
    }
  }
  return { labels: matching.length, grouping };
}

export function stringAndUp(ctx: WalkContext, c: TreeCursor): string {
  const v = ctx.string(c);
  c.parent();
  return v;
}
