import type { AdHocVariableFilter } from '@grafana/data';
import { parser } from '@grafana/lezer-logql';

import { filterToMatcher } from './adhocFilters';
import { WrapperError } from './errors';
import { findMacroRanges } from './interpolation';

/** Pipeline stages after which a log line has extracted labels (lezer-logql node names). */
const PARSER_NODES = new Set(['LabelParser', 'JsonExpressionParser', 'LogfmtParser', 'LogfmtExpressionParser']);

/** One ad-hoc filter as LogQL matcher text: the same text serves as a stream matcher and as a label filter. */
export const filterToLogQLMatcher = (filter: AdHocVariableFilter): string => filterToMatcher(filter, 'Loki');

/** `{k="v", ...}` for Loki label / series API calls. */
export function filtersToStreamSelector(filters: readonly AdHocVariableFilter[]): string {
  return `{${filters.map(filterToLogQLMatcher).join(', ')}}`;
}

interface Insert {
  at: number;
  text: string;
}

/**
 * Adds the ad-hoc filters to every log expression of `expr`, as Grafana's Loki data source does
 * (grafana/grafana public/app/plugins/datasource/loki/addToQuery.ts, addLabelToQuery): as stream
 * matchers when the expression has no parser, else as label filters after its last parser (the
 * label may be one the parser extracts). The tenant matcher is not this module's concern: the
 * engine adds it to the result afterwards, so no filter can change it.
 *
 * Macros (`$__auto`) are first masked by durations of the same length so that positions are those
 * of the original text. Text that does not parse is refused: silently dropping a filter would show
 * the user more than they asked for.
 */
export function applyLokiAdHocFilters(expr: string, filters: readonly AdHocVariableFilter[] | undefined): string {
  if (!filters || filters.length === 0) {
    return expr;
  }
  const matchers = filters.map(filterToLogQLMatcher);
  let masked = expr;
  for (const { from, to } of findMacroRanges(expr)) {
    masked = masked.slice(0, from) + '9'.repeat(to - from - 1) + 's' + masked.slice(to);
  }
  const inserts: Insert[] = [];
  let errorAt = -1;
  parser.parse(masked).iterate({
    enter(node) {
      if (node.type.isError) {
        errorAt = errorAt < 0 ? node.from : errorAt;
        return false;
      }
      if (node.name !== 'LogExpr' && node.name !== 'LogRangeExpr') {
        return undefined;
      }
      const selector = node.node.getChild('Selector');
      if (!selector) {
        return undefined;
      }
      let lastParserStageEnd = -1;
      node.node.cursor().iterate((inner) => {
        if (inner.type.isError) {
          errorAt = errorAt < 0 ? inner.from : errorAt;
        }
        if (PARSER_NODES.has(inner.name)) {
          // The whole stage (`| json a="b"`), so the filter goes after the parser's arguments.
          lastParserStageEnd = Math.max(lastParserStageEnd, inner.node.parent?.to ?? inner.to);
          return false;
        }
        return undefined;
      });
      if (lastParserStageEnd >= 0) {
        inserts.push({ at: lastParserStageEnd, text: matchers.map((m) => ` | ${m}`).join('') });
      } else {
        const empty = selector.getChild('Matchers') === null;
        inserts.push({ at: selector.from + 1, text: empty ? matchers.join(', ') : `${matchers.join(', ')}, ` });
      }
      return false;
    },
  });
  if (errorAt >= 0) {
    throw new WrapperError(
      'rejected',
      `Ad-hoc filters cannot be applied to "${expr}": it is not valid LogQL at position ${errorAt}. Fix the query.`
    );
  }
  let out = expr;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}
