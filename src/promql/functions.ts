/**
 * PromQL function signatures, as Prometheus declares them (promql/parser/functions.go, Prometheus
 * 3.x): argument types, how many optional trailing arguments (`variadic`: 0 none, n up to n more,
 * -1 unlimited) and the return type. Used for Prometheus' own semantic checks, which lezer does not
 * do (wrong argument counts and types are rejected by Prometheus, so the engine rejects them too).
 */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface FunctionSignature {
  readonly argTypes: readonly ValueType[];
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Behind Prometheus' --enable-feature=promql-experimental-functions. */
  readonly experimental?: boolean;
}

const V: ValueType = 'vector';
const S: ValueType = 'scalar';
const M: ValueType = 'matrix';
const STR: ValueType = 'string';

function fn(argTypes: ValueType[], returnType: ValueType, variadic = 0, experimental = false): FunctionSignature {
  return { argTypes, returnType, variadic, experimental };
}

const vectorToVector = [
  'abs',
  'absent',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'ceil',
  'cos',
  'cosh',
  'deg',
  'exp',
  'floor',
  'histogram_avg',
  'histogram_count',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_sum',
  'ln',
  'log10',
  'log2',
  'rad',
  'sgn',
  'sin',
  'sinh',
  'sort',
  'sort_desc',
  'sqrt',
  'tan',
  'tanh',
  'timestamp',
  'start_timestamp',
];
const rangeToVector = [
  'absent_over_time',
  'avg_over_time',
  'changes',
  'count_over_time',
  'delta',
  'deriv',
  'idelta',
  'increase',
  'irate',
  'last_over_time',
  'max_over_time',
  'min_over_time',
  'present_over_time',
  'rate',
  'resets',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
];
const experimentalRangeToVector = [
  'first_over_time',
  'mad_over_time',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
];
const dateFunctions = [
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'year',
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...vectorToVector.map((name): [string, FunctionSignature] => [name, fn([V], V)]),
  ...rangeToVector.map((name): [string, FunctionSignature] => [name, fn([M], V)]),
  ...experimentalRangeToVector.map((name): [string, FunctionSignature] => [name, fn([M], V, 0, true)]),
  ...dateFunctions.map((name): [string, FunctionSignature] => [name, fn([V], V, 1)]),
  ['clamp', fn([V, S, S], V)],
  ['clamp_max', fn([V, S], V)],
  ['clamp_min', fn([V, S], V)],
  ['double_exponential_smoothing', fn([M, S, S], V, 0, true)],
  ['histogram_fraction', fn([S, S, V], V)],
  ['histogram_quantile', fn([S, V], V)],
  ['histogram_quantiles', fn([V, STR, S], V, -1, true)],
  ['info', fn([V, V], V, 1, true)],
  ['label_join', fn([V, STR, STR, STR], V, -1)],
  ['label_replace', fn([V, STR, STR, STR, STR], V)],
  ['pi', fn([], S)],
  ['predict_linear', fn([M, S], V)],
  ['quantile_over_time', fn([S, M], V)],
  ['round', fn([V, S], V, 1)],
  ['scalar', fn([V], S)],
  ['sort_by_label', fn([V, STR], V, -1, true)],
  ['sort_by_label_desc', fn([V, STR], V, -1, true)],
  ['time', fn([], S)],
  ['vector', fn([S], V)],
  // Prometheus 3 query-range functions (start(), end(), range(), step()).
  ['start', fn([], S)],
  ['end', fn([], S)],
  ['range', fn([], S)],
  ['step', fn([], S)],
]);

/** Aggregations whose first argument is a parameter, and that parameter's type. */
export const AGGREGATION_PARAMETER: ReadonlyMap<string, ValueType> = new Map<string, ValueType>([
  ['topk', S],
  ['bottomk', S],
  ['quantile', S],
  ['limitk', S],
  ['limit_ratio', S],
  ['count_values', STR],
]);

export const EXPERIMENTAL_AGGREGATIONS: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);
