/**
 * Where Prometheus and lezer-promql end a `#` comment differently. Prometheus' lexer ends a comment
 * at `\r` or `\n` (promql/parser/lex.go lexComment, isEndOfLine); lezer-promql's LineComment token
 * is `"#" ![\n]*` (src/promql.grammar), so it runs on past a `\r`. Text between such a `\r` and the
 * next `\n` is code for Prometheus but invisible to the engine (`up # x\r or secret` would be
 * evaluated as `up or secret`): such a query is refused. Everything else both lexers read alike —
 * strings (both end `"…"`/`'…'` at `\n` and a raw string at the backtick only), and no other
 * character (U+2028, U+0085, …) ends a comment in either.
 */
import { Tree } from '@lezer/common';
import { queryError } from './errors';
import { T } from './syntax';

/** Prometheus' white space (lex.go isSpace): only these may follow a `\r` inside lezer's comment. */
function isPrometheusSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Throws EnforceError('parse') when a comment hides code from lezer that Prometheus evaluates. */
export function rejectTextAfterCarriageReturn(tree: Tree, text: string): void {
  if (text.indexOf('\r') < 0) {
    return; // the common case: no `\r` at all, nothing to compare
  }
  const lineComment = T.LineComment;
  const cursor = tree.cursor();
  do {
    if (cursor.type.id !== lineComment) {
      continue;
    }
    const cr = text.indexOf('\r', cursor.from);
    if (cr < 0 || cr >= cursor.to) {
      continue;
    }
    for (let i = cr + 1; i < cursor.to; i++) {
      if (!isPrometheusSpace(text[i])) {
        throw queryError(
          text,
          cr,
          cursor.to,
          'a carriage return (\\r) ends a # comment for Prometheus, so the text after it would run unchecked; use \\n line breaks or remove the \\r'
        );
      }
    }
  } while (cursor.next());
}
