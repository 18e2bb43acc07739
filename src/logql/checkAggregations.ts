/**
 * Loki's rules for aggregations that lezer-logql's grammar does not encode (grafana/loki
 * pkg/logql/syntax/ast.go: mustNewRangeAggregationExpr / RangeAggregationExpr.validate,
 * mustNewVectorAggregationExpr; parser.go validateSortGrouping). A query Loki refuses is refused
 * here with Loki's reason, before anything is rewritten.
 */
import { TreeCursor } from '@lezer/common';
import type { WalkContext } from './analyse';
import { T as SYNTAX_IDS } from './syntax';

const T = SYNTAX_IDS;

/** Range operations that read the unwrapped sample value (ast.go validate, the unwrap case). */
const WITH_UNWRAP = new Set([
  'avg_over_time',
  'sum_over_time',
  'max_over_time',
  'min_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'rate',
  'rate_counter',
  'absent_over_time',
  'first_over_time',
  'last_over_time',
]);
/** Range operations over log lines themselves (ast.go validate, the no-unwrap case). */
const WITHOUT_UNWRAP = new Set(['bytes_over_time', 'bytes_rate', 'count_over_time', 'rate', 'absent_over_time']);
/** Range operations that may be followed by `by (…)` / `without (…)` (ast.go validate, grouping). */
const WITH_GROUPING = new Set([
  'avg_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'rate',
  'rate_counter',
  'max_over_time',
  'min_over_time',
  'first_over_time',
  'last_over_time',
]);

interface Span {
  from: number;
  to: number;
}

/** The operator name under RangeOp / VectorOp, lower-cased as Loki's lexer reads keywords. */
function operatorName(ctx: WalkContext, c: TreeCursor): string {
  c.firstChild();
  const name = ctx.text.slice(c.from, c.to).toLowerCase();
  c.parent();
  return name;
}

export function rangeAggregation(ctx: WalkContext, c: TreeCursor): void {
  const from = c.from;
  const to = c.to;
  const unwrapsBefore = ctx.unwraps;
  const { op, param, grouping } = walkAggregation(ctx, c, T.RangeOp);
  const unwrapped = ctx.unwraps > unwrapsBefore;
  if (param && op !== 'quantile_over_time') {
    ctx.fail(param.from, param.to, `${op}() takes no parameter; only quantile_over_time(φ, …) does`);
  }
  if (!param && op === 'quantile_over_time') {
    ctx.fail(from, to, 'quantile_over_time() needs the quantile first: quantile_over_time(0.99, … | unwrap x [5m])');
  }
  if (grouping && !WITH_GROUPING.has(op)) {
    ctx.fail(grouping.from, grouping.to, `grouping not allowed for ${op} aggregation; group in an outer sum by (…)`);
  }
  if (unwrapped && !WITH_UNWRAP.has(op)) {
    ctx.fail(from, to, `invalid aggregation ${op} with unwrap; remove the | unwrap stage`);
  }
  if (!unwrapped && !WITHOUT_UNWRAP.has(op)) {
    ctx.fail(from, to, `invalid aggregation ${op} without unwrap; add | unwrap <label> before the range`);
  }
}

/**
 * Walks an aggregation's children (each checked by the walk) and notes the operator, the numeric
 * parameter and the grouping clause, for the range and vector aggregation rules.
 */
function walkAggregation(ctx: WalkContext, c: TreeCursor, opId: number): { op: string; param?: Span; grouping?: Span } {
  let op = '';
  let param: Span | undefined;
  let grouping: Span | undefined;
  c.firstChild();
  do {
    const id = c.type.id;
    if (id === opId) {
      op = operatorName(ctx, c);
    } else if (id === T.Number) {
      param = { from: c.from, to: c.to };
    } else if (id === T.Grouping) {
      grouping = { from: c.from, to: c.to };
    }
    ctx.node(c);
  } while (c.nextSibling());
  c.parent();
  return { op, param, grouping };
}

export function vectorAggregation(ctx: WalkContext, c: TreeCursor): void {
  const { op, param, grouping } = walkAggregation(ctx, c, T.VectorOp);
  const from = c.from;
  const to = c.to;
  const needsK = op === 'topk' || op === 'bottomk' || op === 'approx_topk';
  if (needsK) {
    if (!param) {
      ctx.fail(from, to, `parameter required for operation ${op}: ${op}(5, …)`);
    }
    const k = ctx.text.slice(param.from, param.to);
    if (!/^[0-9]+$/.test(k) || Number(k) <= 0) {
      ctx.fail(param.from, param.to, `invalid parameter ${k} for ${op}: it must be an integer greater than 0`);
    }
  } else if (param) {
    ctx.fail(param.from, param.to, `unsupported parameter for operation ${op}`);
  }
  if (grouping && (op === 'sort' || op === 'sort_desc')) {
    // parser.go validateSortGrouping
    ctx.fail(grouping.from, grouping.to, `${op} does not allow grouping by labels; sort orders by value`);
  }
}
