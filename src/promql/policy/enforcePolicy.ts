/**
 * Enforcing a label policy (src/policy) on PromQL as Prometheus 2.42 can evaluate it. One rule is
 * today's enforcement (every matcher of the rule added to every selector, prom-label-proxy
 * semantics per label). Several rules: each selector is specialised once per rule and the copies
 * are joined at the lift site liftSites.ts finds — text is still only spliced, never re-printed.
 */
import { simplifyPolicy, type Policy } from '../../policy/policy';
import { analyseQuery, type ParsedQuery, type ParsedSelector } from '../analyse';
import { createMatcherEnforcer, enforceParsed, type MatcherEnforcer, type MatcherEnforcerOptions } from '../enforcer';
import { EnforceError, failClosed } from '../errors';
import { matcherMatches } from '../matchers';
import { rewriteSelector } from '../../labelmatch/rewrite';
import { applyEdits, type TextEdit } from '../../labelmatch/splice';
import { liftSites, type LiftSite } from './liftSites';

export interface PolicyEnforcer {
  /** One matcher enforcer per rule, after simplifyPolicy (equality rules on one label → one regex rule). */
  readonly rules: readonly MatcherEnforcer[];
  readonly errorOnReplace: boolean;
  readonly features: MatcherEnforcer['features'];
}

/**
 * Past this growth the rewrite is refused: every nesting level of range functions multiplies the
 * text by the number of rules, and a query that explodes is not one a dashboard needs.
 */
const MAX_GROWTH = 64;

export function createPolicyEnforcer(policy: Policy, opts: MatcherEnforcerOptions = {}): PolicyEnforcer {
  return failClosed(policy, () => {
    if (!policy || !Array.isArray(policy.rules) || policy.rules.length === 0) {
      throw new EnforceError('empty-values', 'the policy has no rule; give at least one, e.g. {tenant="acme"}');
    }
    const rules = simplifyPolicy(policy).rules.map((r) => createMatcherEnforcer(r.matchers, opts));
    return Object.freeze({
      rules: Object.freeze(rules),
      errorOnReplace: opts.errorOnReplace === true,
      features: rules[0].features,
    });
  });
}

/** Plain PromQL → the query restricted to the series the policy allows. */
export function enforcePolicyQuery(expr: string, pe: PolicyEnforcer): string {
  return failClosed(expr, () => enforcePolicyParsed(analyseQuery(expr, pe.features), pe));
}

/**
 * Enforces on an analysed query; `extraEdits` (Grafana's placeholder restores) are applied in every
 * copy of the text they fall in.
 */
export function enforcePolicyParsed(parsed: ParsedQuery, pe: PolicyEnforcer, extraEdits: TextEdit[] = []): string {
  if (pe.rules.length === 1) {
    return enforceParsed(parsed, pe.rules[0], extraEdits);
  }
  if (parsed.infoSelectorInsertions.length > 0) {
    throw new EnforceError(
      'unsupported',
      'info() cannot be restricted by several policy rules: Prometheus selects its info series once per call, not per rule; query with a one-rule policy'
    );
  }
  const out = new UnionRenderer(parsed.text, pe, extraEdits).render(liftSites(parsed));
  if (out.length > MAX_GROWTH * Math.max(parsed.text.length, 64)) {
    throw new EnforceError(
      'unsupported',
      `restricting this query by ${pe.rules.length} rules would make it ${Math.round(out.length / parsed.text.length)}× longer (nested range functions are copied once per rule); simplify the query or the policy`
    );
  }
  return out;
}

class UnionRenderer {
  constructor(
    private readonly text: string,
    private readonly pe: PolicyEnforcer,
    private readonly extraEdits: readonly TextEdit[]
  ) {}

  render(sites: readonly LiftSite[]): string {
    return this.spliced(0, this.text.length, sites, (s) => this.union(s));
  }

  private union(site: LiftSite): string {
    // With error-on-replace, a rule that pins a label to a value the selector excludes adds no
    // series: its copy is left out (`up{cluster="b-2"}` under {cluster="a-1"} or {cluster="b-2"}).
    // Only `=` is exact here; other conflicts are refused as prom-label-proxy refuses them.
    const rules = this.pe.errorOnReplace
      ? this.pe.rules.filter((rule) => !selectsNothing(site.selector, rule))
      : this.pe.rules;
    if (rules.length === 0) {
      const written = this.text.slice(site.selector.from, site.selector.to);
      throw new EnforceError(
        'illegal-label-matcher',
        `${written} selects only series no policy rule allows (every rule pins a label it excludes); remove that matcher or query your own series`,
        { from: site.selector.from, to: site.selector.to }
      );
    }
    const copies = rules.map((rule) =>
      this.spliced(site.from, site.to, [site.selector, ...site.children], (item) =>
        'joiner' in item ? this.union(item) : this.selector(item, rule)
      )
    );
    return `${site.afterBareGroupModifier ? '() ' : ''}(${copies.join(site.joiner)})`;
  }

  private selector(sel: ParsedSelector, rule: MatcherEnforcer): string {
    const edits = this.editsWithin(sel.from, sel.to);
    rewriteSelector(this.text, sel, rule.matchers, rule.joinedText, { errorOnReplace: this.pe.errorOnReplace }, edits);
    return applyEdits(
      this.text.slice(sel.from, sel.to),
      edits.map((e) => shift(e, -sel.from))
    );
  }

  /** The text of [from, to) with each item (sorted, disjoint, inside) replaced by its rendering. */
  private spliced<I extends { from: number; to: number }>(
    from: number,
    to: number,
    items: readonly I[],
    renderItem: (item: I) => string
  ): string {
    let out = '';
    let at = from;
    for (const item of [...items].sort((a, b) => a.from - b.from)) {
      out += this.copy(at, item.from) + renderItem(item);
      at = item.to;
    }
    return out + this.copy(at, to);
  }

  private copy(from: number, to: number): string {
    const edits = this.editsWithin(from, to);
    return applyEdits(
      this.text.slice(from, to),
      edits.map((e) => shift(e, -from))
    );
  }

  private editsWithin(from: number, to: number): TextEdit[] {
    return this.extraEdits.filter((e) => e.from >= from && e.to <= to && (e.from < to || from === to));
  }
}

/** The rule sets a label with `=` to a value one of the selector's own matchers refuses. */
function selectsNothing(sel: ParsedSelector, rule: MatcherEnforcer): boolean {
  return sel.matchers.some(
    (m) => !m.metricName && rule.matchers.some((e) => e.op === '=' && e.name === m.name && !matcherMatches(m, e.value))
  );
}

function shift(e: TextEdit, by: number): TextEdit {
  return { from: e.from + by, to: e.to + by, insert: e.insert };
}
