/**
 * Enforcement of raw Grafana query text: variables/macros protected by placeholders (protect.ts),
 * Grafana's variable-query functions handled by variableFunctions.ts.
 */
import { analyseQuery, ParsedQuery } from '../analyse';
import { enforceParsed, Enforcer, matcherEnforcerOf, MatcherEnforcer } from '../enforcer';
import { EnforceError } from '../errors';
import { AmbiguityMode, protectVariables, Protected, restoreVariables } from './protect';

const MODES: AmbiguityMode[] = ['number', 'identifier', 'operator'];
import { enforceVariableFunction } from './variableFunctions';

export interface ProtectedParse {
  parsed: ParsedQuery;
  protectedText: Protected;
}

/**
 * Parses Grafana text with its variables protected. A variable standing where a number, a metric or
 * an operator could be (`x > $threshold`, `sum($metric)`, `a $op on(x) b`) is tried in that order.
 */
export function analyseGrafanaText(expr: string, me: MatcherEnforcer): ProtectedParse {
  let firstError: EnforceError | undefined;
  let firstProtected: Protected | undefined;
  for (const mode of MODES) {
    const p = protectVariables(expr, mode, me.joinedText);
    try {
      return { parsed: analyseQuery(p.text, me.features), protectedText: p };
    } catch (err) {
      if (!(err instanceof EnforceError) || err.kind !== 'parse' || p.count === 0) {
        throw err;
      }
      firstError ??= err;
      firstProtected ??= p;
    }
  }
  // The first reading's error is usually the most telling one.
  throw new EnforceError(
    firstError!.kind,
    `${restoreVariables(firstError!.message, firstProtected!)} (positions count Grafana variables as placeholders)`,
    firstError!.position
  );
}

export function enforceGrafanaText(expr: string, me: MatcherEnforcer): string {
  const { parsed, protectedText } = analyseGrafanaText(expr, me);
  const back = protectedText.positional.map((p) => ({ from: p.from, to: p.to, insert: p.original }));
  return restoreVariables(enforceParsed(parsed, me, back), protectedText);
}

/** Raw Grafana query text (panel target or variable query) → enforced, variables intact. */
export function enforceGrafanaQuery(expr: string, e: Enforcer): string {
  const me = matcherEnforcerOf(e);
  const viaFunction = enforceVariableFunction(expr, me);
  if (viaFunction !== undefined) {
    return viaFunction;
  }
  return enforceGrafanaText(expr, me);
}
