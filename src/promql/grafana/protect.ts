/**
 * Grafana template variables in raw PromQL. Grafana substitutes `$var`, `${var}`, `${var:fmt}`,
 * `${var.field}` and `[[var]]` / `[[var:fmt]]` (Grafana's variable regex,
 * public/app/features/variables/utils.ts `variableRegex`), plus built-in macros such as
 * `$__interval`, `$__rate_interval`, `$__range`, `$__range_s`, `$__auto`. Before enforcing, each
 * occurrence is swapped for a placeholder of the kind the grammar accepts at that spot (an
 * identifier, a number, a duration, or plain characters inside a string), and swapped back after.
 * Only Grafana's syntax is recognised here; the PromQL itself is never edited textually.
 */
import { checkMacroFormat, isNumberMacro } from './macroFormats';

export type PlaceholderKind = 'identifier' | 'number' | 'duration' | 'string' | 'operator';

/**
 * The readings a variable standing alone may have, most likely (and safest) first. A metric-name
 * reading puts the tenant matcher on it (`$metric{tenant="a"}`): if the value later turns out to be
 * a number, Prometheus refuses the query (fail closed), whereas a wrong number reading would leave
 * an interpolated metric name unenforced. So the identifier comes first, except for the right
 * operand of a comparison (`x > $threshold`): there a number is the usual meaning, and even a
 * metric name there only filters the enforced left side — one-to-one matching on all labels pairs
 * it with the series carrying the same tenant label. A `$op` between two operands may also be an
 * operator (`a $op on(x) b`).
 */
export type Reading = 'identifier' | 'number' | 'operator';

export interface Protected {
  text: string;
  /** placeholder text → original Grafana text */
  restore: Map<string, string>;
  /** how many occurrences were protected */
  count: number;
  /**
   * Placeholders that are not unique text (an operator keyword), restored by position:
   * [from, to) in the protected text.
   */
  positional: Array<{ from: number; to: number; original: string }>;
  /** [from, to) of each occurrence's placeholder in `text`, in occurrence order. */
  placed: Array<{ from: number; to: number }>;
}

// Grafana's own pattern (utils.ts variableRegex), used only to recognise a variable at an offset.
const VARIABLE_AT = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/y;

export interface Occurrence {
  from: number;
  to: number;
  name: string;
  kind: PlaceholderKind;
  /** For a variable standing alone: its possible readings, the preferred one first (= kind). */
  readings?: Reading[];
}

/** Finds Grafana variables outside comments, with the kind of placeholder their position needs. */
export function findVariables(text: string): Occurrence[] {
  const out: Occurrence[] = [];
  const brackets: string[] = [];
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote !== '`') {
        i++;
        continue;
      }
      if (ch === quote) {
        quote = '';
        continue;
      }
    } else if (ch === '#') {
      // Prometheus ends a comment at \r or \n (lex.go isEndOfLine).
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') {
        i++;
      }
      continue;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (ch === '$' || (ch === '[' && text[i + 1] === '[')) {
      VARIABLE_AT.lastIndex = i;
      const m = VARIABLE_AT.exec(text);
      const name = m ? (m[1] ?? m[2] ?? m[4]) : undefined;
      if (m && name !== undefined && !/^\d+$/.test(name)) {
        const from = i;
        const to = i + m[0].length;
        const format = m[3] ?? m[6];
        checkMacroFormat(text, from, to, name, format);
        const at = quote ? 'string' : readingsAt(text, from, to, name, format, brackets);
        out.push(typeof at === 'string' ? { from, to, name, kind: at } : { from, to, name, kind: at[0], readings: at });
        i = to - 1;
        continue;
      }
    }
    if (quote) {
      continue;
    }
    if (ch === '(') {
      brackets.push(GROUPING_KEYWORDS.has(previousWord(text, i).toLowerCase()) ? 'g' : '(');
    } else if (ch === '[' || ch === '{') {
      brackets.push(ch);
    } else if (ch === ')' || ch === ']' || ch === '}') {
      brackets.pop();
    }
  }
  return out;
}

/*
 * Character tests on UTF-16 code units (charCodeAt; NaN outside the text tests false): these run
 * for every bracket and variable of every query, where a RegExp test per character showed up in
 * profiles of the wrapper's dashboard queries.
 */

/** JavaScript's `\s` (ECMA-262 WhiteSpace and LineTerminator), on one code unit. */
function isSpaceCode(c: number): boolean {
  if (c <= 0x20) {
    return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  }
  if (c < 0xa0) {
    return false;
  }
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `[A-Za-z_]` */
function isLetterCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** `[A-Za-z0-9_:]` */
function isIdentCode(c: number): boolean {
  return isLetterCode(c) || (c >= 0x30 && c <= 0x3a);
}

function skipSpaceBack(text: string, j: number): number {
  while (j >= 0 && isSpaceCode(text.charCodeAt(j))) {
    j--;
  }
  return j;
}

function previousSignificant(text: string, from: number): string {
  const j = skipSpaceBack(text, from - 1);
  return j >= 0 ? text[j] : '';
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && isIdentCode(ch.charCodeAt(0));
}

function previousWord(text: string, from: number): string {
  const j = skipSpaceBack(text, from - 1);
  let k = j;
  // `[A-Za-z_@]`
  while (k >= 0 && (isLetterCode(text.charCodeAt(k)) || text.charCodeAt(k) === 0x40)) {
    k--;
  }
  return text.slice(k + 1, j + 1);
}

const GROUPING_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

function nextChar(text: string, to: number): string | undefined {
  let j = to;
  while (j < text.length && isSpaceCode(text.charCodeAt(j))) {
    j++;
  }
  return text[j];
}

/**
 * The placeholder kind a variable's position needs, or its possible readings when it stands alone
 * in an expression position (see Reading). A selector part after it (`$metric{…}`, `$metric[5m]`)
 * or a name around it makes it an identifier.
 */
function readingsAt(
  text: string,
  from: number,
  to: number,
  name: string,
  format: string | undefined,
  brackets: string[]
): PlaceholderKind | Reading[] {
  const word = previousWord(text, from);
  const top = brackets[brackets.length - 1];
  if (top === '[' || word.toLowerCase() === 'offset') {
    // `[${__range_s}s]`: the text supplies the unit, so the variable is the number before it.
    return isIdentChar(text[to]) ? 'number' : 'duration';
  }
  if (word === '@') {
    return 'number';
  }
  if (isIdentChar(text[from - 1]) || isIdentChar(text[to]) || top === '{' || top === 'g') {
    return 'identifier'; // part of a name, a label name in braces, or a grouping label
  }
  if (isNumberMacro(name, format)) {
    return 'number';
  }
  const after = nextChar(text, to);
  if (after === '{' || after === '[') {
    return 'identifier';
  }
  const readings: Reading[] = afterComparison(text, from) ? ['number', 'identifier'] : ['identifier', 'number'];
  if (endsOperand(previousSignificant(text, from))) {
    readings.push('operator');
  }
  return readings;
}

/**
 * Whether `from` starts the right operand of a comparison (`==`, `!=`, `>`, `<`, `>=`, `<=`,
 * optionally `bool`), possibly inside bare parentheses: `x > $t`, `x > bool $t`, `x > ($days * 86400)`.
 * A matching clause in between (`x > on(job) $m`) does not count: there a metric could be paired
 * across tenants, so the metric reading is kept first.
 */
function afterComparison(text: string, from: number): boolean {
  let j = skipSpaceBack(text, from - 1);
  while (text[j] === '(') {
    const k = skipSpaceBack(text, j - 1);
    if (isIdentChar(text[k])) {
      return false; // a call or an aggregation: `sum(`, `rate(`, `by(`
    }
    j = k;
  }
  if (text.slice(Math.max(0, j - 3), j + 1).toLowerCase() === 'bool' && !isIdentChar(text[j - 4])) {
    j = skipSpaceBack(text, j - 4);
  }
  const ch = text[j];
  return ch === '>' || ch === '<' || (ch === '=' && '=!<>'.includes(text[j - 1] ?? ' '));
}

/** Whether `ch` can end an operand, so that a binary operator may follow it. */
function endsOperand(ch: string): boolean {
  return ch !== '' && (isIdentChar(ch) || ')}]"\'`'.includes(ch));
}

/**
 * Replaces every variable by a unique placeholder. Placeholders are chosen so that they do not
 * occur in the text (or in `avoid`, e.g. the enforced matcher text).
 */
export function protectVariables(
  text: string,
  choose: (o: Occurrence, index: number) => PlaceholderKind = (o) => o.kind,
  avoid = '',
  occurrences: Occurrence[] = findVariables(text)
): Protected {
  const restore = new Map<string, string>();
  const positional: Protected['positional'] = [];
  if (occurrences.length === 0) {
    return { text, restore, count: 0, positional, placed: [] };
  }
  let salt = 0;
  // `avoid` matters for number placeholders too: a tenant value such as "7900000000" in the
  // enforced matcher would otherwise be "restored" into a variable.
  while (
    text.includes(`gv${salt}x`) ||
    avoid.includes(`gv${salt}x`) ||
    text.includes(`79${salt}000`) ||
    avoid.includes(`79${salt}000`)
  ) {
    salt++;
  }
  let out = '';
  let at = 0;
  const placed: Protected['placed'] = [];
  occurrences.forEach((o, index) => {
    const kind = choose(o, index);
    const placeholder = placeholderFor(kind, salt, index);
    out += text.slice(at, o.from);
    placed.push({ from: out.length, to: out.length + placeholder.length });
    if (kind === 'operator') {
      positional.push({ from: out.length, to: out.length + placeholder.length, original: text.slice(o.from, o.to) });
    } else {
      restore.set(placeholder, text.slice(o.from, o.to));
    }
    out += placeholder;
    at = o.to;
  });
  return { text: out + text.slice(at), restore, count: occurrences.length, positional, placed };
}

function placeholderFor(kind: PlaceholderKind, salt: number, index: number): string {
  const serial = String(index).padStart(4, '0');
  switch (kind) {
    case 'identifier':
    case 'string':
      return `__gv${salt}x${serial}__`;
    case 'number':
      return `79${salt}000${serial}`;
    case 'duration':
      return `79${salt}000${serial}s`;
    case 'operator':
      return 'or'; // a binary operator valid between any two vectors, with or without on(...)
  }
}

/** Puts the Grafana text back; every placeholder must still be there exactly once per occurrence. */
export function restoreVariables(text: string, p: Protected): string {
  if (p.count === 0) {
    return text;
  }
  let out = text;
  // Longest first so that a number placeholder never eats the start of a duration one.
  const entries = [...p.restore.entries()].sort((a, b) => b[0].length - a[0].length);
  for (const [placeholder, original] of entries) {
    out = out.split(placeholder).join(original);
  }
  return out;
}
