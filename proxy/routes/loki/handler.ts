/**
 * One handler for every Loki read route, driven by the route's parameter spec (table.ts): each
 * parameter that carries LogQL is enforced (src/logql), the other known parameters pass as they
 * are, and any parameter the route does not list is refused. Loki reads parameters with Go's
 * r.Form (body first, then URL): the URL and the body are each checked and enforced on their own,
 * so whichever Loki reads is pinned.
 */
import { singleValue, type Params } from '../../params';
import { ProxyRejection } from '../../rejection';
import type { RouteContext } from '../context';
import { logqlEnforcementFor, type LogQLEnforcement } from './enforcement';

export interface LokiParamSpec {
  /**
   * `query`: the parameter holding LogQL. 'required': refused without it; 'tenant': the whole
   * tenant (`{tenant="a"}`) is sent when absent (labels, detected_labels: Loki would otherwise
   * answer for every stream); 'none': the route takes no query.
   */
  query: 'required' | 'tenant' | 'none';
  /** Series: `match[]` (and Loki's older `match`) selectors, the tenant matcher appended to each. */
  match?: boolean;
  /** Other parameters Loki reads on this route, passed through untouched. */
  plain: readonly string[];
}

const MATCH_NAMES = ['match[]', 'match'] as const;

/** Refuses parameters the route does not know: one Loki reads that we did not enforce could widen the answer. */
function checkKnown(params: Params, spec: LokiParamSpec, where: string, path: string): void {
  for (const name of new Set(params.keys())) {
    const known =
      (name === 'query' && spec.query !== 'none') ||
      (spec.match === true && (MATCH_NAMES as readonly string[]).includes(name)) ||
      spec.plain.includes(name);
    if (!known) {
      throw new ProxyRejection(
        400,
        'bad-request',
        `the ${where} parameter "${name}" is not accepted on ${path} by this proxy (it only forwards parameters it knows to be safe); remove it`
      );
    }
  }
}

function enforceQueryParam(params: Params, where: string, e: LogQLEnforcement): boolean {
  const query = singleValue(params, 'query', where);
  if (query === undefined) {
    return false;
  }
  if (query.trim() === '') {
    throw new ProxyRejection(400, 'query-parse', `the ${where} "query" parameter is empty; give a LogQL query`);
  }
  params.set('query', e.query(query));
  return true;
}

function enforceMatchParams(params: Params, e: LogQLEnforcement): boolean {
  let found = false;
  for (const name of MATCH_NAMES) {
    const selectors = params.getAll(name);
    if (selectors.length === 0) {
      continue;
    }
    found = true;
    params.delete(name);
    for (const selector of selectors) {
      params.append(name, e.streamSelector(selector));
    }
  }
  return found;
}

/**
 * Enforces the request's LogQL in place (URL and form) per `spec`; the caller forwards it. Exposed
 * for the tail (WebSocket) route, which has no RouteContext.
 */
export function enforceLokiParams(
  spec: LokiParamSpec,
  path: string,
  url: Params,
  form: Params | null,
  e: LogQLEnforcement
): void {
  checkKnown(url, spec, 'URL', path);
  if (form) {
    checkKnown(form, spec, 'form body', path);
  }
  if (spec.query !== 'none') {
    const inUrl = enforceQueryParam(url, 'URL query', e);
    const inForm = form ? enforceQueryParam(form, 'form body', e) : false;
    if (!inUrl && !inForm) {
      if (spec.query === 'required') {
        throw new ProxyRejection(400, 'query-parse', `${path} needs a "query" parameter with a LogQL query`);
      }
      (form ?? url).set('query', e.tenantSelector());
    }
  }
  if (spec.match) {
    const inUrl = enforceMatchParams(url, e);
    const inForm = form ? enforceMatchParams(form, e) : false;
    if (!inUrl && !inForm) {
      (form ?? url).append('match[]', e.tenantSelector());
    }
  }
}

/** A Loki read route: enforce per spec, then forward with the configured X-Scope-OrgID (server.ts). */
export function lokiHandler(spec: LokiParamSpec) {
  return async (ctx: RouteContext): Promise<void> => {
    const e = logqlEnforcementFor(ctx.tenantValues, ctx.options);
    enforceLokiParams(spec, ctx.path, ctx.url, ctx.form, e);
    await ctx.forward({ method: ctx.method, path: ctx.path, query: ctx.url, form: ctx.form, headers: ctx.headers });
  };
}
