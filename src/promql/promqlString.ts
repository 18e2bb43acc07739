/** PromQL string literals: read as ../labelmatch/strings.ts says, written double-quoted. */
import { unquoteString, Unquoted } from '../labelmatch/strings';

export type { Unquoted };

/** Decodes a PromQL string literal (with its quotes) or says what is wrong and where (offset in `raw`). */
export const unquotePromQLString: (raw: string) => Unquoted = unquoteString;

/** A double-quoted PromQL string for `value` (JSON escapes are a subset of PromQL's). */
export function quotePromQLString(value: string): string {
  return JSON.stringify(value);
}

const CLASSIC_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label name as PromQL writes it: bare when classic, quoted otherwise (Prometheus 3 UTF-8 names). */
export function formatLabelName(name: string): string {
  return CLASSIC_LABEL_NAME.test(name) ? name : quotePromQLString(name);
}
