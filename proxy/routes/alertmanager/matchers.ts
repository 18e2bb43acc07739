import { EnforceError } from '../../../src/promql';
import { tenantMatcher } from '../../../src/promql/matchers';
import { ProxyRejection } from '../../rejection';

/** An Alertmanager label matcher (pkg/labels.Matcher): what a `filter` parameter holds. */
export interface AlertmanagerMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/**
 * The matcher syntax Alertmanager 0.25's API accepts in `filter` (pkg/labels/parse.go ParseMatcher):
 * a label name, an operator, and a value that is either bare or double-quoted with `\"`, `\\` and
 * `\n` escapes (any other backslash stays literal). Surrounding white space is ignored.
 */
const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Parses one `filter` value; null when Alertmanager would refuse it. */
export function parseAlertmanagerMatcher(text: string): AlertmanagerMatcher | null {
  const m = MATCHER.exec(text);
  if (!m) {
    return null;
  }
  const [, name, op, raw] = m;
  const quoted = raw.startsWith('"');
  const body = quoted ? raw.slice(1) : raw;
  let value = '';
  let closed = !quoted;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i < body.length - 1) {
      const next = body[++i];
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
      continue;
    }
    if (ch === '"') {
      // Only the closing quote of a quoted value may be unescaped, and only as the last character.
      if (!quoted || i < body.length - 1) {
        return null;
      }
      closed = true;
      continue;
    }
    value += ch;
  }
  return closed ? { name, op: op as AlertmanagerMatcher['op'], value } : null;
}

/**
 * Prints a matcher so that Alertmanager's parser reads back exactly `value`: only `\`, `"` and a
 * newline are escaped, since its parser knows no other escape (Go's %q, which prom-label-proxy
 * uses, would turn a tab into `\t`, which Alertmanager reads as a backslash and a `t`).
 */
export function formatAlertmanagerMatcher(m: AlertmanagerMatcher): string {
  const escaped = m.value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
  return `${m.name}${m.op}"${escaped}"`;
}

/**
 * The tenant's filter (BEHAVIOUR.md section 8): `label="v"` for one value, `label=~"q1|q2"` (values
 * QuoteMeta-escaped, byte-sorted) for several, `label=~"r"` with --regex-match after the checks of
 * section 2. Built by the PromQL engine's tenantMatcher, so both kinds of upstream get the same matcher.
 */
export function tenantFilter(label: string, values: readonly string[], regexMatch: boolean): AlertmanagerMatcher {
  try {
    const m = tenantMatcher(label, values, regexMatch);
    return { name: m.name, op: m.op, value: m.value };
  } catch (err) {
    if (err instanceof EnforceError) {
      throw new ProxyRejection(400, err.kind === 'empty-values' ? 'missing-tenant' : 'invalid-tenant', err.message);
    }
    throw err;
  }
}
