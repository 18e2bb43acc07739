/**
 * The one error type both engines (PromQL, LogQL) throw. Every failure is fail-closed: callers must
 * treat any EnforceError as "do not run this query", never fall back to the unenforced text.
 */
export type EnforceErrorKind = 'parse' | 'empty-values' | 'empty-label' | 'illegal-label-matcher' | 'unsupported';

/** The query language an error is about, named in its message ("invalid LogQL at …"). */
export type QueryLanguage = 'PromQL' | 'LogQL';

export interface TextPosition {
  from: number;
  to: number;
}

export class EnforceError extends Error {
  readonly kind: EnforceErrorKind;
  readonly position?: TextPosition;

  constructor(kind: EnforceErrorKind, message: string, position?: TextPosition) {
    super(message);
    this.name = 'EnforceError';
    this.kind = kind;
    this.position = position;
  }
}

/** `line:column` (1-based, like Prometheus' and Loki's parser messages) of an offset in `text`. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

const SNIPPET_CHARS = 40;

/**
 * A parse/semantic error in `expr` at [from, to): the message names the language, the position, the
 * offending text and the reason, so a user can find it in a long dashboard query.
 */
export function languageQueryError(
  language: QueryLanguage,
  expr: string,
  from: number,
  to: number,
  reason: string,
  kind: EnforceErrorKind = 'parse'
): EnforceError {
  const end = Math.max(to, from);
  const near =
    expr.slice(from, Math.min(end, from + SNIPPET_CHARS)) || expr.slice(Math.max(0, from - SNIPPET_CHARS), from);
  const snippet = near ? ` near ${JSON.stringify(near)}` : '';
  return new EnforceError(
    kind,
    `${kind === 'parse' ? `invalid ${language}` : 'cannot enforce'} at ${lineColumn(expr, from)}${snippet}: ${reason}`,
    { from, to: end }
  );
}

/** A JavaScript engine's stack overflow: V8 "Maximum call stack size exceeded", Firefox "too much recursion". */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack|recursion/i.test(err.message);
}

/**
 * Any failure as an EnforceError, so that callers (proxy, wrapper, CLI) can map every refusal to
 * a clear message and never see anything else: a stack overflow on a deeply nested query becomes a
 * 'parse' error naming the reason; any other unexpected error an 'unsupported' one.
 */
export function asLanguageEnforceError(language: QueryLanguage, err: unknown, input: unknown): EnforceError {
  if (err instanceof EnforceError) {
    return err;
  }
  const size = typeof input === 'string' ? ` (${input.length} characters)` : '';
  if (isStackOverflow(err)) {
    return new EnforceError(
      'parse',
      `invalid ${language}: query too deeply nested to check${size}; reduce the nesting of parentheses, functions or operators`
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new EnforceError(
    'unsupported',
    `cannot enforce the query${size}: unexpected ${err instanceof Error ? err.name : 'error'}: ${message}; the query was refused`
  );
}

/** Runs `fn`, turning anything it throws into an EnforceError (the public functions' contract). */
export function failClosedIn<R>(language: QueryLanguage, input: unknown, fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    throw asLanguageEnforceError(language, err, input);
  }
}
