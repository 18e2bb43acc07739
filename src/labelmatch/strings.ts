/**
 * Quoted strings as Prometheus and Loki read them. Prometheus' lexer (promql/parser/lex.go,
 * lexEscape) and Loki's (pkg/logql/syntax/lex.go: Go's text/scanner, then Prometheus'
 * util/strutil.Unquote) accept the escapes \a \b \f \n \r \t \v \\, the opening quote character,
 * \x + 2 hex, \u + 4 hex, \U + 8 hex and 3 octal digits; back-quoted strings are raw. The lezer
 * grammars are laxer (they even accept a missing closing quote), so the engines re-check every
 * literal they rely on.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

export type Unquoted = { ok: true; value: string } | { ok: false; reason: string; offset: number };

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Decodes a PromQL string literal (with its quotes) or says what is wrong and where (offset in `raw`). */
export function unquoteString(raw: string): Unquoted {
  const quote = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== quote || (quote !== '"' && quote !== "'" && quote !== '`')) {
    return { ok: false, reason: 'unterminated quoted string', offset: 0 };
  }
  const body = raw.slice(1, -1);
  if (quote === '`') {
    return { ok: true, value: body };
  }
  if (body.indexOf('\\') < 0) {
    return { ok: true, value: body };
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const esc = body[i + 1];
    const at = i + 1; // offset of the backslash in `raw`
    if (esc === undefined) {
      return { ok: false, reason: 'unterminated escape sequence', offset: at };
    }
    if (esc in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[esc];
      i++;
    } else if (esc === quote) {
      out += quote;
      i++;
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const n = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (hex.length !== n || ![...hex].every((c) => isHex(c.charCodeAt(0)))) {
        return { ok: false, reason: `illegal character in escape sequence \\${esc}${hex}`, offset: at };
      }
      const code = parseInt(hex, 16);
      if (esc !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) {
        return { ok: false, reason: `escape sequence \\${esc}${hex} is an invalid Unicode code point`, offset: at };
      }
      out += String.fromCodePoint(code);
      i += 1 + n;
    } else if (esc >= '0' && esc <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) {
        return { ok: false, reason: `illegal octal escape sequence \\${oct}`, offset: at };
      }
      out += String.fromCharCode(parseInt(oct, 8));
      i += 3;
    } else {
      return { ok: false, reason: `unknown escape sequence \\${esc}`, offset: at };
    }
  }
  return { ok: true, value: out };
}
