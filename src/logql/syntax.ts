/**
 * lezer-logql node type ids the walk switches on, resolved once, and the set of node types the
 * engine knows. Names are those of @grafana/lezer-logql 0.4.2's grammar (src/logql.grammar in
 * grafana/lezer-logql). A node type outside KNOWN_NODES (a newer grammar) is refused, never skipped.
 */
import * as terms from '@grafana/lezer-logql';

export const T = {
  LogQL: terms.LogQL,
  Expr: terms.Expr,
  LogExpr: terms.LogExpr,
  MetricExpr: terms.MetricExpr,
  Selector: terms.Selector,
  Matchers: terms.Matchers,
  Matcher: terms.Matcher,
  Identifier: terms.Identifier,
  String: terms.String,
  Number: terms.Number,
  LineComment: terms.LineComment,
  RangeAggregationExpr: terms.RangeAggregationExpr,
  RangeOp: terms.RangeOp,
  LogRangeExpr: terms.LogRangeExpr,
  UnwrapExpr: terms.UnwrapExpr,
  Grouping: terms.Grouping,
  VectorAggregationExpr: terms.VectorAggregationExpr,
  VectorOp: terms.VectorOp,
  BinOpExpr: terms.BinOpExpr,
  Eq: terms.Eq,
  Neq: terms.Neq,
  Re: terms.Re,
  Nre: terms.Nre,
  QuantileOverTime: terms.QuantileOverTime,
  Topk: terms.Topk,
  Bottomk: terms.Bottomk,
  Approx_Topk: terms.Approx_Topk,
  Sort: terms.Sort,
  Sort_Desc: terms.Sort_Desc,
  LabelParser: terms.LabelParser,
  Regexp: terms.Regexp,
  Pattern: terms.Pattern,
} as const;

/**
 * Every node type of lezer-logql 0.4.2 except the error node: the tree of a query the engine
 * accepts is made of these only. Listed by name so that a grammar upgrade that renames or adds a
 * node is caught by the walk (unknown → refused) rather than silently walked through.
 */
// prettier-ignore
const KNOWN_NODE_NAMES = [
  'Json', 'Logfmt', 'Unpack', 'Pattern', 'Regexp', 'Unwrap', 'LabelFormat', 'LineFormat', 'LabelReplace',
  'Vector', 'Offset', 'Bool', 'On', 'Ignoring', 'GroupLeft', 'GroupRight', 'Decolorize', 'Drop', 'Keep', 'By',
  'Without', 'And', 'Or', 'Unless', 'Sum', 'Avg', 'Count', 'Max', 'Min', 'Stddev', 'Stdvar', 'Bottomk', 'Topk',
  'Sort', 'Sort_Desc', 'Approx_Topk', 'LineComment', 'LogQL', 'Expr', 'LogExpr', 'Selector', 'Matchers',
  'Matcher', 'Identifier', 'Eq', 'String', 'Neq', 'Re', 'Nre', 'PipelineExpr', 'PipelineStage', 'LineFilters',
  'LineFilter', 'Filter', 'PipeExact', 'PipeMatch', 'PipePattern', 'Npa', 'FilterOp', 'Ip', 'OrFilter', 'Pipe',
  'LogfmtParser', 'LogfmtParserFlags', 'ParserFlag', 'LabelParser', 'JsonExpressionParser',
  'LabelExtractionExpressionList', 'LabelExtractionExpression', 'LogfmtExpressionParser', 'LabelFilter',
  'IpLabelFilter', 'UnitFilter', 'DurationFilter', 'Gtr', 'Duration', 'Gte', 'Lss', 'Lte', 'Eql',
  'BytesFilter', 'Bytes', 'NumberFilter', 'LiteralExpr', 'Number', 'Add', 'Sub', 'LineFormatExpr',
  'LabelFormatExpr', 'LabelsFormat', 'LabelFormatMatcher', 'DecolorizeExpr', 'DropLabelsExpr', 'DropLabels',
  'DropLabel', 'KeepLabelsExpr', 'KeepLabels', 'KeepLabel', 'MetricExpr', 'RangeAggregationExpr', 'RangeOp',
  'CountOverTime', 'Rate', 'RateCounter', 'BytesOverTime', 'BytesRate', 'AvgOverTime', 'SumOverTime',
  'MinOverTime', 'MaxOverTime', 'StddevOverTime', 'StdvarOverTime', 'QuantileOverTime', 'FirstOverTime',
  'LastOverTime', 'AbsentOverTime', 'LogRangeExpr', 'Range', 'OffsetExpr', 'UnwrapExpr', 'ConvOp', 'BytesConv',
  'DurationConv', 'DurationSecondsConv', 'Grouping', 'Labels', 'VectorAggregationExpr', 'VectorOp',
  'BinOpExpr', 'BinOpModifier', 'OnOrIgnoringModifier', 'GroupingLabels', 'GroupingLabelList', 'GroupingLabel',
  'LabelName', 'Mul', 'Div', 'Mod', 'Pow', 'LabelReplaceExpr', 'VectorExpr',
];

/** known[id] is true for the node types above (a flat array: the walk tests it for every node). */
export const KNOWN_NODES: readonly boolean[] = (() => {
  const names = new Set(KNOWN_NODE_NAMES);
  return terms.parser.nodeSet.types.map((t) => !t.isError && names.has(t.name));
})();
