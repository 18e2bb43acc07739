/**
 * Label policies in the tenant spec (issue #18 items 4-5). A tenant names what it may see either
 * the classic way, `labelValues: [a, b]` under the spec's `label` (one rule `{tenant=~"a|b"}`), or
 * as `rules:` — a list of PromQL selectors of label matchers, matchers of a rule AND, rules OR
 * (src/policy, Grafana LBAC's model). Exactly one of the two: both at once would leave it open
 * whether the values add a rule or restrict each rule, and a policy must not be ambiguous.
 *
 * Which wall enforces a policy depends on the data source mode (README "Label policies"):
 * - token mode: the enforcing proxy, from the tokens file entry's `rules`;
 * - `mimir-lbac`: Mimir itself (`-auth.label-access-control-enabled`), from `X-Prom-Label-Policy`;
 * - header / query-param / mimir: they send label values, not selectors, so they cannot carry a
 *   policy; such a tenant is refused with the fix (fail closed: never enforce less than written).
 */
import { z } from 'zod';
import { parseRule, policyFromLabelValues, PolicyError, ruleText, type PolicyRule } from '../policy';
import type { SpecError, TenantSpec, TenantSpecEntry } from './spec';

/** The `rules:` field of a tenant (texts; parsed by checkTenantPolicies, which names each fault). */
export const rulesField = z.array(z.string().trim().min(1)).min(1).optional();

/**
 * The canonical rule texts of a tenant: its own `rules`, or the one rule its label values mean.
 * Texts that do not parse are kept as written (checkTenantPolicies reports them; the spec is refused).
 */
export function tenantRuleTexts(label: string, labelValues: readonly string[], rules?: readonly string[]): string[] {
  if (rules && rules.length > 0) {
    return rules.map((text) => {
      try {
        return ruleText(parseRule(text));
      } catch {
        return text;
      }
    });
  }
  if (labelValues.length === 0) {
    return [];
  }
  return policyFromLabelValues(label, labelValues).rules.map(ruleText);
}

/** True when the tenant wrote `rules:` (not the classic label values). */
export const hasOwnRules = (t: Pick<TenantSpecEntry, 'labelValues'>) => t.labelValues.length === 0;

/** `labelValues` xor `rules`: the raw tenant before normalisation (paths by index). */
export function exactlyOnePolicyForm(
  tenants: ReadonlyArray<{ labelValues?: string[]; rules?: string[] }>
): SpecError[] {
  return tenants.flatMap((t, i): SpecError[] => {
    if (t.labelValues !== undefined && t.rules !== undefined) {
      return [
        {
          path: `tenants[${i}].rules`,
          message: 'both `labelValues` and `rules` are given; a tenant has one policy',
          fix: 'keep `rules` and write the values as a rule of their own, e.g. {tenant=~"a|b"}, or drop `rules`',
        },
      ];
    }
    if (t.labelValues === undefined && t.rules === undefined) {
      return [
        {
          path: `tenants[${i}].labelValues`,
          message: 'the tenant says nothing about what it may see',
          fix: 'add `labelValues: [team-a]` or `rules: [\'{tenant="team-a", env="prod"}\']`',
        },
      ];
    }
    return [];
  });
}

/** Per tenant: every rule parses (PolicyError names the matcher), and its mode can carry the policy. */
export function checkTenantPolicies(spec: TenantSpec, raw: ReadonlyArray<{ rules?: string[] }>): SpecError[] {
  const errors: SpecError[] = [];
  spec.tenants.forEach((tenant, i) => {
    const own = raw[i]?.rules;
    if (!own) {
      return;
    }
    const at = `tenants[${i}]`;
    const parsed: PolicyRule[] = [];
    own.forEach((text, k) => {
      try {
        parsed.push(parseRule(text, k));
      } catch (err) {
        const message = err instanceof PolicyError ? err.message : String(err);
        errors.push({ path: `${at}.rules[${k}]`, message, fix: ruleFix(message) });
      }
    });
    const seen = new Map<string, number>();
    parsed.forEach((rule, k) => {
      const key = ruleText(rule);
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          path: `${at}.rules[${k}]`,
          message: `rule ${key} is the same as rules[${first}]`,
          fix: 'remove the duplicate rule',
        });
      }
      seen.set(key, k);
    });
    const ds = tenant.datasource;
    if (ds.mode === 'mimir' || (ds.mode === 'proxy' && (ds.tenantVia === 'header' || ds.tenantVia === 'query-param'))) {
      const how =
        ds.mode === 'mimir'
          ? 'mode mimir sends a tenant id (X-Scope-OrgID)'
          : `tenantVia ${ds.tenantVia} sends label values`;
      errors.push({
        path: `${at}.datasource`,
        message: `${how}, which cannot express a policy of rules; the rules would not be enforced`,
        fix: 'use token mode (`mode: proxy`, no tenantVia: the proxy enforces the rules) or `mode: mimir-lbac` (Mimir enforces them), or go back to `labelValues`',
      });
    }
  });
  return errors;
}

function ruleFix(message: string): string {
  if (/metric name/.test(message)) {
    return 'remove the metric name; a rule restricts labels, e.g. {tenant="acme", env="prod"}';
  }
  if (/empty string/.test(message)) {
    return 'add a matcher that needs a value, e.g. tenant="acme"';
  }
  if (/twice/.test(message)) {
    return 'merge the two matchers into one regex, or split the rule into two rules';
  }
  return 'write one selector of label matchers in quotes, e.g. \'{tenant="acme", env="prod"}\' (YAML needs the quotes)';
}

/**
 * Across tenants: the same rule in two tenants is an error (both would see the same series, which
 * is never what a spec means); rules that may select the same series are a plan warning, because
 * overlap is sometimes intended (a platform team seeing a cluster its tenants also see).
 */
export function crossTenantRuleErrors(spec: TenantSpec): SpecError[] {
  const errors: SpecError[] = [];
  const owner = new Map<string, { tenant: number; rule: number }>();
  spec.tenants.forEach((t, i) => {
    t.rules.forEach((text, k) => {
      const first = owner.get(text);
      if (first && first.tenant !== i) {
        errors.push({
          path: hasOwnRules(t) ? `tenants[${i}].rules[${k}]` : `tenants[${i}].labelValues`,
          message: `rule ${text} also belongs to tenants[${first.tenant}]: both tenants would see the same series`,
          fix: 'give each rule to one tenant; to share data on purpose, narrow one rule (e.g. add env="prod")',
        });
      } else if (!first) {
        owner.set(text, { tenant: i, rule: k });
      }
    });
  });
  return errors;
}

/**
 * Plan warnings of one tenant's policy: its rules that may select series another tenant's rules
 * also select (identical rules are errors), and the trust a mimir-lbac data source relies on.
 */
export function tenantPolicyWarnings(spec: TenantSpec, tenant: TenantSpecEntry): string[] {
  const warnings: string[] = [];
  const mine = tenant.rules.flatMap(safeParse);
  for (const other of spec.tenants) {
    if (other.id === tenant.id) {
      continue;
    }
    for (const b of other.rules.flatMap(safeParse)) {
      for (const a of mine) {
        if (ruleText(a) !== ruleText(b) && mayOverlap(a, b)) {
          warnings.push(
            `rule ${ruleText(a)} may select series that tenant "${other.id}" also sees through ${ruleText(b)}; if that is not meant, add a matcher that tells them apart (e.g. env="prod")`
          );
        }
      }
    }
  }
  if (tenant.datasource.mode === 'mimir-lbac') {
    warnings.push(
      'mimir-lbac mode: Mimir believes the X-Prom-Label-Policy header, so only Grafana may reach Mimir (trusted network path); an Admin of this org can edit the data source headers, so give tenant users Viewer or Editor.'
    );
  }
  return warnings;
}

function safeParse(text: string): PolicyRule[] {
  try {
    return [parseRule(text)];
  } catch {
    return [];
  }
}

/**
 * Conservative: two rules are disjoint only when some label has equality matchers with different
 * values in both, or an equality value the other's matcher provably refuses. Anything else (regexes
 * against regexes, labels only one rule names) may overlap, so it warns.
 */
export function mayOverlap(a: PolicyRule, b: PolicyRule): boolean {
  for (const ma of a.matchers) {
    const mb = b.matchers.find((m) => m.name === ma.name);
    if (!mb) {
      continue;
    }
    if (refuses(ma, mb) || refuses(mb, ma)) {
      return false;
    }
  }
  return true;
}

/** Whether `eq` (an equality matcher) picks a value that `other` never accepts. */
function refuses(eq: PolicyRule['matchers'][number], other: PolicyRule['matchers'][number]): boolean {
  if (eq.op !== '=') {
    return false;
  }
  switch (other.op) {
    case '=':
      return other.value !== eq.value;
    case '!=':
      return other.value === eq.value;
    case '=~':
    case '!~': {
      let re: RegExp;
      try {
        // Prometheus anchors regex matchers (^(?:...)$); RE2 syntax is a subset JS reads the same here.
        re = new RegExp(`^(?:${other.value})$`);
      } catch {
        return false;
      }
      return other.op === '=~' ? !re.test(eq.value) : re.test(eq.value);
    }
    default:
      return false;
  }
}

/**
 * A shared-org team that names a tenant gets that tenant's label values; a tenant with `rules`
 * has none, and an empty list must never reach the mapping file. Refused until the team mapping
 * carries rules too.
 */
export function sharedTeamPolicyErrors(spec: TenantSpec): SpecError[] {
  return spec.sharedOrgs.flatMap((shared, i) =>
    shared.teams.flatMap((team, t): SpecError[] => {
      const tenant = team.tenant === undefined ? undefined : spec.tenants.find((x) => x.id === team.tenant);
      if (!tenant || !hasOwnRules(tenant)) {
        return [];
      }
      return [
        {
          path: `sharedOrgs[${i}].teams[${t}].tenant`,
          message: `tenant "${tenant.id}" is given by rules, which the shared-org team mapping cannot carry yet`,
          fix: 'give the team explicit `values: [...]`, or give that tenant its own org (token or mimir-lbac mode)',
        },
      ];
    })
  );
}
