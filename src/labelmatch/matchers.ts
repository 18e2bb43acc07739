/**
 * Label matchers as both engines enforce them, and how the tenant options turn into one
 * (prom-label-proxy injectproxy/routes.go newLabelMatcher / labelValuesToRegexpString). How a
 * matcher is written is the language's business (PromQL may quote UTF-8 label names, LogQL may not):
 * each engine passes its own formatter to prepareMatcherAs.
 */
import { EnforceError } from './errors';
import { compileLabelRegex, CompiledLabelRegex } from './regex';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A matcher ready for the hot path: printed once, regex compiled once. */
export interface PreparedMatcher extends LabelMatcher {
  readonly text: string;
  readonly regex?: CompiledLabelRegex;
}

export function isRegexOp(op: MatchOp): boolean {
  return op === '=~' || op === '!~';
}

/** Whether `m` accepts `value` (Prometheus' labels.Matcher.Matches; regexes fully anchored). */
export function matcherMatches(m: LabelMatcher & { regex?: CompiledLabelRegex }, value: string): boolean {
  switch (m.op) {
    case '=':
      return m.value === value;
    case '!=':
      return m.value !== value;
    case '=~':
    case '!~': {
      const compiled = m.regex ?? compileLabelRegex(m.value);
      if (compiled instanceof Error) {
        throw compiled;
      }
      return (m.op === '=~') === compiled.re.test(value);
    }
  }
}

/** Whether a matcher accepts the empty string (Prometheus and Loki: a selector needs one that does not). */
export function matchesEmpty(op: MatchOp, value: string): boolean {
  switch (op) {
    case '=':
      return value === '';
    case '!=':
      return value !== '';
    default: {
      const compiled = compileLabelRegex(value);
      if (compiled instanceof Error) {
        return true; // invalid regexes are rejected elsewhere; never count them as selective
      }
      return (op === '=~') === compiled.re.test('');
    }
  }
}

/** Checks an enforced matcher, compiles its regex and prints it once with the language's `format`. */
export function prepareMatcherAs(m: LabelMatcher, format: (m: LabelMatcher) => string): PreparedMatcher {
  if (typeof m.name !== 'string' || m.name === '') {
    throw new EnforceError(
      'empty-label',
      'the enforced label name is empty; configure the tenant label (e.g. "tenant")'
    );
  }
  if (m.name === '__name__') {
    throw new EnforceError(
      'unsupported',
      'enforcing the metric name (__name__) is not supported; enforce a tenant label instead'
    );
  }
  if (!['=', '!=', '=~', '!~'].includes(m.op)) {
    throw new EnforceError(
      'unsupported',
      `unknown matcher operator ${JSON.stringify(m.op)} for label ${JSON.stringify(m.name)}; use =, !=, =~ or !~`
    );
  }
  if (typeof m.value !== 'string') {
    throw new EnforceError('empty-values', `the value enforced for label ${JSON.stringify(m.name)} is not a string`);
  }
  let regex: CompiledLabelRegex | undefined;
  if (isRegexOp(m.op)) {
    const compiled = compileLabelRegex(m.value);
    if (compiled instanceof Error) {
      throw new EnforceError(
        'illegal-label-matcher',
        `the enforced regex ${JSON.stringify(m.value)} for label ${JSON.stringify(m.name)} is invalid: ${compiled.message}`
      );
    }
    regex = compiled;
  }
  return { name: m.name, op: m.op, value: m.value, text: format(m), regex };
}

/** Go's regexp.QuoteMeta: a backslash before each of `\.+*?()|[]{}^$` and nothing else. */
export function quoteMeta(value: string): string {
  let out = '';
  for (const ch of value) {
    out += '\\.+*?()|[]{}^$'.includes(ch) ? `\\${ch}` : ch;
  }
  return out;
}

/** Go sorts strings by UTF-8 bytes, which is code point order (not JavaScript's UTF-16 order). */
function byteOrder(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0)!);
  const cb = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    if (ca[i] !== cb[i]) {
      return ca[i] - cb[i];
    }
  }
  return ca.length - cb.length;
}

/**
 * The tenant matcher: one value → `label="v"`; several → `label=~"q1|q2"` with every value
 * QuoteMeta-escaped and sorted in byte order; regexMatch → the single value is the regex, which may
 * not match the empty string (prom-label-proxy rejects that too: it would select series without the
 * label). Empty names and empty values fail closed.
 */
export function tenantMatcher(label: string, values: readonly string[], regexMatch = false): LabelMatcher {
  if (typeof label !== 'string' || label.trim() === '') {
    throw new EnforceError(
      'empty-label',
      'the tenant label name is empty; set it to the label every series carries (e.g. "tenant")'
    );
  }
  if (!Array.isArray(values) || values.length === 0) {
    throw new EnforceError(
      'empty-values',
      `no tenant value given for label ${JSON.stringify(label)}; a user without tenants must get no data, so pass at least one value`
    );
  }
  values.forEach((v, i) => {
    if (typeof v !== 'string' || v === '') {
      throw new EnforceError(
        'empty-values',
        `tenant value #${i + 1} for label ${JSON.stringify(label)} is empty; an empty value would select series without the label — remove it or fix the tenant list`
      );
    }
  });
  if (regexMatch) {
    if (values.length !== 1) {
      throw new EnforceError(
        'unsupported',
        `regexMatch allows exactly one tenant value (a regex) for label ${JSON.stringify(label)}, got ${values.length}`
      );
    }
    const compiled = compileLabelRegex(values[0]);
    if (compiled instanceof Error) {
      throw new EnforceError(
        'illegal-label-matcher',
        `the tenant regex ${JSON.stringify(values[0])} is invalid: ${compiled.message}`
      );
    }
    if (compiled.re.test('')) {
      throw new EnforceError(
        'illegal-label-matcher',
        `the tenant regex ${JSON.stringify(values[0])} matches the empty string, which would select series without label ${JSON.stringify(label)}; make it stricter`
      );
    }
    return { name: label, op: '=~', value: values[0] };
  }
  if (values.length === 1) {
    return { name: label, op: '=', value: values[0] };
  }
  const sorted = [...values].sort(byteOrder);
  return { name: label, op: '=~', value: sorted.map(quoteMeta).join('|') };
}
