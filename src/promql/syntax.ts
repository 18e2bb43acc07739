/**
 * lezer-promql node type ids the walk switches on, resolved once. Names are those of
 * @prometheus-io/lezer-promql's grammar (src/promql.grammar in that package).
 */
import * as terms from '@prometheus-io/lezer-promql';

export const T = {
  PromQL: terms.PromQL,
  AggregateExpr: terms.AggregateExpr,
  AggregateOp: terms.AggregateOp,
  AggregateModifier: terms.AggregateModifier,
  BinaryExpr: terms.BinaryExpr,
  BoolModifier: terms.BoolModifier,
  MatchingModifierClause: terms.MatchingModifierClause,
  FillModifier: terms.FillModifier,
  GroupingLabels: terms.GroupingLabels,
  On: terms.On,
  GroupLeft: terms.GroupLeft,
  GroupRight: terms.GroupRight,
  FunctionCall: terms.FunctionCall,
  FunctionIdentifier: terms.FunctionIdentifier,
  FunctionCallBody: terms.FunctionCallBody,
  MatrixSelector: terms.MatrixSelector,
  NumberDurationLiteral: terms.NumberDurationLiteral,
  NumberDurationLiteralInDurationContext: terms.NumberDurationLiteralInDurationContext,
  OffsetExpr: terms.OffsetExpr,
  OffsetDurationExpr: terms.OffsetDurationExpr,
  AnchoredExpr: terms.AnchoredExpr,
  SmoothedExpr: terms.SmoothedExpr,
  ParenExpr: terms.ParenExpr,
  StringLiteral: terms.StringLiteral,
  SubqueryExpr: terms.SubqueryExpr,
  UnaryExpr: terms.UnaryExpr,
  UnaryOp: terms.UnaryOp,
  VectorSelector: terms.VectorSelector,
  StepInvariantExpr: terms.StepInvariantExpr,
  AtModifierPreprocessors: terms.AtModifierPreprocessors,
  DurationExpr: terms.DurationExpr,
  DurationStep: terms.DurationStep,
  DurationRange: terms.DurationRange,
  DurationMinOf: terms.DurationMinOf,
  DurationMaxOf: terms.DurationMaxOf,
  Identifier: terms.Identifier,
  LabelMatchers: terms.LabelMatchers,
  UnquotedLabelMatcher: terms.UnquotedLabelMatcher,
  QuotedLabelMatcher: terms.QuotedLabelMatcher,
  QuotedLabelName: terms.QuotedLabelName,
  LabelName: terms.LabelName,
  MatchOp: terms.MatchOp,
  LineComment: terms.LineComment,
  Pow: terms.Pow,
  Mul: terms.Mul,
  Div: terms.Div,
  Mod: terms.Mod,
  Add: terms.Add,
  Sub: terms.Sub,
  Eql: terms.Eql,
  Neq: terms.Neq,
  Gtr: terms.Gtr,
  Gte: terms.Gte,
  Lss: terms.Lss,
  Lte: terms.Lte,
  And: terms.And,
  Or: terms.Or,
  Unless: terms.Unless,
} as const;

const EXPR_IDS = [
  T.AggregateExpr,
  T.BinaryExpr,
  T.FunctionCall,
  T.MatrixSelector,
  T.NumberDurationLiteral,
  T.OffsetExpr,
  T.AnchoredExpr,
  T.SmoothedExpr,
  T.ParenExpr,
  T.StringLiteral,
  T.SubqueryExpr,
  T.UnaryExpr,
  T.VectorSelector,
  T.StepInvariantExpr,
];
const exprTable: boolean[] = [];
EXPR_IDS.forEach((id) => (exprTable[id] = true));

/** Whether a node type id is one of the grammar's `expr` alternatives. */
export function isExprId(id: number): boolean {
  return exprTable[id] === true;
}

const comparison: boolean[] = [];
[T.Eql, T.Neq, T.Gtr, T.Gte, T.Lss, T.Lte].forEach((id) => (comparison[id] = true));
const setOps: boolean[] = [];
[T.And, T.Or, T.Unless].forEach((id) => (setOps[id] = true));

export function isComparisonOp(id: number): boolean {
  return comparison[id] === true;
}
export function isSetOp(id: number): boolean {
  return setOps[id] === true;
}
