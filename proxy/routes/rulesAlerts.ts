import { ProxyRejection } from '../rejection';
import { checkTenantValues, tenantValueMatcher } from '../tenant';
import { streamResponse } from '../upstream';
import { writeJson, type RouteContext, type RouteHandler } from './context';
import { appendTenantMatchers } from './seriesMatch';

/** Largest upstream rules/alerts answer the proxy buffers to filter. */
const MAX_FILTERED_BYTES = 64 * 1024 * 1024;

type Labels = Record<string, string> | undefined;
type LabelsFilter = (labels: Labels) => boolean;
interface Alert {
  labels?: Labels;
  state?: string;
}
interface Rule {
  type?: string;
  labels?: Labels;
  alerts?: Alert[];
  state?: string;
}
interface RuleGroup {
  rules?: Rule[];
}

/**
 * Rules API parameters refused on purpose. Prometheus 3.x pages /api/v1/rules with `group_limit`
 * and `group_next_token` (web/api/v1/api.go, rules handler): a page is cut before the proxy
 * filters it, so a tenant would get short or empty pages and a next-page token naming another
 * tenant's group. Refused (400, nothing upstream) instead of half-served.
 */
const UNFILTERABLE_RULES_PARAMS = ['group_limit', 'group_next_token'];

/**
 * /api/v1/rules and /api/v1/alerts: forwarded without the tenant, then the answer is filtered
 * to the tenant's rules and alerts as prom-label-proxy's injectproxy/rules.go does
 * (BEHAVIOUR.md section 7): non-200 answers pass through, an answer that is not a successful API
 * response becomes 502 with an empty body, and a tenant matcher that cannot be built is 400
 * with an empty body (checked after the upstream call, as there).
 *
 * The answer is filtered whatever the flags: with --enable-label-matchers-for-rules-api the
 * tenant `match[]` is also sent (Prometheus >= 2.54 narrows by it), but Prometheus 2.42 ignores
 * `match[]` on /api/v1/rules, and no upstream is trusted to have applied it (issue #14 item 4).
 */
function filteringHandler(
  filter: (data: unknown, ctx: RouteContext, accepts: LabelsFilter) => unknown,
  sendTenantMatchers: (ctx: RouteContext) => boolean
): RouteHandler {
  return async (ctx) => {
    if (sendTenantMatchers(ctx)) {
      appendTenantMatchers(ctx);
    }
    const upstreamRes = await ctx.upstream.send(
      { method: 'GET', path: ctx.path, query: ctx.url, form: null, headers: ctx.headers },
      ctx.route
    );
    if (upstreamRes.statusCode !== 200) {
      await streamResponse(upstreamRes, ctx.res);
      return;
    }
    const body = await ctx.upstream.readBody(upstreamRes, MAX_FILTERED_BYTES);
    let parsed: { status?: unknown; data?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidUpstream();
    }
    if (parsed === null || typeof parsed !== 'object' || parsed.status !== 'success') {
      throw invalidUpstream();
    }
    writeJson(ctx.res, 200, { status: 'success', data: filter(parsed.data, ctx, labelsFilter(ctx)) });
  };
}

/**
 * Which label sets the identity may see. Tenant values: the value of --label is one of them
 * (prom-label-proxy). A label policy: the labels satisfy some rule — the same meaning
 * generalised, a rule's or alert's --label value standing for its labels.
 */
function labelsFilter(ctx: RouteContext): LabelsFilter {
  if (ctx.policy) {
    const enforcement = ctx.policyEnforcement();
    return (labels) => enforcement.acceptsLabels(labels);
  }
  try {
    checkTenantValues(ctx.tenantValues, ctx.options);
  } catch (err) {
    throw new ProxyRejection(400, 'invalid-tenant', (err as Error).message, true);
  }
  const accepts = tenantValueMatcher(ctx.tenantValues, ctx.options.regexMatch);
  const label = ctx.options.label;
  return (labels) => accepts(labels?.[label]);
}

function invalidUpstream(): ProxyRejection {
  return new ProxyRejection(
    502,
    'upstream-invalid-response',
    'the upstream answer is not a successful Prometheus API response',
    true
  );
}

export const handleAlerts = filteringHandler(
  (data, _ctx, accepts) => {
    const alerts = (data as { alerts?: Alert[] } | null)?.alerts ?? [];
    return { alerts: alerts.filter((a) => accepts(a.labels)) };
  },
  () => false
);

const filterRules = filteringHandler(
  (data, ctx, accepts) => filterRuleGroups(data, ctx, accepts),
  (ctx) => ctx.options.labelMatchersForRulesApi
);

export const handleRules: RouteHandler = async (ctx) => {
  for (const name of UNFILTERABLE_RULES_PARAMS) {
    if (ctx.url.has(name) || ctx.form?.has(name)) {
      throw new ProxyRejection(
        400,
        'bad-request',
        `${name} is not supported through the proxy: /api/v1/rules pages are cut before the proxy filters them to your tenant; request without ${name}`
      );
    }
  }
  await filterRules(ctx);
};

function filterRuleGroups(data: unknown, ctx: RouteContext, accepts: LabelsFilter): unknown {
  const groups = (data as { groups?: RuleGroup[] } | null)?.groups ?? [];
  const kept: RuleGroup[] = [];
  for (const group of groups) {
    const rules: Rule[] = [];
    for (const rule of group.rules ?? []) {
      if (accepts(rule.labels)) {
        rules.push(rule);
        continue;
      }
      if (ctx.options.rulesWithActiveAlerts && rule.type === 'alerting') {
        const alerts = (rule.alerts ?? []).filter((a) => accepts(a.labels));
        if (alerts.length > 0) {
          // rules.go: the rule takes the first kept alert's state, raised to firing if any fires.
          const state = alerts.some((a) => a.state === 'firing') ? 'firing' : alerts[0].state;
          rules.push({ ...rule, alerts, state });
        }
      }
    }
    if (rules.length > 0) {
      kept.push({ ...group, rules });
    }
  }
  return { groups: kept };
}
