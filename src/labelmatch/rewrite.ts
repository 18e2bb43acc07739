/**
 * Rewriting one vector selector (prom-label-proxy injectproxy/enforce.go EnforceMatchers, see
 * BEHAVIOUR.md §3.3): existing matchers on an enforced label are checked (error-on-replace), dropped
 * when the enforced operator is `=` or when they are identical to the enforced matcher, and the
 * enforced matchers are added. As text edits: the last dropped matcher is replaced in place by the
 * enforced matchers, other dropped ones are deleted with their comma; with nothing dropped the
 * enforced matchers are inserted before `}` (or as `{…}` after a bare metric name).
 */
import { isCompatible } from './compat';
import { EnforceError, lineColumn } from './errors';
import { MatchOp, PreparedMatcher } from './matchers';
import { TextEdit } from './splice';

/** A matcher as written in the query, with its text position. */
export interface MatcherSpan {
  from: number;
  to: number;
  name: string;
  op: MatchOp;
  value: string;
  /** A PromQL 3 bare `"name"` inside braces (the metric name): never an enforced label. */
  metricName?: boolean;
}

/** Where a selector's parts are: PromQL's `name{…}` / `name` / `{…}`, LogQL's `{…}`. */
export interface SelectorSpan {
  /** End of the metric identifier, -1 when there is none (always -1 in LogQL). */
  identifierTo: number;
  /** `{` position, -1 without braces. */
  bracesFrom: number;
  matchers: readonly MatcherSpan[];
}

export interface RewriteOptions {
  errorOnReplace: boolean;
  /** match[] mode: never drop existing matchers, only add (prom-label-proxy routes.go injectMatcher). */
  appendOnly?: boolean;
}

export function rewriteSelector(
  text: string,
  sel: SelectorSpan,
  enforced: readonly PreparedMatcher[],
  joinedText: string,
  opts: RewriteOptions,
  edits: TextEdit[]
): void {
  const matchers = sel.matchers;
  let dropped: number[] | undefined;
  if (!opts.appendOnly) {
    for (let i = 0; i < matchers.length; i++) {
      const m = matchers[i];
      if (m.metricName) {
        continue;
      }
      for (const e of enforced) {
        if (m.name !== e.name) {
          continue;
        }
        if (opts.errorOnReplace && !isCompatible(e, m)) {
          throw conflict(text, m, e);
        }
        if (e.op === '=' || (m.op === e.op && m.value === e.value)) {
          (dropped ??= []).push(i);
        }
      }
    }
  }
  if (dropped) {
    const last = dropped[dropped.length - 1];
    for (const i of dropped) {
      if (i === last) {
        edits.push({ from: matchers[i].from, to: matchers[i].to, insert: joinedText });
      } else {
        // Delete up to the next matcher: the comma and the space after it go too.
        edits.push({ from: matchers[i].from, to: matchers[i + 1].from, insert: '' });
      }
    }
    return;
  }
  if (sel.bracesFrom < 0) {
    edits.push({ from: sel.identifierTo, to: sel.identifierTo, insert: `{${joinedText}}` });
  } else if (matchers.length === 0) {
    edits.push({ from: sel.bracesFrom + 1, to: sel.bracesFrom + 1, insert: joinedText });
  } else {
    const end = matchers[matchers.length - 1].to;
    edits.push({ from: end, to: end, insert: `,${joinedText}` });
  }
}

function conflict(text: string, existing: MatcherSpan, enforced: PreparedMatcher): EnforceError {
  const written = text.slice(existing.from, existing.to);
  return new EnforceError(
    'illegal-label-matcher',
    `conflicting label matcher at ${lineColumn(text, existing.from)}: label matcher ${JSON.stringify(written)} conflicts with injected matcher ${JSON.stringify(enforced.text)}; remove it or select only your own tenants`,
    { from: existing.from, to: existing.to }
  );
}
