import { singleValue } from '../params';
import { ProxyRejection } from '../rejection';
import { writeEmptyOk, type RouteHandler } from './context';

/**
 * /api/v1/query, /api/v1/query_range, /api/v1/query_exemplars (BEHAVIOUR.md section 4).
 *
 * The URL's `query` and, for POST, the form body's `query` are each enforced on their own and
 * both forwarded (Prometheus reads the body's first, Go's r.Form order). A location holding the
 * parameter twice is refused instead of being half-enforced. With no `query` parameter at all the
 * answer is Prometheus' (400, issue #17); with only empty ones it is prom-label-proxy's (200,
 * empty body; its conformance vectors send `query=`). Nothing is sent upstream in either case.
 */
export const handleQuery: RouteHandler = async (ctx) => {
  if (!ctx.url.has('query') && !(ctx.form?.has('query') ?? false)) {
    throw new ProxyRejection(
      400,
      'bad-request',
      `invalid parameter "query": ${ctx.path} needs a query parameter (the PromQL expression), e.g. ?query=up`
    );
  }
  const enforcement = ctx.enforcement();
  let enforced = false;
  const urlQuery = singleValue(ctx.url, 'query', 'URL query');
  if (urlQuery) {
    ctx.url.set('query', enforcement.query(urlQuery));
    enforced = true;
  }
  if (ctx.form) {
    const bodyQuery = singleValue(ctx.form, 'query', 'form body');
    if (bodyQuery) {
      ctx.form.set('query', enforcement.query(bodyQuery));
      enforced = true;
    }
  }
  if (!enforced) {
    writeEmptyOk(ctx.res);
    return;
  }
  await ctx.forward({ method: ctx.method, path: ctx.path, query: ctx.url, form: ctx.form, headers: ctx.headers });
};
