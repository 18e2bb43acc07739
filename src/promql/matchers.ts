/**
 * PromQL's side of the shared matchers (../labelmatch/matchers.ts): how a matcher is written in
 * PromQL (UTF-8 label names quoted, Prometheus 3).
 */
import { LabelMatcher, prepareMatcherAs, PreparedMatcher } from '../labelmatch/matchers';
import { formatLabelName, quotePromQLString } from './promqlString';

export { isRegexOp, matchesEmpty, matcherMatches, quoteMeta, tenantMatcher } from '../labelmatch/matchers';
export type { LabelMatcher, MatchOp, PreparedMatcher } from '../labelmatch/matchers';

export function formatMatcher(m: LabelMatcher): string {
  return `${formatLabelName(m.name)}${m.op}${quotePromQLString(m.value)}`;
}

export function prepareMatcher(m: LabelMatcher): PreparedMatcher {
  return prepareMatcherAs(m, formatMatcher);
}
