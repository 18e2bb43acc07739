/**
 * The public LogQL enforcement API, shaped like the PromQL one (../promql/enforcer.ts): a frozen
 * Enforcer built from `{ label, values }` with prom-label-proxy's options, edits spliced into the
 * original text by node position, every failure an EnforceError.
 */
import { EnforceError } from '../labelmatch/errors';
import { LabelMatcher, prepareMatcherAs, PreparedMatcher, tenantMatcher } from '../labelmatch/matchers';
import { rewriteSelector } from '../labelmatch/rewrite';
import { applyEdits, TextEdit } from '../labelmatch/splice';
import { analyseQuery, ParsedQuery } from './analyse';
import { failClosed, queryError } from './errors';

export interface EnforceOptions {
  label: string;
  values: readonly string[];
  /** Reject existing matchers on the tenant label that cannot agree with it (prom-label-proxy -error-on-replace). */
  errorOnReplace?: boolean;
  /** The single value is a regex (prom-label-proxy -regex-match). */
  regexMatch?: boolean;
}

const INTERNAL = Symbol('logqlEnforcer');

interface EnforcerCore {
  readonly matchers: readonly PreparedMatcher[];
  readonly errorOnReplace: boolean;
  /** The enforced matchers as one comma-separated text, e.g. `tenant="a"`. */
  readonly joinedText: string;
}

export interface Enforcer {
  readonly label: string;
  readonly values: readonly string[];
  /** @internal */
  readonly [INTERNAL]: EnforcerCore;
}

/** Loki label names are Go identifiers of ASCII letters, digits and `_` (pkg/logql/syntax/lex.go). */
const LOKI_LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A matcher as LogQL writes it: the name bare (LogQL has no quoted names), the value double-quoted. */
export function formatLogQLMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

export function createEnforcer(opts: EnforceOptions): Enforcer {
  return failClosed(opts, () => buildEnforcer(opts));
}

function buildEnforcer(opts: EnforceOptions): Enforcer {
  if (!opts || typeof opts !== 'object') {
    throw new EnforceError('empty-label', 'createEnforcer needs { label, values }');
  }
  const matcher = tenantMatcher(opts.label, opts.values, opts.regexMatch === true);
  if (!LOKI_LABEL_NAME.test(matcher.name)) {
    throw new EnforceError(
      'unsupported',
      `the tenant label ${JSON.stringify(matcher.name)} is not a Loki label name (letters, digits and _, not starting with a digit); stamp log streams with such a label`
    );
  }
  const prepared = prepareMatcherAs(matcher, formatLogQLMatcher);
  const core: EnforcerCore = Object.freeze({
    matchers: Object.freeze([prepared]),
    errorOnReplace: opts.errorOnReplace === true,
    joinedText: prepared.text,
  });
  return Object.freeze({ label: opts.label, values: Object.freeze([...opts.values]), [INTERNAL]: core });
}

export function coreOf(e: Enforcer): EnforcerCore {
  const inner = e && (e as Enforcer)[INTERNAL];
  if (!inner) {
    throw new EnforceError(
      'unsupported',
      'not a LogQL Enforcer: build one with createEnforcer({ label, values }) from src/logql'
    );
  }
  return inner;
}

/** Enforces on an already analysed query (used by the Grafana layer, which analyses protected text). */
export function enforceParsed(parsed: ParsedQuery, core: EnforcerCore, extraEdits: TextEdit[] = []): string {
  const edits: TextEdit[] = [...extraEdits];
  const opts = { errorOnReplace: core.errorOnReplace };
  for (const sel of parsed.selectors) {
    rewriteSelector(parsed.text, sel, core.matchers, core.joinedText, opts, edits);
  }
  return applyEdits(parsed.text, edits);
}

/** Plain (interpolated) LogQL, log or metric query → the same text with the tenant matcher in every stream selector. */
export function enforceQuery(expr: string, e: Enforcer): string {
  return failClosed(expr, () => {
    const core = coreOf(e);
    return enforceParsed(analyseQuery(expr), core);
  });
}

export interface StreamSelectorOptions {
  /**
   * 'append' (default, prom-label-proxy's match[] behaviour): keep every existing matcher and add
   * the tenant matcher. 'replace': the query rules (drop/replace conflicting matchers).
   */
  mode?: 'append' | 'replace';
}

/**
 * A value that must be a bare stream selector such as `{app="x"}` (Loki's series `match[]`,
 * index/volume `query`): refused when it has a pipeline or is a metric query.
 */
export function enforceStreamSelector(selector: string, e: Enforcer, opts: StreamSelectorOptions = {}): string {
  return failClosed(selector, () => {
    const core = coreOf(e);
    const parsed = analyseQuery(selector);
    const sel = parsed.selectors[0];
    if (parsed.type !== 'log' || parsed.selectors.length !== 1 || !onlySelector(selector, sel.from, sel.to)) {
      throw queryError(
        selector,
        0,
        selector.length,
        'this parameter must be a single stream selector such as {app="x"} (no line filters, parsers or functions)'
      );
    }
    const edits: TextEdit[] = [];
    rewriteSelector(
      selector,
      sel,
      core.matchers,
      core.joinedText,
      { errorOnReplace: false, appendOnly: opts.mode !== 'replace' },
      edits
    );
    return applyEdits(selector, edits);
  });
}

/** Whether only white space and `#` comments surround [from, to) (no parentheses, no pipeline). */
function onlySelector(text: string, from: number, to: number): boolean {
  return text.slice(0, from).trim() === '' && onlyTrivia(text.slice(to));
}

function onlyTrivia(rest: string): boolean {
  let inComment = false;
  for (const ch of rest) {
    if (inComment) {
      inComment = ch !== '\n'; // Loki ends a comment at \n only (lex.go)
    } else if (ch === '#') {
      inComment = true;
    } else if (ch.trim() !== '') {
      return false;
    }
  }
  return true;
}

/** `{tenant="a"}` / `{tenant=~"a|b"}`: for Loki APIs called without a query. */
export function tenantSelector(e: Enforcer): string {
  return failClosed(e, () => `{${coreOf(e).joinedText}}`);
}
