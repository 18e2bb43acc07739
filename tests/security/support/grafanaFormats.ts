/**
 * What Grafana inserts for `${name:format}` when the variable has one plain value: a model of its
 * format registry (public/app/features/templating/formatRegistry.ts; @grafana/scenes
 * variables/interpolation/formatRegistry.ts since Grafana 11), with Grafana's own dateTime (moment)
 * for `date`. Used to check what a macro with a format becomes after enforcement.
 */
import { dateTime } from '@grafana/data';

function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Every format id Grafana knows (Grafana ≤ 10 and scenes); anything else falls back to glob in scenes. */
export const GRAFANA_FORMATS = [
  'raw',
  'regex',
  'pipe',
  'distributed',
  'csv',
  'html',
  'json',
  'percentencode',
  'singlequote',
  'doublequote',
  'sqlstring',
  'join',
  'date',
  'glob',
  'text',
  'queryparam',
  'customqueryparam',
  'uriencode',
  'lucene',
] as const;

export function formatValue(name: string, value: string, format: string): string {
  const [id, ...args] = format.split(':');
  switch (id) {
    case 'raw':
    case 'pipe':
    case 'csv':
    case 'distributed':
    case 'glob':
    case 'join':
    case 'text': // a scoped macro's text is its value
      return value;
    case 'regex':
      return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
    case 'lucene':
      return isNaN(+value) ? value.replace(/([!*+\-=<>\s&|()[\]{}^~?:\\/"])/g, '\\$1') : value;
    case 'html':
      return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    case 'percentencode':
      return percentEncode(value);
    case 'uriencode':
      return encodeURI(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    case 'json':
      return JSON.stringify(value); // Grafana ≤ 10; scenes gives a string back as it is
    case 'singlequote':
      return `'${value.replace(/'/g, "\\'")}'`;
    case 'doublequote':
      return `"${value.replace(/"/g, '\\"')}"`;
    case 'sqlstring':
      return `'${value.replace(/'/g, "''")}'`;
    case 'queryparam':
      return `var-${name}=${percentEncode(value)}`;
    case 'customqueryparam':
      return `${percentEncode(args[0] || name)}=${percentEncode(args[1] || '')}${percentEncode(value)}`;
    case 'date': {
      const n = parseInt(value, 10);
      if (isNaN(n)) {
        return 'NaN';
      }
      const arg = args[0] ?? 'iso';
      if (arg === 'ms') {
        return value;
      }
      if (arg === 'seconds') {
        return String(Math.round(n / 1000));
      }
      return arg === 'iso' ? dateTime(n).toISOString() : dateTime(n).format(args.join(':'));
    }
    default:
      return value; // scenes: unknown format → glob
  }
}

/** Values Grafana gives its macros (durations from rangeUtil, whole numbers for _s/_ms and time). */
export const MACRO_VALUES: Record<string, string[]> = {
  __interval: ['15s', '1m', '200ms', '2h'],
  __interval_ms: ['15000', '200'],
  __rate_interval: ['1m', '4m0s'],
  __rate_interval_ms: ['60000'],
  __range: ['1h', '2d'],
  __range_s: ['3600'],
  __range_ms: ['3600000'],
  __auto: ['1m'],
  __from: ['1700000000000'],
  __to: ['1700003600000'],
};

/** Replaces every `${name:format}` / `[[name:format]]` / `$name` macro with what Grafana would insert. */
export function interpolateMacros(text: string, pick = 0): string {
  return text.replace(/\$\{(\w+)(?::([^}]+))?\}|\[\[(\w+?)(?::(\w+))?\]\]|\$(\w+)/g, (m, a, fa, b, fb, c) => {
    const name: string = a ?? b ?? c;
    const values = MACRO_VALUES[name];
    if (!values) {
      return m;
    }
    const value = values[pick % values.length];
    const format: string | undefined = fa ?? fb;
    return format === undefined ? value : formatValue(name, value, format);
  });
}
