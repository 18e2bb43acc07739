/**
 * Grafana's built-in macros with a format (`${__interval:date:…}`, `${__range:json}`,
 * `[[__range_s:queryparam]]`). Enforced Grafana text keeps its macros for Grafana to fill in
 * afterwards: the wrapper leaves the interval and range macros to the target data source
 * (src/datasource/interpolation.ts TARGET_MACROS), and `enforce --grafana` output is interpolated
 * when the dashboard runs. The engine reads a macro as the number or duration Grafana computes, but
 * a format rewrites that value, and some formats emit text of the dashboard author's choosing:
 * `date:<moment format>` copies any `[literal]` text, `customqueryparam:<name>` any name. That text
 * would be read as PromQL after enforcement (`[${__interval:date:[5m\]) or other_tenant #]}]`
 * becomes `[5m]) or other_tenant #…]`). So a format on a macro is accepted only when, for every
 * value Grafana can give that macro, it yields that value unchanged or another number.
 *
 * Formats and what they do to one plain value (Grafana public/app/features/templating/
 * formatRegistry.ts, and @grafana/scenes variables/interpolation/formatRegistry.ts since Grafana 11):
 *   raw, pipe, csv, distributed, glob, join  the value as is (the rest only joins arrays)
 *   regex, lucene, html, percentencode, uriencode  escape characters a number or duration never has
 *   date:ms / date:seconds                   the value / a whole number of seconds
 *   date, date:iso, date:<moment format>     a date text, or any literal text: refused
 *   json                                     `"30s"` in Grafana ≤ 10 (quotes): refused
 *   singlequote, doublequote, sqlstring      quotes (would also end a string literal): refused
 *   text                                     the display text, not the value: refused
 *   queryparam, customqueryparam             `var-name=…`, a free name and prefix: refused
 *   anything else                            unknown to us (scenes falls back to glob): refused
 */
import { EnforceError } from '../../labelmatch/errors';

/**
 * Macros whose value Grafana computes as a duration (`30s`, `1m`, `1h`) or a whole number (`3600`,
 * epoch milliseconds). Names starting with `__` are Grafana's own: dashboard variables may not use
 * that prefix ("Template names cannot begin with '__', that's reserved for Grafana's global
 * variables", variable editor validation).
 */
const DURATION_OR_NUMBER_MACROS = new Set([
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__auto',
  '__from',
  '__to',
]);

function isDurationOrNumberMacro(name: string): boolean {
  return DURATION_OR_NUMBER_MACROS.has(name) || name.startsWith('__auto_interval_');
}

/** Formats that give a number or duration back unchanged (they only escape other characters or join arrays). */
const VALUE_PRESERVING_FORMATS = new Set([
  'raw',
  'pipe',
  'csv',
  'distributed',
  'glob',
  'join',
  'regex',
  'lucene',
  'html',
  'percentencode',
  'uriencode',
]);

/** `date:` arguments that yield a number: the epoch milliseconds as they are, or whole seconds. */
const NUMERIC_DATE_ARGS = new Set(['ms', 'seconds']);

export function isGrafanaMacro(name: string): boolean {
  return name.startsWith('__');
}

/** Whether a macro (with this format, if any) always stands for a number, e.g. `${__to:date:seconds}`. */
export function isNumberMacro(name: string, format: string | undefined): boolean {
  if (!isGrafanaMacro(name)) {
    return false;
  }
  if (format !== undefined && format.split(':')[0] === 'date') {
    return format === 'date:seconds' || (format === 'date:ms' && (name === '__from' || name === '__to'));
  }
  return /_(s|ms)$/.test(name) || name === '__from' || name === '__to';
}

/**
 * Throws EnforceError('unsupported') when `reference` (text[from, to)) is a Grafana macro with a
 * format that could make Grafana insert anything but the macro's number or duration.
 */
export function checkMacroFormat(
  text: string,
  from: number,
  to: number,
  name: string,
  format: string | undefined
): void {
  if (format === undefined || !isGrafanaMacro(name)) {
    return;
  }
  const [id, ...args] = format.split(':');
  const accepted = isDurationOrNumberMacro(name)
    ? (VALUE_PRESERVING_FORMATS.has(id) && args.length === 0) ||
      (id === 'date' && args.length === 1 && NUMERIC_DATE_ARGS.has(args[0]))
    : false;
  if (accepted) {
    return;
  }
  const reference = text.slice(from, to);
  const why = isDurationOrNumberMacro(name)
    ? `the format "${format}" can make Grafana insert text other than the macro's number or duration, after the query was enforced`
    : `${name} is a text macro, and a format on it could make Grafana insert text after the query was enforced`;
  const fix =
    name === '__from' || name === '__to'
      ? `write \${${name}} (epoch milliseconds) or \${${name}:date:seconds}`
      : isDurationOrNumberMacro(name)
        ? `write \${${name}} without a format`
        : 'remove the format';
  throw new EnforceError('unsupported', `cannot enforce Grafana macro ${reference}: ${why}; ${fix}`, { from, to });
}
