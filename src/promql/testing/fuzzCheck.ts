/**
 * The property every generated query must satisfy, shared by the CI property test and the
 * 100k-query benchmark: enforcement either throws EnforceError or returns text that parses, has the
 * tenant matcher in every selector (independent walk) and is a fixed point.
 */
import { EnforceError } from '../errors';
import { enforceQuery, Enforcer } from '../enforcer';
import { walkSelectors, type WalkedQuery } from './selectorWalk';

export type FuzzOutcome = 'enforced' | 'rejected' | 'violation';
export interface FuzzResult {
  outcome: FuzzOutcome;
  detail?: string;
}

/**
 * The part every engine check shares: enforce, and read the output independently. A refusal
 * (EnforceError) or a violation (anything else thrown, output that does not parse) is the result;
 * otherwise the output and its selectors, for the caller's own property.
 */
export function enforceAndWalk(
  query: string,
  enforce: (q: string) => string
): FuzzResult | { out: string; walked: WalkedQuery } {
  let out: string;
  try {
    out = enforce(query);
  } catch (err) {
    if (err instanceof EnforceError) {
      return { outcome: 'rejected' };
    }
    return { outcome: 'violation', detail: `non-EnforceError thrown for ${JSON.stringify(query)}: ${String(err)}` };
  }
  const walked = walkSelectors(out);
  if (walked.hasErrorNode) {
    return {
      outcome: 'violation',
      detail: `output does not parse: ${JSON.stringify(query)} -> ${JSON.stringify(out)}`,
    };
  }
  return { out, walked };
}

export function checkQuery(query: string, e: Enforcer, tenantOp: string, tenantValue: string): FuzzResult {
  const read = enforceAndWalk(query, (q) => enforceQuery(q, e));
  if ('outcome' in read) {
    return read;
  }
  const { out, walked } = read;
  for (const s of walked.selectors) {
    if (!s.matchers.some((m) => m.name === e.label && m.op === tenantOp && m.value === tenantValue)) {
      return {
        outcome: 'violation',
        detail: `selector without tenant matcher: ${JSON.stringify(query)} -> ${JSON.stringify(out)}`,
      };
    }
  }
  let again: string;
  try {
    again = enforceQuery(out, e);
  } catch (err) {
    return { outcome: 'violation', detail: `enforced output rejected: ${JSON.stringify(out)}: ${String(err)}` };
  }
  if (again !== out) {
    return { outcome: 'violation', detail: `not idempotent: ${JSON.stringify(out)} -> ${JSON.stringify(again)}` };
  }
  return { outcome: 'enforced' };
}
