/**
 * Parsing Grafana text with its variables protected (protect.ts), for any engine: PromQL and LogQL
 * pass their own analyser. A variable standing alone gets its preferred reading first (protect.ts
 * Reading: a name, or a number right of a comparison); when the analyser refuses the text at such a
 * variable (`topk($k, x)`: a number is needed there), that variable alone moves on to its next
 * reading, and the text is checked again.
 */
import { EnforceError } from '../../labelmatch/errors';
import { findVariables, Occurrence, PlaceholderKind, protectVariables, Protected, restoreVariables } from './protect';

export interface ProtectedParse<P> {
  parsed: P;
  protectedText: Protected;
}

/** Re-readings tried after the first one; each switches a variable the checker refused. */
const MAX_REREADINGS = 24;

/**
 * `analyse` parses and checks plain text, throwing EnforceError('parse') with a position; `avoid` is
 * text placeholders must not collide with (the enforced matchers).
 */
export function parseProtected<P>(expr: string, avoid: string, analyse: (text: string) => P): ProtectedParse<P> {
  const occurrences = findVariables(expr);
  if (occurrences.length === 0) {
    // Nothing to protect: the text is plain, and its errors are reported as they are.
    return { parsed: analyse(expr), protectedText: unprotected(expr) };
  }
  const choice = occurrences.map(() => 0);
  const kindOf = (o: Occurrence, i: number): PlaceholderKind => (o.readings ? o.readings[choice[i]] : o.kind);
  let first: { error: EnforceError; protectedText: Protected } | undefined;
  for (let attempt = 0; attempt <= MAX_REREADINGS; attempt++) {
    const p = protectVariables(expr, kindOf, avoid, occurrences);
    try {
      return { parsed: analyse(p.text), protectedText: p };
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
