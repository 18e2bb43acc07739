/**
 * Prometheus label regexes, evaluated with RE2 semantics. Prometheus compiles a label regex with Go's
 * regexp (RE2: linear time, no look-around or back-references), fully anchored with `.` matching
 * newlines (model/labels/regexp.go NewFastRegexMatcher: `^(?s:` + v + `)$`, matched with
 * MatchString). re2js is a pure-JavaScript port of RE2 with the same syntax and linear-time
 * guarantee, so a hostile regex such as `((.|.)*)*X` can neither block the event loop nor be read
 * differently from Prometheus (JavaScript's backtracking RegExp could do both).
 */
import { RE2JS } from 're2js';

export interface CompiledLabelRegex {
  /** Prometheus' labels.Matcher reading: true when `value` matches the whole regex. */
  readonly re: { test(value: string): boolean };
}

/**
 * Compiled regexes by source, least recently used first. Bounded so that a stream of distinct
 * user regexes (one per query) cannot grow memory; compiling costs ~50 µs, a hit ~nothing.
 */
const CACHE_LIMIT = 2000;
const cache = new Map<string, CompiledLabelRegex | Error>();

/** Compiles a Prometheus label regex, or returns the Error that makes it invalid. */
export function compileLabelRegex(source: string): CompiledLabelRegex | Error {
  const hit = cache.get(source);
  if (hit !== undefined) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  let result: CompiledLabelRegex | Error;
  try {
    const re2 = RE2JS.compile(`^(?s:${source})$`);
    result = { re: { test: (value: string) => re2.test(value) } };
  } catch (err) {
    // re2js prefixes Go's wording; the callers add their own context.
    const message = err instanceof Error ? err.message : String(err);
    result = new Error(message.replace(/^error parsing regexp: /, ''));
  }
  if (cache.size >= CACHE_LIMIT) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(source, result);
  return result;
}

const MAX_SET_MATCHES = 256;

/**
 * The finite set of strings `source` can match when it is an alternation of literals (with groups
 * and small character classes expanded), as Prometheus' FastRegexMatcher.SetMatches() computes it;
 * empty for the empty regex, case-insensitive regexes and anything open-ended.
 */
export function regexLiteralSet(source: string): string[] {
  if (source === '') {
    return [];
  }
  const parser = new SetParser(source);
  const set = parser.alternation();
  if (set === null || parser.pos !== source.length) {
    return [];
  }
  return set;
}

class SetParser {
  pos = 0;
  constructor(private readonly src: string) {}

  alternation(): string[] | null {
    const out: string[] = [];
    for (;;) {
      const branch = this.concatenation();
      if (branch === null) {
        return null;
      }
      out.push(...branch);
      if (out.length > MAX_SET_MATCHES) {
        return null;
      }
      if (this.src[this.pos] !== '|') {
        return out;
      }
      this.pos++;
    }
  }

  private concatenation(): string[] | null {
    let acc: string[] = [''];
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '|' || ch === ')') {
        break;
      }
      const item = this.item();
      if (item === null) {
        return null;
      }
      const next: string[] = [];
      for (const a of acc) {
        for (const b of item) {
          next.push(a + b);
        }
      }
      if (next.length > MAX_SET_MATCHES) {
        return null;
      }
      acc = next;
    }
    return acc;
  }

  private item(): string[] | null {
    const ch = this.src[this.pos];
    const after = this.src[this.pos + 1];
    let result: string[] | null;
    if (ch === '(') {
      this.pos += this.src.startsWith('(?:', this.pos) ? 3 : 1;
      if (this.src[this.pos] === '?') {
        return null;
      }
      result = this.alternation();
      if (result === null || this.src[this.pos] !== ')') {
        return null;
      }
      this.pos++;
    } else if (ch === '[') {
      result = this.charClass();
    } else if (ch === '\\') {
      if (after === undefined || /[0-9A-Za-z]/.test(after)) {
        return null; // \d, \w, \b, \pL ... are classes or assertions, not literals
      }
      result = [after];
      this.pos += 2;
    } else if ('.*+?{}^$'.includes(ch)) {
      return null;
    } else {
      result = [ch];
      this.pos++;
    }
    const q = this.src[this.pos];
    if (q === '*' || q === '+' || q === '?' || q === '{') {
      return null;
    }
    return result;
  }

  private charClass(): string[] | null {
    this.pos++;
    if (this.src[this.pos] === '^') {
      return null;
    }
    const chars: string[] = [];
    let first = true;
    while (this.pos < this.src.length && (this.src[this.pos] !== ']' || first)) {
      first = false;
      let c = this.src[this.pos];
      if (c === '\\') {
        const e = this.src[this.pos + 1];
        if (e === undefined || /[0-9A-Za-z]/.test(e)) {
          return null;
        }
        c = e;
        this.pos++;
      } else if (c === '[') {
        return null;
      }
      this.pos++;
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        const hi = this.src[this.pos + 1];
        if (hi === '\\' || hi === '[') {
          return null;
        }
        const lo = c.codePointAt(0)!;
        const up = hi.codePointAt(0)!;
        if (up < lo || up - lo > MAX_SET_MATCHES) {
          return null;
        }
        for (let code = lo; code <= up; code++) {
          chars.push(String.fromCodePoint(code));
        }
        this.pos += 2;
      } else {
        chars.push(c);
      }
      if (chars.length > MAX_SET_MATCHES) {
        return null;
      }
    }
    if (this.src[this.pos] !== ']') {
      return null;
    }
    this.pos++;
    return chars;
  }
}
