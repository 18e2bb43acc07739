import type { IncomingHttpHeaders } from 'http';
import {
  parseRule,
  policyFromLabelValues,
  PolicyError,
  ruleText,
  type Policy,
  type PolicyRule,
} from '../../src/policy';
import { matcherMatches } from '../../src/promql/matchers';
import { ProxyRejection } from '../rejection';
import { policyIdentity, type Identity } from './identity';

/**
 * Grafana Enterprise LBAC's header: one line per rule, `<tenant>:<url-encoded selector>` (the
 * format Mimir's `-auth.label-access-control-enabled` and Loki's `lbac.enabled` read). The header
 * is unsigned: whoever can send it to the proxy chooses a policy, so it is read only with
 * `--accept-lbac-header`, behind a Grafana that sets it and strips any client copy.
 */
export const LBAC_HEADER = 'x-prom-label-policy';

/**
 * The request's policy with LBAC headers taken into account. Without the flag any such header is
 * refused (400): it was never set by this deployment's Grafana, so it is a forgery or a
 * misconfiguration, and it never reaches the upstream either way (a Mimir upstream would honour
 * it). With the flag, each line's tenant must be the identity's tenant id (403 otherwise) and
 * each rule must lie inside what the identity already allows: the header narrows, never widens.
 */
export function applyLbacHeader(
  who: Identity,
  headers: IncomingHttpHeaders | NodeJS.Dict<string[]>,
  opts: { accept: boolean; label: string; regexMatch: boolean }
): Identity {
  const raw = headers[LBAC_HEADER];
  const lines = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((l) => l.split(','));
  if (lines.length === 0) {
    return who;
  }
  if (!opts.accept) {
    throw new ProxyRejection(
      400,
      'bad-request',
      'X-Prom-Label-Policy is not accepted by this proxy (start it with --accept-lbac-header, only behind a trusted Grafana); remove the header'
    );
  }
  if (who.tenant === undefined) {
    throw new ProxyRejection(
      403,
      'forbidden',
      'X-Prom-Label-Policy names a tenant, but this identity has no tenant id to check it against; use --tenant-tokens-file'
    );
  }
  const allowed = who.policy ?? policyFromLabelValues(opts.label, who.values, opts.regexMatch);
  const rules = lines.map((line, i) => headerRule(line.trim(), i, who.tenant!, allowed));
  return policyIdentity(Object.freeze({ rules: Object.freeze(rules) }), who.tenant);
}

function headerRule(line: string, index: number, tenant: string, allowed: Policy): PolicyRule {
  const where = `X-Prom-Label-Policy line ${index + 1}`;
  const colon = line.indexOf(':');
  if (colon <= 0) {
    throw new ProxyRejection(400, 'bad-request', `${where}: expected <tenant>:<url-encoded selector>`);
  }
  const lineTenant = line.slice(0, colon);
  if (lineTenant !== tenant) {
    throw new ProxyRejection(
      403,
      'forbidden',
      `${where} is for tenant ${JSON.stringify(lineTenant)}, but the request is authenticated as ${JSON.stringify(tenant)}`
    );
  }
  let rule: PolicyRule;
  try {
    rule = parseRule(decodeURIComponent(line.slice(colon + 1)), index);
  } catch (err) {
    const why = err instanceof PolicyError || err instanceof URIError ? err.message : String(err);
    throw new ProxyRejection(400, 'bad-request', `${where}: ${why}`);
  }
  if (!allowed.rules.some((own) => narrows(rule, own))) {
    throw new ProxyRejection(
      403,
      'forbidden',
      `${where}: ${ruleText(rule)} is not inside this identity's policy; each rule must keep every matcher of one of its rules (or, for tenant values, an equality on one of them)`
    );
  }
  return rule;
}

/**
 * Whether `rule` selects a subset of `own`: it has every matcher of `own` verbatim, or `own` is one
 * matcher and `rule` has an equality on the same label with a (non-empty) value `own` accepts.
 * Both mean each series `rule` selects satisfies `own` (matchers AND).
 */
function narrows(rule: PolicyRule, own: PolicyRule): boolean {
  const texts = new Set(rule.matchers.map((m) => `${m.name}\u0000${m.op}\u0000${m.value}`));
  if (own.matchers.every((m) => texts.has(`${m.name}\u0000${m.op}\u0000${m.value}`))) {
    return true;
  }
  if (own.matchers.length !== 1) {
    return false;
  }
  const [o] = own.matchers;
  return rule.matchers.some((m) => m.name === o.name && m.op === '=' && m.value !== '' && matcherMatches(o, m.value));
}
