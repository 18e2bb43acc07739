/**
 * What a tenant's label policy writes into its data source, and how the plan shows it per rule.
 *
 * - `jsonData.policyRules`: the tenant's rules as canonical text (written only for tenants that
 *   gave `rules:`, so specs in the classic form plan exactly as before). Not secret — the tenant's
 *   own policy — and it lets the plan show each rule added or removed. Informational: the wall
 *   that enforces it reads the tokens file (token mode) or the headers below (mimir-lbac).
 * - `mimir-lbac`: `X-Scope-OrgID: <scopeOrgId>` and `X-Prom-Label-Policy` from secureJsonData.
 *   The policy header value is `<scopeOrgId>:<url-escaped selector>` per rule (Mimir
 *   pkg/util/labelaccess policyFromHeaderValue: split on the first ':', PathUnescape, parse the
 *   selector; mimirtool `acl generate-header` prints the same form). All rules go in ONE header
 *   line joined by ',' — Mimir splits every header value on ',' (ExtractLabelMatchersSlice), and
 *   the escaped selectors contain no ',' (encodeURIComponent escapes it) — because Grafana's data
 *   source custom headers are keyed by name, so a second `X-Prom-Label-Policy` would replace the
 *   first instead of adding a rule.
 */
import { parseRule, ruleText } from '../policy';
import type { FieldDiff } from './planTypes';

export const LBAC_POLICY_HEADER = 'X-Prom-Label-Policy';
export const SCOPE_ORG_HEADER = 'X-Scope-OrgID';
export const POLICY_RULES_KEY = 'policyRules';

export interface HeaderPair {
  name: string;
  value: string;
}

/** The two headers of a mimir-lbac data source, in httpHeaderName1/2 order. */
export function lbacHeaders(scopeOrgId: string, rules: readonly string[]): HeaderPair[] {
  if (rules.length === 0) {
    // Fail closed: without a policy header Mimir would serve the whole scope org.
    throw new Error(`mimir-lbac needs at least one rule for X-Scope-OrgID ${scopeOrgId}`);
  }
  return [
    { name: SCOPE_ORG_HEADER, value: scopeOrgId },
    { name: LBAC_POLICY_HEADER, value: rules.map((r) => lbacPolicyValue(scopeOrgId, r)).join(',') },
  ];
}

/** `acme:%7Btenant%3D%22acme%22%7D`: one rule in Mimir's `<tenant>:<escaped selector>` form. */
export function lbacPolicyValue(scopeOrgId: string, rule: string): string {
  return `${scopeOrgId}:${encodeURIComponent(ruleText(parseRule(rule)))}`;
}

/** Reads an `X-Prom-Label-Policy` value back into rule texts (tests, and the README's example). */
export function parseLbacPolicyValue(value: string): Array<{ scopeOrgId: string; rule: string }> {
  return value.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) {
      throw new Error(`"${part}" is not <tenant>:<url-escaped selector>`);
    }
    return { scopeOrgId: part.slice(0, colon), rule: decodeURIComponent(part.slice(colon + 1)) };
  });
}

/** The plan diff of `jsonData.policyRules`: one line per rule removed or added. */
export function policyRulesDiff(before: unknown, after: unknown): FieldDiff[] {
  const was = asRules(before);
  const now = asRules(after);
  const diff: FieldDiff[] = [
    ...was.filter((r) => !now.includes(r)).map((r) => ({ field: 'rule', before: r, after: null })),
    ...now.filter((r) => !was.includes(r)).map((r) => ({ field: 'rule', before: null, after: r })),
  ];
  if (diff.length === 0 && JSON.stringify(was) !== JSON.stringify(now)) {
    // Same rules, another order: no change in meaning, but the stored copy is rewritten.
    diff.push({ field: 'rule order', before: was.join(' or '), after: now.join(' or ') });
  }
  return diff;
}

const asRules = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
