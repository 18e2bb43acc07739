/**
 * The LogQL side of a request's tenant enforcement (src/logql), with engine errors turned into the
 * proxy's HTTP answers exactly as for PromQL (../../enforcement.ts guard). Enforcers are pure values
 * per tenant-value set: kept in a small bounded map per proxy.
 */
import { createEnforcer, enforceQuery, enforceStreamSelector, tenantSelector, type Enforcer } from '../../../src/logql';
import { guard } from '../../enforcement';
import type { ProxyOptions } from '../../options';

export class LogQLEnforcement {
  private readonly enforcer: Enforcer;

  constructor(values: readonly string[], options: ProxyOptions) {
    this.enforcer = guard(() =>
      createEnforcer({
        label: options.label,
        values,
        errorOnReplace: options.errorOnReplace,
        regexMatch: options.regexMatch,
      })
    );
  }

  /** A log or metric query with every stream selector pinned to the tenant. */
  query(expr: string): string {
    return guard(() => enforceQuery(expr, this.enforcer));
  }

  /** A series `match[]` selector with the tenant matcher appended (the user can only narrow). */
  streamSelector(selector: string): string {
    return guard(() => enforceStreamSelector(selector, this.enforcer, { mode: 'append' }));
  }

  /** `{tenant="a"}`: the whole tenant, for APIs called without a query. */
  tenantSelector(): string {
    return guard(() => tenantSelector(this.enforcer));
  }
}

const enforcers = new WeakMap<ProxyOptions, Map<string, LogQLEnforcement>>();

/** The enforcement for `values` under `options` (one proxy's options object), built once. */
export function logqlEnforcementFor(values: readonly string[], options: ProxyOptions): LogQLEnforcement {
  let map = enforcers.get(options);
  if (!map) {
    map = new Map();
    enforcers.set(options, map);
  }
  const key = JSON.stringify(values);
  let found = map.get(key);
  if (!found) {
    found = new LogQLEnforcement(values, options);
    if (map.size >= 256) {
      map.clear(); // header values are client input: bounded
    }
    map.set(key, found);
  }
  return found;
}
