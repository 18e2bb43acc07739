/**
 * A small stand-in for Grafana's template service as the Prometheus data source uses it, so the
 * bundled dashboards' queries can be evaluated outside Grafana.
 *
 * Grafana facts this follows (grafana/grafana public/app/features/templating/template_srv.ts and
 * the Prometheus data source's `interpolateQueryExpr`):
 * - variable syntaxes `$name`, `${name}`, `${name:format}` and `[[name]]`;
 * - a single-value variable (not multi, no "All") is escaped for a PromQL string (`\` and `'`);
 * - a multi-value / include-All variable is regex-escaped, several values become `(v1|v2)`;
 * - "All" expands to the variable's custom allValue verbatim, else to all of its options.
 * Unknown variables throw, so a typo in a dashboard fails the tests instead of reaching Prometheus.
 */

export interface VariableValue {
  /** The selected values; `['$__all']` selects All. */
  values: readonly string[];
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  /** The variable's options (for All without a custom allValue). */
  options?: readonly string[];
}

export interface InterpolationContext {
  variables: Readonly<Record<string, VariableValue>>;
  /** Range of the query, seconds. */
  rangeSeconds: number;
  /** $__interval in seconds. */
  intervalSeconds: number;
  /** Scrape interval of the data (Grafana: the data source's "scrape interval" setting). */
  scrapeIntervalSeconds: number;
}

export const ALL = '$__all';

// Grafana's own variable regex (template_srv / variableRegex), which recognises the three syntaxes.
const VARIABLE_REFERENCE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

function regularEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
}

function specialRegexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

function formatVariable(name: string, v: VariableValue): string {
  if (v.values.length === 1 && v.values[0] === ALL) {
    if (v.allValue !== undefined) {
      return v.allValue;
    }
    if (!v.options || v.options.length === 0) {
      throw new Error(
        `Variable "${name}" is set to All but has neither allValue nor options; give the test its options.`
      );
    }
    return formatVariable(name, { ...v, values: v.options });
  }
  if (v.values.length === 0) {
    throw new Error(`Variable "${name}" has no value; select at least one value in the test context.`);
  }
  if (!v.multi && !v.includeAll) {
    return regularEscape(v.values[0]);
  }
  const escaped = v.values.map(specialRegexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

function seconds(s: number): string {
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

function macros(ctx: InterpolationContext): Record<string, string> {
  // $__rate_interval = max($__interval + scrape interval, 4 × scrape interval)
  // (grafana docs: "Prometheus template variables", $__rate_interval).
  const rateInterval = Math.max(ctx.intervalSeconds + ctx.scrapeIntervalSeconds, 4 * ctx.scrapeIntervalSeconds);
  return {
    __interval: seconds(ctx.intervalSeconds),
    __interval_ms: String(ctx.intervalSeconds * 1000),
    __rate_interval: seconds(rateInterval),
    __rate_interval_ms: String(rateInterval * 1000),
    __range: seconds(ctx.rangeSeconds),
    __range_s: String(ctx.rangeSeconds),
    __range_ms: String(ctx.rangeSeconds * 1000),
    __auto: seconds(ctx.intervalSeconds),
  };
}

/** `text` with every Grafana variable and macro replaced as Grafana's Prometheus data source would. */
export function interpolate(text: string, ctx: InterpolationContext): string {
  const builtins = macros(ctx);
  return text.replace(VARIABLE_REFERENCE, (match, n1?: string, n2?: string, _f2?: string, n3?: string) => {
    const name = (n1 ?? n2 ?? n3) as string;
    if (name in builtins) {
      return builtins[name];
    }
    const v = ctx.variables[name];
    if (!v) {
      throw new Error(
        `Query uses ${match}, which is neither a dashboard variable in the test context nor a known macro.`
      );
    }
    return formatVariable(name, v);
  });
}
