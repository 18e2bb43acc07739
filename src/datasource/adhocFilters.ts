import type { AdHocVariableFilter } from '@grafana/data';
import { parser } from '@prometheus-io/lezer-promql';

import { WrapperError } from './errors';
import { findMacroRanges } from './interpolation';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}

/**
 * One ad-hoc filter as matcher text, e.g. `job!~"a|b"`. PromQL label matchers and Loki's (stream
 * matchers and label filters alike: pkg/logql/syntax/lex.go) share the label-name rule, the four
 * operators and Go string escapes, which JSON string escapes are; `language` only names the query
 * language in the error.
 */
export function filterToMatcher(filter: AdHocVariableFilter, language: 'Prometheus' | 'Loki' = 'Prometheus'): string {
  if (!LABEL_NAME.test(filter.key)) {
    throw new WrapperError(
      'rejected',
      `Ad-hoc filter key "${filter.key}" is not a ${language} label name ([a-zA-Z_][a-zA-Z0-9_]*); remove or fix the filter.`
    );
  }
  const many = (filter.values?.length ? filter.values : [filter.value]).map(escapeRegex).join('|');
  switch (filter.operator) {
    case '=':
    case '!=':
    case '=~':
    case '!~':
      return `${filter.key}${filter.operator}${JSON.stringify(filter.value)}`;
    case '=|':
      return `${filter.key}=~${JSON.stringify(many)}`;
    case '!=|':
      return `${filter.key}!~${JSON.stringify(many)}`;
    default:
      throw new WrapperError(
        'rejected',
        `Ad-hoc filter "${filter.key} ${filter.operator} ${filter.value}" uses operator "${filter.operator}", which ${language} ` +
          'label matchers do not have; use =, !=, =~ or !~.'
      );
  }
}

/** `{k="v", ...}` for label/series API calls (no metric name). */
export function filtersToSelector(filters: readonly AdHocVariableFilter[]): string {
  return `{${filters.map((f) => filterToMatcher(f)).join(', ')}}`;
}

/**
 * Adds the ad-hoc filters as matchers to every vector selector of `expr`, found by walking the
 * lezer-promql tree. Macros (`$__rate_interval`) are first masked by durations of the same length
 * so the tree's positions are those of the original text. A query that does not parse is returned
 * unchanged: the enforcement engine rejects it next with a positioned error.
 */
export function applyAdHocFilters(expr: string, filters: readonly AdHocVariableFilter[] | undefined): string {
  if (!filters || filters.length === 0) {
    return expr;
  }
  const matchers = filters.map((f) => filterToMatcher(f)).join(', ');
  let masked = expr;
  for (const { from, to } of findMacroRanges(expr)) {
    masked = masked.slice(0, from) + '9'.repeat(to - from - 1) + 's' + masked.slice(to);
  }
  const tree = parser.parse(masked);
  const inserts: Array<{ at: number; text: string }> = [];
  let broken = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        broken = true;
        return false;
      }
      if (node.name !== 'VectorSelector') {
        return undefined;
      }
      const braces = node.node.getChild('LabelMatchers');
      if (braces) {
        const empty = braces.firstChild === null;
        inserts.push({ at: braces.from + 1, text: empty ? matchers : `${matchers}, ` });
      } else {
        inserts.push({ at: node.to, text: `{${matchers}}` });
      }
      return false;
    },
  });
  if (broken) {
    return expr;
  }
  let out = expr;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}
