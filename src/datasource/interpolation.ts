import type { ScopedVars } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';

import { WrapperError } from './errors';

/**
 * Interval and range macros the target data source expands itself: Prometheus computes
 * `$__rate_interval` from its own scrape interval and `$__range*` from the request range
 * (Grafana docs, "Prometheus template variables"); Loki adds `$__auto`, the step it picks for a
 * range aggregation (Grafana docs, "Loki template variables"). The wrapper leaves them in the text.
 */
export const TARGET_MACROS: readonly string[] = [
  '__auto',
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
];

/** scopedVars without the macros above, so that templateSrv.replace leaves them untouched. */
export function withoutTargetMacros(scopedVars: ScopedVars | undefined): ScopedVars {
  const out: ScopedVars = {};
  for (const [key, value] of Object.entries(scopedVars ?? {})) {
    if (!TARGET_MACROS.includes(key)) {
      out[key] = value;
    }
  }
  return out;
}

/** Escapes regex metacharacters; multi-value variables become `(a|b)` inside `=~` matchers. */
function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
}

/** Escapes a value placed inside a PromQL string literal (single or double quoted). */
function escapeStringLiteral(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/"/g, '\\"');
}

interface VariableLike {
  multi?: boolean;
  includeAll?: boolean;
}

/**
 * Format function for templateSrv.replace with the Prometheus data source's conventions: a plain
 * variable is escaped for a string literal; a multi-value / include-all variable becomes an
 * escaped regex alternation. Escaping is for correctness only: the whole interpolated text is
 * enforced afterwards, so no variable value can widen the tenant.
 */
export function formatVariableValue(value: unknown, variable?: VariableLike): string {
  const multi = Boolean(variable?.multi || variable?.includeAll);
  if (!multi) {
    return escapeStringLiteral(Array.isArray(value) ? value.join(',') : String(value ?? ''));
  }
  const values = (Array.isArray(value) ? value : [value]).map((v) => escapeRegex(String(v)));
  return values.length === 1 ? values[0] : `(${values.join('|')})`;
}

/**
 * True when `text` cannot contain a variable reference: TemplateSrv only replaces `$name`,
 * `${name…}` and `[[name]]` (public/app/features/variables/utils.ts variableRegex), all of which
 * need a `$` or `[[`.
 */
function hasNoVariableSyntax(text: string): boolean {
  return !text.includes('$') && !text.includes('[[');
}

/** Dashboard / scoped variables replaced; interval and range macros kept for the target. */
export function interpolateExpr(expr: string, scopedVars: ScopedVars | undefined): string {
  if (hasNoVariableSyntax(expr)) {
    return expr;
  }
  return getTemplateSrv().replace(expr, withoutTargetMacros(scopedVars), formatVariableValue);
}

/**
 * The target data source interpolates the text it receives once more. If that second pass would
 * still change something other than the macros (a variable whose value names another variable),
 * it would change the text AFTER enforcement — so such a query is refused.
 */
export function assertNoVariablesLeft(enforced: string, scopedVars: ScopedVars | undefined, original: string): void {
  // Macro references survived the first pass with these same scopedVars (macros removed), so a
  // second pass leaves them too: only other references need the (costlier) comparison.
  if (hasNoVariableSyntax(enforced) || referencesOnlyTargetMacros(enforced)) {
    return;
  }
  const again = getTemplateSrv().replace(enforced, withoutTargetMacros(scopedVars), formatVariableValue);
  if (again !== enforced) {
    throw new WrapperError(
      'rejected',
      `Query rejected: after template variables were replaced, "${original}" still refers to a template variable ` +
        '(a variable whose value contains another $variable). Give the variable a plain value.'
    );
  }
}

/**
 * True when every variable reference in `text` is a target macro: nothing that could start a
 * reference (`$`, `[[`) is left once the macro references are cut out.
 */
function referencesOnlyTargetMacros(text: string): boolean {
  let rest = '';
  let at = 0;
  for (const { from, to } of findMacroRanges(text)) {
    rest += text.slice(at, from);
    at = to;
  }
  return hasNoVariableSyntax(rest + text.slice(at));
}

/** Ranges of `$name`, `${name...}` and `[[name]]` references to the target macros in `text`. */
export function findMacroRanges(text: string): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number }> = [];
  const isIdent = (c: string) => /[A-Za-z0-9_]/.test(c);
  for (let i = 0; i < text.length; i++) {
    let name = '';
    let end = i;
    if (text[i] === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) {
        continue;
      }
      name = text.slice(i + 2, close).split(/[:.]/)[0];
      end = close + 1;
    } else if (text[i] === '$') {
      end = i + 1;
      while (end < text.length && isIdent(text[end])) {
        end++;
      }
      name = text.slice(i + 1, end);
    } else if (text.startsWith('[[', i)) {
      const close = text.indexOf(']]', i + 2);
      if (close < 0) {
        continue;
      }
      name = text.slice(i + 2, close).split(/[:.]/)[0];
      end = close + 2;
    }
    if (name && TARGET_MACROS.includes(name)) {
      ranges.push({ from: i, to: end });
      i = end - 1;
    }
  }
  return ranges;
}
