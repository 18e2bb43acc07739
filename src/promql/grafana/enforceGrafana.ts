/**
 * Enforcement of raw Grafana query text: variables/macros protected by placeholders (protect.ts),
 * Grafana's variable-query functions handled by variableFunctions.ts.
 */
import { analyseQuery, ParsedQuery } from '../analyse';
import { enforceParsed, Enforcer, matcherEnforcerOf, MatcherEnforcer } from '../enforcer';
import { EnforceError, failClosed } from '../errors';
import { restoreVariables } from './protect';
import { parseProtected, ProtectedParse } from './protectedParse';
import { enforceVariableFunction } from './variableFunctions';

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
