/**
 * Errors the wrapper shows to the user. Every one says what is wrong and how to fix it, and every
 * one stops the request: nothing ever falls back to "all tenants" (COMMON.md, Product).
 */
export type WrapperErrorKind =
  | 'no-tenant' // signed-in user is in no mapped team
  | 'team-lookup' // GET /api/user/teams failed
  | 'config' // the wrapper itself is misconfigured
  | 'target-missing' // the target Prometheus data source cannot be loaded
  | 'target-error' // the target answered a metadata call with an error
  | 'rejected'; // the engine refused the query

export class WrapperError extends Error {
  readonly kind: WrapperErrorKind;
  /** Character range in the query the user typed, when the engine named one. */
  readonly position?: { from: number; to: number };

  constructor(kind: WrapperErrorKind, message: string, position?: { from: number; to: number }) {
    super(message);
    this.name = 'WrapperError';
    this.kind = kind;
    this.position = position;
  }
}

export function isWrapperError(e: unknown): e is WrapperError {
  return e instanceof WrapperError;
}

/** Plain text for anything thrown: a WrapperError's message or a generic wording naming the cause. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    return e.message;
  }
  if (
    typeof e === 'object' &&
    e !== null &&
    'message' in e &&
    typeof (e as { message: unknown }).message === 'string'
  ) {
    return (e as { message: string }).message;
  }
  return String(e);
}
