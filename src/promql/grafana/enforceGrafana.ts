/**
 * Enforcement of raw Grafana query text: variables/macros protected by placeholders (protect.ts),
 * Grafana's variable-query functions handled by variableFunctions.ts.
 */
import { analyseQuery, ParsedQuery } from '../analyse';
import { enforceParsed, Enforcer, matcherEnforcerOf, MatcherEnforcer } from '../enforcer';
import { EnforceError, failClosed } from '../errors';
import { findVariables, Occurrence, PlaceholderKind, protectVariables, Protected, restoreVariables } from './protect';
import { enforceVariableFunction } from './variableFunctions';

export interface ProtectedParse {
  parsed: ParsedQuery;
  protectedText: Protected;
}

/** Re-readings tried after the first one; each switches a variable the checker refused. */
const MAX_REREADINGS = 24;

/**
 * Parses Grafana text with its variables protected. A variable standing alone gets its preferred
 * reading first (protect.ts Reading: a metric name, or a number right of a comparison); when the
 * checker refuses the text at such a variable (`topk($k, x)`: a scalar is needed there), that
 * variable alone moves on to its next reading, and the text is checked again. A variable is never
 * read as a number where the metric-name reading is valid, so `$metric`, `$a / $b` or `-$m` all get
 * the tenant matcher.
 */
export function analyseGrafanaText(expr: string, me: MatcherEnforcer): ProtectedParse {
  const occurrences = findVariables(expr);
  if (occurrences.length === 0) {
    // Nothing to protect: the text is plain PromQL, and its errors are reported as they are.
    return { parsed: analyseQuery(expr, me.features), protectedText: unprotected(expr) };
  }
  const choice = occurrences.map(() => 0);
  const kindOf = (o: Occurrence, i: number): PlaceholderKind => (o.readings ? o.readings[choice[i]] : o.kind);
  let first: { error: EnforceError; protectedText: Protected } | undefined;
  for (let attempt = 0; attempt <= MAX_REREADINGS; attempt++) {
    const p = protectVariables(expr, kindOf, me.joinedText, occurrences);
    try {
      return { parsed: analyseQuery(p.text, me.features), protectedText: p };
    } catch (err) {
      if (!(err instanceof EnforceError) || err.kind !== 'parse' || p.count === 0) {
        throw err;
      }
      first ??= { error: err, protectedText: p };
      if (!nextReading(err, p, occurrences, choice)) {
        break;
      }
    }
  }
  // The first reading's error is usually the most telling one.
  const { error, protectedText } = first!;
  throw new EnforceError(
    error.kind,
    `${restoreVariables(error.message, protectedText)} (positions count Grafana variables as placeholders)`,
    error.position
  );
}

/**
 * Moves the variables the error points at to their next reading: those whose placeholder is the
 * refused node, else those inside it, else the nearest one before it (a parse error is reported
 * where lezer got stuck, which is after an operator-position variable). False when none can move.
 */
function nextReading(err: EnforceError, p: Protected, occurrences: Occurrence[], choice: number[]): boolean {
  const at = err.position ?? { from: 0, to: p.text.length };
  const movable = (i: number) => {
    const readings = occurrences[i].readings;
    return readings !== undefined && choice[i] + 1 < readings.length;
  };
  const indices = occurrences.map((_o, i) => i).filter(movable);
  const exact = indices.filter((i) => p.placed[i].from === at.from && p.placed[i].to === at.to);
  const inside = indices.filter((i) => p.placed[i].from >= at.from && p.placed[i].to <= Math.max(at.to, at.from + 1));
  const before = indices.filter((i) => p.placed[i].to <= at.from).slice(-1);
  const pick = exact.length > 0 ? exact : inside.length > 0 ? inside : before;
  pick.forEach((i) => choice[i]++);
  return pick.length > 0;
}

/** The Protected form of a text without variables: restoring it is the identity. */
function unprotected(text: string): Protected {
  return { text, restore: new Map(), count: 0, positional: [], placed: [] };
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
