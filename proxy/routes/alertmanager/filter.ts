import { ProxyRejection } from '../../rejection';
import type { RouteHandler } from '../context';
import { formatAlertmanagerMatcher, parseAlertmanagerMatcher, tenantFilter } from './matchers';

const FILTER = 'filter';

/**
 * GET /api/v2/silences, /api/v2/alerts and /api/v2/alerts/groups (prom-label-proxy
 * injectproxy/silences.go enforceFilterParameter; BEHAVIOUR.md section 8): the tenant's matcher is
 * put first in `filter` and every user filter must parse as an Alertmanager matcher (else 400).
 * User filters on the tenant label are dropped when the tenant matcher is an equality; with several
 * tenant values they are kept, so a user can narrow to one of their values.
 *
 * Alertmanager ANDs all filters, so the answer can only narrow to the tenant: for alerts and
 * groups every alert must match the tenant matcher, and for silences every filter must equal (same
 * name, type and value) one of the silence's matchers (api/v2/api.go
 * CheckSilenceMatchesFilterLabels), i.e. only silences carrying `label="v"` are listed. Silences
 * that try `label=~".*"` or `label!="v"` are therefore never listed to tenant v.
 */
export const handleFilteredRead: RouteHandler = async (ctx) => {
  const enforced = tenantFilter(ctx.options.label, ctx.tenantValues, ctx.options.regexMatch);
  const filters = [formatAlertmanagerMatcher(enforced)];
  for (const filter of ctx.url.getAll(FILTER)) {
    const parsed = parseAlertmanagerMatcher(filter);
    if (!parsed) {
      throw new ProxyRejection(
        400,
        'bad-request',
        `bad request: can't parse filter ${JSON.stringify(filter)}; write Alertmanager matchers like job="api" or instance=~"web-.+"`
      );
    }
    if (parsed.name === enforced.name && enforced.op === '=') {
      continue;
    }
    filters.push(filter);
  }
  ctx.url.delete(FILTER);
  for (const filter of filters) {
    ctx.url.append(FILTER, filter);
  }
  await ctx.forward({ method: 'GET', path: ctx.path, query: ctx.url, form: null, headers: ctx.headers });
};
