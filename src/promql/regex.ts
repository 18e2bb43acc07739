/**
 * Prometheus label regexes in JavaScript. Prometheus uses Go RE2, fully anchored with `.` matching
 * newlines (model/labels/regexp.go: `^(?s:` + v + `)$`). JavaScript's RegExp accepts nearly the
 * same syntax; the differences that occur in real dashboards are translated here: inline flag
 * groups `(?i)`/`(?i:…)` (Node 20 has no inline modifiers, so `i` applies to the whole regex — an
 * over-approximation used only for compatibility checks), `(?P<name>…)`, `\z`, `\A` and POSIX
 * classes `[[:alpha:]]`.
 */

export interface CompiledLabelRegex {
  /** Full-string matcher. */
  readonly re: RegExp;
  /** False when the JavaScript regex only approximates RE2 (case-insensitive sub-groups). */
  readonly exact: boolean;
  readonly caseInsensitive: boolean;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, CompiledLabelRegex | Error>();

/** Compiles a Prometheus label regex, or returns the Error that makes it invalid. */
export function compileLabelRegex(source: string): CompiledLabelRegex | Error {
  const hit = cache.get(source);
  if (hit) {
    return hit;
  }
  let result: CompiledLabelRegex | Error;
  try {
    const { js, caseInsensitive, partialFlags } = translate(source);
    result = {
      re: new RegExp(`^(?:${js})$`, caseInsensitive ? 'si' : 's'),
      exact: !partialFlags,
      caseInsensitive,
    };
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  if (cache.size > 10000) {
    cache.clear();
  }
  cache.set(source, result);
  return result;
}

function translate(source: string): { js: string; caseInsensitive: boolean; partialFlags: boolean } {
  let js = '';
  let caseInsensitive = false;
  let partialFlags = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) {
        throw new Error('trailing backslash at end of expression');
      }
      if (!inClass && next === 'z') {
        js += '$';
      } else if (!inClass && next === 'A') {
        js += '^';
      } else if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const literal = source.slice(i + 2, end < 0 ? source.length : end);
        js += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? source.length : end + 1;
        continue;
      } else {
        js += ch + next;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (ch === '[' && source[i + 1] === ':') {
        const end = source.indexOf(':]', i + 2);
        const name = end < 0 ? '' : source.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls !== undefined && !negated) {
          js += cls;
          i = end + 1;
          continue;
        }
        if (cls !== undefined) {
          throw new Error(`negated POSIX class [:${name}:] is not supported`);
        }
      }
      if (ch === ']') {
        inClass = false;
      }
      js += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      js += ch;
      if (source[i + 1] === '^') {
        js += '^';
        i++;
      }
      if (source[i + 1] === ']') {
        // RE2, like JS in non-unicode mode, treats a leading `]` as a literal.
        js += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && source[i + 1] === '?') {
      const flagMatch = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(source.slice(i));
      if (flagMatch && (flagMatch[1] || flagMatch[2] || flagMatch[3] === ':')) {
        if (flagMatch[1].includes('i')) {
          caseInsensitive = true;
          if (i !== 0 || flagMatch[3] === ':') {
            partialFlags = true;
          }
        }
        js += flagMatch[3] === ':' ? '(?:' : '';
        i += flagMatch[0].length - 1;
        continue;
      }
      if (source.startsWith('(?P<', i)) {
        js += '(?<';
        i += 3;
        continue;
      }
      if (
        source.startsWith('(?=', i) ||
        source.startsWith('(?!', i) ||
        source.startsWith('(?<=', i) ||
        source.startsWith('(?<!', i)
      ) {
        throw new Error('invalid or unsupported Perl syntax (look-around is not RE2)');
      }
    }
    js += ch;
  }
  return { js, caseInsensitive, partialFlags };
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
