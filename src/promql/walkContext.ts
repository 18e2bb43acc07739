/**
 * What the per-construct checks (checkDurations.ts, checkModifiers.ts, checkOperators.ts) need
 * from the walk in analyse.ts, plus small cursor helpers they share.
 */
import { TreeCursor } from '@lezer/common';
import type { ParsedSelector, ParserFeatures } from './analyse';
import { ValueType } from './functions';
import { T as SYNTAX_IDS } from './syntax';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;

export interface ArgInfo {
  type: ValueType;
  id: number;
  from: number;
  to: number;
}

export interface WalkContext {
  readonly text: string;
  readonly features: Required<ParserFeatures>;
  readonly selectors: ParsedSelector[];
  /** Where an `info(v)` without a data-label selector gets one (after `v`); see ParsedQuery. */
  readonly infoSelectorInsertions: number[];
  /** Throws EnforceError('parse') for [from, to). */
  fail(from: number, to: number, reason: string): never;
  slice(c: TreeCursor): string;
  string(c: TreeCursor): string;
  number(c: TreeCursor): number;
  /** Type of the expression at the cursor; the cursor is back on the same node afterwards. */
  expr(c: TreeCursor): ValueType;
  /** Types of a call's arguments; `labelSelectorArg` is the index of an info()-style data selector. */
  args(c: TreeCursor, labelSelectorArg?: number): ArgInfo[];
}

/** Moves to the next sibling that is not a comment (lezer keeps skipped `# …` comments as nodes). */
export function next(c: TreeCursor): boolean {
  do {
    if (!c.nextSibling()) {
      return false;
    }
  } while (c.type.id === T.LineComment);
  return true;
}

/** Prometheus' names for value types in its error messages. */
export function describe(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}
