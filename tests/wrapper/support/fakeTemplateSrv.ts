import type { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

export interface FakeVariable {
  value: string | string[];
  multi?: boolean;
  includeAll?: boolean;
}

/**
 * TemplateSrv stand-in with Grafana's reference syntaxes `$name`, `${name}`, `${name:fmt}` and
 * `[[name]]`; scopedVars win over dashboard variables; unknown names stay as they are — the
 * behaviour of public/app/features/templating/template_srv.ts that the wrapper relies on.
 */
export class FakeTemplateSrv implements TemplateSrv {
  constructor(public variables: Record<string, FakeVariable> = {}) {}

  getVariables(): TypedVariableModel[] {
    return Object.keys(this.variables).map((name) => ({ name }) as unknown as TypedVariableModel);
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    const re = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;
    return target.replace(re, (match, n1, n2, _f2, n3) => {
      const name: string = n1 ?? n2 ?? n3;
      const scoped = scopedVars?.[name];
      let value: unknown;
      let variable: FakeVariable | undefined;
      if (scoped) {
        value = scoped.value;
        variable = { value: String(scoped.value) };
      } else if (this.variables[name]) {
        variable = this.variables[name];
        value = variable.value;
      } else {
        return match;
      }
      if (typeof format === 'function') {
        return format(value, variable);
      }
      return Array.isArray(value) ? `{${value.join(',')}}` : String(value);
    });
  }

  containsTemplate(target?: string): boolean {
    return Boolean(target && Object.keys(this.variables).some((n) => target.includes(`$${n}`)));
  }

  updateTimeRange(_range: TimeRange): void {}
}
