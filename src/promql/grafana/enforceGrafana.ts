/**
 * Enforcement of raw Grafana query text: variables/macros protected by placeholders (protect.ts),
 * Grafana's variable-query functions handled by variableFunctions.ts.
 */
import { analyseQuery, ParsedQuery } from '../analyse';
import { enforceParsed, Enforcer, matcherEnforcerOf, MatcherEnforcer } from '../enforcer';
import { EnforceError, failClosed } from '../errors';
import { restoreVariables } from './protect';
import { parseProtected, ProtectedParse } from './protectedParse';
import { enforcePolicyParsed, type PolicyEnforcer } from '../policy/enforcePolicy';
import { enforceVariableFunction, variableFunctionOf } from './variableFunctions';

export type { ProtectedParse } from './protectedParse';

/** PromQL Grafana text parsed with its variables protected (protectedParse.ts). */
export function analyseGrafanaText(expr: string, me: MatcherEnforcer): ProtectedParse<ParsedQuery> {
  return parseProtected(expr, me.joinedText, (text) => analyseQuery(text, me.features));
}

export function enforceGrafanaText(expr: string, me: MatcherEnforcer): string {
  const { parsed, protectedText } = analyseGrafanaText(expr, me);
  if (protectedText.count === 0) {
    return enforceParsed(parsed, me);
  }
  const back = protectedText.positional.map((p) => ({ from: p.from, to: p.to, insert: p.original }));
  return restoreVariables(enforceParsed(parsed, me, back), protectedText);
}

/** Raw Grafana query text (panel target or variable query) → enforced, variables intact. */
export function enforceGrafanaQuery(expr: string, e: Enforcer): string {
  return failClosed(expr, () => {
    if (typeof expr !== 'string') {
      throw new EnforceError('parse', 'the Grafana query is not a string');
    }
    const me = matcherEnforcerOf(e);
    const viaFunction = enforceVariableFunction(expr, me);
    return viaFunction !== undefined ? viaFunction : enforceGrafanaText(expr, me);
  });
}

/**
 * Raw Grafana query text under a label policy (src/policy). One rule is the tenant path above.
 * Several rules: panel text is rewritten with the per-rule union (policy/enforcePolicy.ts), the
 * variables restored in every copy. Grafana's variable functions (label_values(), …) take one
 * selector, which cannot carry an `or`, so they are refused for several rules with the reason.
 */
export function enforceGrafanaPolicyQuery(expr: string, pe: PolicyEnforcer): string {
  return failClosed(expr, () => {
    if (typeof expr !== 'string') {
      throw new EnforceError('parse', 'the Grafana query is not a string');
    }
    if (pe.rules.length === 1) {
      const me = pe.rules[0];
      return enforceVariableFunction(expr, me) ?? enforceGrafanaText(expr, me);
    }
    const call = variableFunctionOf(expr);
    if (call?.fn === 'query_result') {
      return `query_result(${enforceGrafanaPolicyText(call.inner.trim(), pe)})`;
    }
    if (call) {
      throw new EnforceError(
        'unsupported',
        `${call.fn}() takes one series selector, which cannot express several policy rules; use query_result() over a PromQL query, or a one-rule policy`
      );
    }
    return enforceGrafanaPolicyText(expr, pe);
  });
}

function enforceGrafanaPolicyText(expr: string, pe: PolicyEnforcer): string {
  // Placeholders must not look like any rule's matcher text: protect against all of them.
  const guard: MatcherEnforcer = { ...pe.rules[0], joinedText: pe.rules.map((r) => r.joinedText).join(',') };
  const { parsed, protectedText } = analyseGrafanaText(expr, guard);
  const back = protectedText.positional.map((p) => ({ from: p.from, to: p.to, insert: p.original }));
  const out = enforcePolicyParsed(parsed, pe, back);
  return protectedText.count === 0 ? out : restoreVariables(out, protectedText);
}
