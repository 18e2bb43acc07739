import type { Dashboard } from './dashboardModel';
import { ALL, type InterpolationContext, type VariableValue } from './interpolate';

/** What a viewer has selected: variable name → values (`[ALL]` or absent → All). */
export type Selection = Readonly<Record<string, readonly string[]>>;

export interface RangeSettings {
  rangeSeconds: number;
  intervalSeconds: number;
  scrapeIntervalSeconds: number;
}

/**
 * The interpolation context for `d` with the given selection. `options` are the values a variable
 * offered the viewer (needed when All has no custom allValue, e.g. `tenant`: All = the viewer's tenants).
 */
export function contextFor(
  d: Dashboard,
  selection: Selection,
  options: Selection,
  range: RangeSettings
): InterpolationContext {
  const variables: Record<string, VariableValue> = {};
  for (const v of d.templating.list) {
    if (v.type !== 'query') {
      continue;
    }
    variables[v.name] = {
      values: selection[v.name] ?? [ALL],
      multi: v.multi === true,
      includeAll: v.includeAll === true,
      allValue: v.allValue ?? undefined,
      options: options[v.name],
    };
  }
  return { variables, ...range };
}
