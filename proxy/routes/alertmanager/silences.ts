import { ProxyRejection } from '../../rejection';
import { writeJson, type RouteContext, type RouteHandler } from '../context';
import { decodePostableSilence, silenceBelongsTo } from './silenceBody';

/** Largest silence the proxy reads when it looks one up. */
const MAX_SILENCE_BYTES = 1024 * 1024;
const SILENCE_PATH = '/api/v2/silence/';

/**
 * The silence endpoints (prom-label-proxy injectproxy/silences.go; BEHAVIOUR.md section 8). The
 * table refuses --regex-match (501) and several tenant values (422) before the handler runs, so the
 * tenant is exactly one value `v` and the tenant's matcher is `label="v"`; checked again here so a
 * route added without those flags fails closed instead of acting for the first value only.
 */
function tenantValue(ctx: RouteContext): string {
  if (ctx.options.regexMatch) {
    throw new ProxyRejection(501, 'not-implemented', `${ctx.path} does not support --regex-match`);
  }
  if (ctx.tenantValues.length !== 1) {
    throw new ProxyRejection(422, 'several-tenant-values', 'Multiple label matchers not supported');
  }
  return ctx.tenantValues[0];
}

/**
 * GET /api/v2/silence/<id>: the stored silence, fetched from Alertmanager. Before it is sent,
 * changed (POST with an id) or expired (DELETE), it must carry the tenant's matcher `label="v"`
 * (silenceBelongsTo), else 403. A failed look-up is 502, as in prom-label-proxy.
 */
async function ownedSilence(ctx: RouteContext, id: string): Promise<unknown> {
  const res = await ctx.upstream.send(
    { method: 'GET', path: silencePath(id), query: new URLSearchParams(), form: null, headers: ctx.headers },
    ctx.route
  );
  const body = await ctx.upstream.readBody(res, MAX_SILENCE_BYTES);
  if (res.statusCode !== 200) {
    throw new ProxyRejection(
      502,
      'upstream-invalid-response',
      `proxy error: can't get silence ${JSON.stringify(id)}: the upstream answered ${res.statusCode}; check the silence id`
    );
  }
  let silence: unknown;
  try {
    silence = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProxyRejection(
      502,
      'upstream-invalid-response',
      `proxy error: can't get silence ${JSON.stringify(id)}: the upstream answer is not JSON`
    );
  }
  if (!silenceBelongsTo(silence, ctx.options.label, tenantValue(ctx))) {
    throw new ProxyRejection(
      403,
      'forbidden',
      `forbidden: silence ${JSON.stringify(id)} does not carry the matcher ${ctx.options.label}="${tenantValue(ctx)}"`
    );
  }
  return silence;
}

function silencePath(id: string): string {
  return `${SILENCE_PATH}${encodeURIComponent(id)}`;
}

/** The silence id of /api/v2/silence/<id> (the table puts the canonical path in ctx.path). */
function pathSilenceId(ctx: RouteContext): string {
  const id = ctx.path.startsWith(SILENCE_PATH) ? decodeURIComponent(ctx.path.slice(SILENCE_PATH.length)) : '';
  if (id === '') {
    throw new ProxyRejection(400, 'bad-request', 'bad request: no silence id; use /api/v2/silence/<id>');
  }
  return id;
}

/** GET and DELETE /api/v2/silence/<id>. */
export const handleSilenceById: RouteHandler = async (ctx) => {
  const id = pathSilenceId(ctx);
  const silence = await ownedSilence(ctx, id);
  if (ctx.method === 'GET') {
    // Answered from the look-up: the silence was checked, a second GET might return another state.
    writeJson(ctx.res, 200, silence);
    return;
  }
  // DELETE expires the silence; the query string is not forwarded.
  await ctx.forward({
    method: 'DELETE',
    path: silencePath(id),
    query: new URLSearchParams(),
    form: null,
    headers: ctx.headers,
  });
};

/**
 * POST /api/v2/silences: create, or update when the body has an id (the stored silence must be the
 * tenant's). The forwarded silence is rebuilt: `label="v"` first, then the user's matchers without
 * any on the tenant label — so `label=~".*"`, `label!="v"` or a missing tenant matcher all become
 * a silence of tenant v only. At least one other matcher is required (a silence of the tenant
 * matcher alone would mute all of the tenant's alerts); the query string is not forwarded.
 */
export const handlePostSilence: RouteHandler = async (ctx) => {
  const silence = decodePostableSilence(ctx.body ?? '');
  const label = ctx.options.label;
  const value = tenantValue(ctx);
  if (silence.id !== undefined) {
    await ownedSilence(ctx, silence.id);
  }
  const matchers = [
    { name: label, value, isRegex: false, isEqual: true },
    ...silence.matchers.filter((m) => m.name !== label),
  ];
  if (matchers.length < 2) {
    throw new ProxyRejection(
      400,
      'bad-request',
      `need at least one matcher besides ${label}="${value}", got none; add e.g. {"name":"alertname","value":"...","isRegex":false}`
    );
  }
  const forwarded = { ...(silence.id === undefined ? {} : { id: silence.id }), ...silence.rest, matchers };
  await ctx.forward({
    method: 'POST',
    path: ctx.path,
    query: new URLSearchParams(),
    form: null,
    json: JSON.stringify(forwarded),
    headers: ctx.headers,
  });
};
