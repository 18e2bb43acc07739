/**
 * The property every generated LogQL query must satisfy, shared by the CI property test and the
 * 100k-query benchmark: enforcement either throws EnforceError or returns text that parses, has the
 * tenant matcher in every stream selector (independent walk) and is a fixed point.
 */
import { EnforceError } from '../../labelmatch/errors';
import { enforceQuery, Enforcer } from '../enforcer';
import { unpinnedSelectors } from './selectorWalk';

export type FuzzOutcome = 'enforced' | 'rejected' | 'violation';

export function checkLogQLQuery(
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
  const unpinned = unpinnedSelectors(out, e.label, tenantOp, tenantValue);
  if (unpinned.length > 0) {
    return {
      outcome: 'violation',
      detail: `${JSON.stringify(query)} -> ${JSON.stringify(out)}: not pinned: ${unpinned.join(', ')}`,
    };
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
