import {
  createEnforcer,
  EnforceError,
  enforceGrafanaQuery,
  enforceSeriesSelector,
  tenantSelector,
  type Enforcer,
} from '../promql';

import { WrapperError } from './errors';
import type { ResolvedTenant } from './tenantResolver';

export type { Enforcer };

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
export function enforcerFor(tenant: ResolvedTenant, errorOnReplace: boolean): Enforcer {
  try {
    const e = createEnforcer({ label: tenant.label, values: tenant.values, errorOnReplace });
    tableOf.set(e, tableFor(JSON.stringify([tenant.label, tenant.values, errorOnReplace])));
    return e;
  } catch (e) {
    throw new WrapperError(
      'config',
      `The tenant settings of this data source are invalid (${e instanceof Error ? e.message : String(e)}); ` +
        'ask an admin to fix the tenant label name and team mapping in the data source settings.'
    );
  }
}

function rejected(e: unknown, what: string, input: string, tenantLabel: string): never {
  if (e instanceof EnforceError) {
    const fix =
      e.kind === 'illegal-label-matcher'
        ? `remove the "${tenantLabel}" matcher: this data source adds the tenant itself`
        : e.kind === 'parse'
          ? 'correct the PromQL at that position'
          : 'rewrite the query without that construct';
    throw new WrapperError('rejected', `${what} rejected: ${e.message}. Fix: ${fix}. (Query: ${input})`, e.position);
  }
  throw e;
}

/** Raw Grafana query text (macros, label_values() etc. kept) limited to the tenant. */
export function enforceText(input: string, e: Enforcer, what = 'Query'): string {
  const table = tableOf.get(e);
  const hit = table?.get(input);
  if (hit !== undefined) {
    return hit;
  }
  let out: string;
  try {
    out = enforceGrafanaQuery(input, e);
  } catch (err) {
    return rejected(err, what, input, e.label);
  }
  if (table) {
    if (table.size >= ENTRIES_LIMIT) {
      table.delete(table.keys().next().value as string);
    }
    table.set(input, out);
  }
  return out;
}

/** A `match[]` value limited to the tenant; no selector → the bare tenant selector. */
export function enforceMatch(selector: string | undefined, e: Enforcer): string {
  if (selector === undefined || selector.trim() === '' || selector.trim() === '{}') {
    return tenantSelector(e);
  }
  try {
    return enforceSeriesSelector(selector, e);
  } catch (err) {
    return rejected(err, 'Series selector', selector, e.label);
  }
}
