import type { Params } from '../params';
import type { RouteContext, RouteHandler } from './context';

const MATCH = 'match[]';

/**
 * /federate, /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values (and the upstream request
 * of /api/v1/rules with --enable-label-matchers-for-rules-api, whose answer is still filtered):
 * every `match[]` gets the tenant matcher appended
 * (BEHAVIOUR.md section 5); with none anywhere, one selecting the whole tenant is added.
 *
 * Unlike prom-label-proxy, a POST whose `match[]` is only in the body does not also get a
 * tenant-wide `match[]` in the URL (upstream issue #134): Prometheus unions URL and body, so that
 * extra selector silently widened the answer to the whole tenant.
 */
export const handleSeriesMatch: RouteHandler = async (ctx) => {
  appendTenantMatchers(ctx);
  await ctx.forward({ method: ctx.method, path: ctx.path, query: ctx.url, form: ctx.form, headers: ctx.headers });
};

/**
 * Appends the tenant matcher to every `match[]` of the request, or adds one selecting the tenant.
 * With a label policy, each client `match[]` m becomes one `match[]` m∧r per rule r, and the
 * default is one `match[]` per rule: Prometheus unions match[] values, so the answer is the
 * client's selection restricted to the union of the rules, never wider.
 */
export function appendTenantMatchers(ctx: RouteContext): void {
  const enforcement = ctx.enforcement();
  const given = ctx.url.has(MATCH) || (ctx.form?.has(MATCH) ?? false);
  const rewrite = (params: Params) => {
    const selectors = params.getAll(MATCH);
    params.delete(MATCH);
    for (const selector of selectors) {
      for (const restricted of enforcement.seriesSelectors(selector)) {
        params.append(MATCH, restricted);
      }
    }
  };
  rewrite(ctx.url);
  if (ctx.form) {
    rewrite(ctx.form);
  }
  if (!given) {
    for (const selector of enforcement.tenantSelectors()) {
      (ctx.form ?? ctx.url).append(MATCH, selector);
    }
  }
}
