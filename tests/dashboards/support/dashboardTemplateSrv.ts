import type { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import type { Dashboard } from './dashboardModel';
import { ALL } from './interpolate';
import type { Selection } from './context';

interface DashboardVariable {
  name: string;
  type: 'query' | 'textbox';
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  value: string | string[];
}

type FormatFn = (value: unknown, variable?: { multi?: boolean; includeAll?: boolean }) => string;

// Grafana's variable reference syntaxes: $name, [[name]], [[name:fmt]], ${name}, ${name.path}, ${name:fmt}
// (public/app/features/variables/utils.ts, variableRegex).
const VARIABLE_REFERENCE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

/**
 * Browser stand-in for Grafana's dashboard TemplateSrv holding one bundled dashboard's query and
 * text box variables with a viewer's selection (for the browser harness, which has no dashboard runtime).
 * As in Grafana (template_srv.ts): scopedVars win; unknown names (the interval/range macros the
 * target data source expands) stay in the text; the data source's format function formats values;
 * "All" with a custom allValue is inserted verbatim, unformatted.
 */
export class DashboardTemplateSrv implements TemplateSrv {
  private readonly variables = new Map<string, DashboardVariable>();

  constructor(dashboard: Dashboard, selection: Selection) {
    for (const v of dashboard.templating.list) {
      if (v.type === 'textbox') {
        // A text box holds one string: the selection's, else its default (`query`).
        const text = selection[v.name]?.[0] ?? (typeof v.query === 'string' ? v.query : '');
        this.variables.set(v.name, { name: v.name, type: 'textbox', multi: false, includeAll: false, value: text });
        continue;
      }
      if (v.type !== 'query') {
        continue;
      }
      const selected = selection[v.name] ?? [ALL];
      this.variables.set(v.name, {
        name: v.name,
        type: 'query',
        multi: v.multi === true,
        includeAll: v.includeAll === true,
        allValue: v.allValue ?? undefined,
        value: selected.length === 1 ? selected[0] : [...selected],
      });
    }
  }

  getVariables(): TypedVariableModel[] {
    return [...this.variables.values()].map(
      (v) => ({ name: v.name, type: v.type, multi: v.multi, includeAll: v.includeAll }) as unknown as TypedVariableModel
    );
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(VARIABLE_REFERENCE, (match, n1?: string, n2?: string, _f2?: string, n3?: string) => {
      const name = (n1 ?? n2 ?? n3) as string;
      const scoped = scopedVars?.[name];
      if (scoped) {
        return typeof format === 'function' ? (format as FormatFn)(scoped.value) : String(scoped.value);
      }
      const v = this.variables.get(name);
      if (!v) {
        return match;
      }
      if (v.value === ALL) {
        if (v.allValue === undefined) {
          throw new Error(`DashboardTemplateSrv: ${name} is All without allValue; select explicit values in the test.`);
        }
        return v.allValue;
      }
      return typeof format === 'function'
        ? (format as FormatFn)(v.value, v)
        : Array.isArray(v.value)
          ? v.value.join(',')
          : v.value;
    });
  }

  containsTemplate(target?: string): boolean {
    return Boolean(
      target && [...target.matchAll(VARIABLE_REFERENCE)].some((m) => this.variables.has(m[1] ?? m[2] ?? m[4]))
    );
  }

  updateTimeRange(_range: TimeRange): void {}
}
