import type { AdHocVariableFilter, DataQueryError, ScopedVars } from '@grafana/data';

import { applyAdHocFilters } from './adhocFilters';
import { enforceText, type Enforcer } from './enforcement';
import { describeError, isWrapperError } from './errors';
import { assertNoVariablesLeft, interpolateExpr } from './interpolation';
import { applyLokiAdHocFilters } from './lokiAdhocFilters';
import type { WrapperQuery } from './types';

export interface RewriteResult {
  /** Queries to forward, `expr` enforced. */
  queries: WrapperQuery[];
  /** One error per refused query (named by refId); a refused query is not forwarded. */
  errors: DataQueryError[];
}

/**
 * One panel / Explore / annotation query, in the order the Prometheus and Loki data sources apply
 * them (interpolate, then ad-hoc filters) with enforcement last, so that neither a variable value
 * nor an ad-hoc filter can change the tenant matcher. The grammar (PromQL or LogQL) is the
 * enforcer's, i.e. the target's type.
 */
export function rewriteExpr(
  expr: string,
  e: Enforcer,
  scopedVars?: ScopedVars,
  filters?: readonly AdHocVariableFilter[]
): string {
  const interpolated = interpolateExpr(expr, scopedVars);
  const filtered =
    e.kind === 'loki' ? applyLokiAdHocFilters(interpolated, filters) : applyAdHocFilters(interpolated, filters);
  const enforced = enforceText(filtered, e);
  assertNoVariablesLeft(enforced, scopedVars, expr);
  return enforced;
}

export function rewriteQueries(
  targets: readonly WrapperQuery[],
  e: Enforcer,
  scopedVars?: ScopedVars,
  filters?: readonly AdHocVariableFilter[]
): RewriteResult {
  const queries: WrapperQuery[] = [];
  const errors: DataQueryError[] = [];
  for (const q of targets) {
    if (q.hide || typeof q.expr !== 'string' || q.expr.trim() === '') {
      continue;
    }
    try {
      queries.push({ ...q, expr: rewriteExpr(q.expr, e, scopedVars, filters) });
    } catch (err) {
      if (!isWrapperError(err)) {
        // Anything unexpected still refuses the query: never forward unenforced text.
        errors.push({ refId: q.refId, message: `Query ${q.refId} rejected: ${describeError(err)}` });
        continue;
      }
      errors.push({ refId: q.refId, message: `${q.refId}: ${err.message}` });
    }
  }
  return { queries, errors };
}
