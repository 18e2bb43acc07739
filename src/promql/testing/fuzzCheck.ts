/**
 * The property every generated query must satisfy, shared by the CI property test and the
 * 100k-query benchmark: enforcement either throws EnforceError or returns text that parses, has the
 * tenant matcher in every selector (independent walk) and is a fixed point.
 */
import { EnforceError } from '../errors';
import { enforceQuery, Enforcer } from '../enforcer';
import { walkSelectors } from './selectorWalk';

export type FuzzOutcome = 'enforced' | 'rejected' | 'violation';

export function checkQuery(
  query: string,
  e: Enforcer,
  tenantOp: string,
  tenantValue: string
): { outcome: FuzzOutcome; detail?: string } {
  let out: string;
  try {
    out = enforceQuery(query, e);
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
