/**
 * PromQL's view of the shared error type (../labelmatch/errors.ts): messages say "invalid PromQL".
 */
import {
  asLanguageEnforceError,
  EnforceError,
  EnforceErrorKind,
  failClosedIn,
  languageQueryError,
} from '../labelmatch/errors';

export { EnforceError, lineColumn } from '../labelmatch/errors';
export type { EnforceErrorKind, TextPosition } from '../labelmatch/errors';

/** A parse/semantic error in PromQL `expr` at [from, to), naming the position and the reason. */
export function queryError(
  expr: string,
  from: number,
  to: number,
  reason: string,
  kind: EnforceErrorKind = 'parse'
): EnforceError {
  return languageQueryError('PromQL', expr, from, to, reason, kind);
}

/** Any failure as an EnforceError (a stack overflow becomes a 'parse' error naming the reason). */
export function asEnforceError(err: unknown, input: unknown): EnforceError {
  return asLanguageEnforceError('PromQL', err, input);
}

/** Runs `fn`, turning anything it throws into an EnforceError (the public functions' contract). */
export function failClosed<R>(input: unknown, fn: () => R): R {
  return failClosedIn('PromQL', input, fn);
}
