import { EnforceError } from '../labelmatch/errors';
import * as logql from '../logql';
import * as promql from '../promql';

import { WrapperError } from './errors';
import type { ResolvedTenant } from './tenantResolver';
import type { TargetKind } from './types';

/**
 * The engine's enforcer for one tenant and one target kind. The kind picks the engine (PromQL or
 * LogQL) and comes from the target's data source type, so a query cannot choose the grammar it is
 * checked with.
 */
export type Enforcer =
  | {
      readonly kind: 'prometheus';
      readonly label: string;
      readonly values: readonly string[];
      readonly engine: promql.Enforcer;
    }
  | {
      readonly kind: 'loki';
      readonly label: string;
      readonly values: readonly string[];
      readonly engine: logql.Enforcer;
    };

const LANGUAGE: Record<TargetKind, string> = { prometheus: 'PromQL', loki: 'LogQL' };

/** Human wording of the tenant restriction, e.g. `tenant = "a"` or `tenant in "a", "b"`. */
export function describeTenant(t: Pick<ResolvedTenant, 'label' | 'values'>): string {
  return t.values.length === 1
    ? `${t.label} = "${t.values[0]}"`
    : `${t.label} in ${t.values.map((v) => `"${v}"`).join(', ')}`;
}

/**
 * Enforced texts by tenant settings, then input. Dashboards re-run the same query text on every
 * refresh; the engine's output depends only on these inputs, so it is reused. One table per
 * settings, found through the enforcer (no key built per query). Bounded: at most
 * SETTINGS_LIMIT tables of ENTRIES_LIMIT entries, oldest evicted first; errors are never cached.
 */
const SETTINGS_LIMIT = 16;
const ENTRIES_LIMIT = 2000;
const tablesBySettings = new Map<string, Map<string, string>>();
const tableOf = new WeakMap<Enforcer, Map<string, string>>();

export function clearEnforcementCache(): void {
  for (const table of tablesBySettings.values()) {
    table.clear();
  }
}

function tableFor(settingsKey: string): Map<string, string> {
  let table = tablesBySettings.get(settingsKey);
  if (!table) {
    if (tablesBySettings.size >= SETTINGS_LIMIT) {
      // The oldest settings' table may still be held by an enforcer: emptied, not just dropped.
      const oldest = tablesBySettings.keys().next().value as string;
      tablesBySettings.get(oldest)!.clear();
      tablesBySettings.delete(oldest);
    }
    table = new Map();
    tablesBySettings.set(settingsKey, table);
  }
  return table;
}

/** The engine's enforcer for a resolved tenant; an engine refusal is a configuration error. */
export function enforcerFor(
  tenant: ResolvedTenant,
  errorOnReplace: boolean,
  kind: TargetKind = 'prometheus'
): Enforcer {
  let e: Enforcer;
  try {
    const opts = { label: tenant.label, values: tenant.values, errorOnReplace };
    e =
      kind === 'loki'
        ? { kind, label: tenant.label, values: tenant.values, engine: logql.createEnforcer(opts) }
        : { kind, label: tenant.label, values: tenant.values, engine: promql.createEnforcer(opts) };
  } catch (err) {
    throw new WrapperError(
      'config',
      `The tenant settings of this data source are invalid (${err instanceof Error ? err.message : String(err)}); ` +
        'ask an admin to fix the tenant label name and team mapping in the data source settings.'
    );
  }
  tableOf.set(e, tableFor(JSON.stringify([kind, tenant.label, tenant.values, errorOnReplace])));
  return e;
}

function rejected(err: unknown, what: string, input: string, e: Enforcer): never {
  // Both engines throw the shared EnforceError of src/labelmatch.
  if (err instanceof EnforceError) {
    const fix =
      err.kind === 'illegal-label-matcher'
        ? `remove the "${e.label}" matcher: this data source adds the tenant itself`
        : err.kind === 'parse'
          ? `correct the ${LANGUAGE[e.kind]} at that position`
          : 'rewrite the query without that construct';
    throw new WrapperError(
      'rejected',
      `${what} rejected: ${err.message}. Fix: ${fix}. (Query: ${input})`,
      err.position
    );
  }
  throw err;
}

function enforceWithEngine(input: string, e: Enforcer): string {
  return e.kind === 'loki' ? logql.enforceGrafanaQuery(input, e.engine) : promql.enforceGrafanaQuery(input, e.engine);
}

/** Raw Grafana query text (macros, variables, label_values() etc. kept) limited to the tenant. */
export function enforceText(input: string, e: Enforcer, what = 'Query'): string {
  const table = tableOf.get(e);
  const hit = table?.get(input);
  if (hit !== undefined) {
    return hit;
  }
  let out: string;
  try {
    out = enforceWithEngine(input, e);
  } catch (err) {
    return rejected(err, what, input, e);
  }
  if (table) {
    if (table.size >= ENTRIES_LIMIT) {
      table.delete(table.keys().next().value as string);
    }
    table.set(input, out);
  }
  return out;
}

/**
 * A series / stream selector parameter (Prometheus `match[]`, Loki `query` / `match[]`) limited to
 * the tenant; no selector → the bare tenant selector. Existing matchers are kept and the tenant
 * matcher is added (prom-label-proxy's match[] behaviour), so a selector naming another tenant
 * selects nothing.
 */
export function enforceMatch(selector: string | undefined, e: Enforcer): string {
  const empty = selector === undefined || selector.trim() === '' || selector.trim() === '{}';
  try {
    if (e.kind === 'loki') {
      return empty ? logql.tenantSelector(e.engine) : logql.enforceStreamSelector(selector, e.engine);
    }
    return empty ? promql.tenantSelector(e.engine) : promql.enforceSeriesSelector(selector, e.engine);
  } catch (err) {
    return rejected(err, e.kind === 'loki' ? 'Stream selector' : 'Series selector', selector ?? '', e);
  }
}
