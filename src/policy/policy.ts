/**
 * A label policy: what one identity may see, as data. A policy is a list of rules; a rule is a list
 * of label matchers. Matchers of a rule AND, rules OR — Grafana Enterprise LBAC's model, and what
 * Mimir and Loki enforce natively from `X-Prom-Label-Policy`. Today's `label` + `values` is the
 * one-rule case (`{tenant=~"a|b"}`).
 *
 * Pure: the engines, the proxy, the wrapper and the tenant spec share this type and its checks.
 */
import { analyseQuery } from '../promql/analyse';
import { EnforceError } from '../promql/errors';
import { formatMatcher, tenantMatcher, type LabelMatcher } from '../promql/matchers';

export interface PolicyRule {
  readonly matchers: readonly LabelMatcher[];
}

export interface Policy {
  readonly rules: readonly PolicyRule[];
}

/** A rule or policy the checks refused; `rule` is the index of the faulty rule when there is one. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly rule?: number
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** `{tenant="acme", env="prod"}` → a rule; throws PolicyError naming the faulty matcher. */
export function parseRule(text: string, index?: number): PolicyRule {
  const where = index === undefined ? `rule ${JSON.stringify(text)}` : `rule ${index + 1} ${JSON.stringify(text)}`;
  const fail = (why: string) => new PolicyError(`${where}: ${why}`, index);
  if (typeof text !== 'string' || !text.trim().startsWith('{')) {
    throw fail('write it as a selector of label matchers in braces, e.g. {tenant="acme", env="prod"}');
  }
  let parsed;
  try {
    parsed = analyseQuery(text);
  } catch (err) {
    const reason = err instanceof EnforceError ? err.message : String(err);
    // Prometheus refuses a selector whose matchers all match the empty string; so do we, with the why.
    if (/empty/.test(reason) && /match/.test(reason)) {
      throw fail(
        'every matcher matches the empty string, so the rule would select series that lack these labels; add a matcher that needs a value, e.g. tenant="acme"'
      );
    }
    throw fail(reason);
  }
  const selector = parsed.selectors[0];
  if (parsed.selectors.length !== 1 || selector.from !== text.indexOf('{') || text.slice(selector.to).trim() !== '') {
    throw fail('a rule is one selector of label matchers, without functions, ranges or modifiers');
  }
  const seen = new Set<string>();
  const matchers = selector.matchers.map((m) => {
    const written = text.slice(m.from, m.to);
    if (m.metricName || m.name === '__name__') {
      throw fail(
        `matcher ${written} selects a metric name; a rule restricts labels only (every metric of the allowed series stays visible)`
      );
    }
    if (seen.has(m.name)) {
      throw fail(
        `label ${m.name} appears twice; one matcher per label in a rule (use a regex such as ${m.name}=~"a|b", or two rules)`
      );
    }
    seen.add(m.name);
    return Object.freeze({ name: m.name, op: m.op, value: m.value });
  });
  return Object.freeze({ matchers: Object.freeze(matchers) });
}

/** Several rule texts (e.g. repeated `--rule` flags) → a policy; errors name the rule. */
export function parsePolicy(rules: readonly string[]): Policy {
  if (rules.length === 0) {
    throw new PolicyError('a policy needs at least one rule, e.g. {tenant="acme"}');
  }
  return Object.freeze({ rules: Object.freeze(rules.map((text, i) => parseRule(text, i))) });
}

/** The classic tenant form as a one-rule policy (prom-label-proxy's label + values). */
export function policyFromLabelValues(label: string, values: readonly string[], regexMatch = false): Policy {
  return Object.freeze({ rules: [Object.freeze({ matchers: [tenantMatcher(label, values, regexMatch)] })] });
}

/**
 * The same policy with as few rules as possible: rules that are one equality matcher on the same
 * label collapse to today's regex form (`{t="a"} or {t="b"}` → `{t=~"a|b"}`), and identical rules
 * go. Union semantics are unchanged; a one-rule policy costs what a tenant matcher costs today.
 */
export function simplifyPolicy(policy: Policy): Policy {
  const rules = dedupe(policy.rules);
  const single = rules.filter((r) => r.matchers.length === 1 && r.matchers[0].op === '=');
  const labels = new Set(single.map((r) => r.matchers[0].name));
  if (single.length < 2 || labels.size !== 1 || single.length !== rules.length) {
    return Object.freeze({ rules: Object.freeze(rules) });
  }
  const [label] = labels;
  const values = [...new Set(single.map((r) => r.matchers[0].value))];
  return policyFromLabelValues(label, values);
}

function dedupe(rules: readonly PolicyRule[]): PolicyRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = ruleText(r);
    return !seen.has(key) && (seen.add(key), true);
  });
}

/** `{tenant="acme",env="prod"}`: the canonical text of a rule (also Grafana LBAC's selector form). */
export function ruleText(rule: PolicyRule): string {
  return `{${rule.matchers.map(formatMatcher).join(', ')}}`;
}

export function policyText(policy: Policy): string {
  return policy.rules.map(ruleText).join(' or ');
}
