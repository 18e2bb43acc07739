/**
 * The public enforcement API. A MatcherEnforcer enforces any list of matchers (the shape
 * prom-label-proxy's library and its tests use); an Enforcer is the tenant form built from
 * `{ label, values }`. Everything fails closed with EnforceError.
 */
import { ALL_FEATURES, analyseQuery, ParsedQuery, ParserFeatures } from './analyse';
import { EnforceError, failClosed, queryError } from './errors';
import { LabelMatcher, prepareMatcher, PreparedMatcher, tenantMatcher } from './matchers';
import { rewriteSelector } from '../labelmatch/rewrite';
import { applyEdits, TextEdit } from '../labelmatch/splice';

export interface MatcherEnforcerOptions {
  /** Reject existing matchers on an enforced label that cannot agree with it (prom-label-proxy -error-on-replace). */
  errorOnReplace?: boolean;
  /** Prometheus parser feature flags; all on by default. */
  features?: ParserFeatures;
}

export interface MatcherEnforcer {
  readonly matchers: readonly PreparedMatcher[];
  readonly errorOnReplace: boolean;
  readonly features: Required<ParserFeatures>;
  /** The enforced matchers as one comma-separated text, e.g. `tenant="a"`. */
  readonly joinedText: string;
}

export interface EnforceOptions {
  label: string;
  values: readonly string[];
  errorOnReplace?: boolean;
  regexMatch?: boolean;
}

const INTERNAL = Symbol('matcherEnforcer');

export interface Enforcer {
  readonly label: string;
  readonly values: readonly string[];
  /** @internal */
  readonly [INTERNAL]: MatcherEnforcer;
}

export function createMatcherEnforcer(
  matchers: readonly LabelMatcher[],
  opts: MatcherEnforcerOptions = {}
): MatcherEnforcer {
  return failClosed(matchers, () => buildMatcherEnforcer(matchers, opts));
}

function buildMatcherEnforcer(matchers: readonly LabelMatcher[], opts: MatcherEnforcerOptions): MatcherEnforcer {
  if (!Array.isArray(matchers) || matchers.length === 0) {
    throw new EnforceError('empty-values', 'no matcher to enforce; pass at least one label matcher');
  }
  // Like prom-label-proxy's NewPromQLEnforcer: one matcher per label name, a later one wins.
  const byName = new Map<string, PreparedMatcher>();
  for (const m of matchers) {
    const prepared = prepareMatcher(m);
    byName.delete(prepared.name);
    byName.set(prepared.name, prepared);
  }
  const prepared = [...byName.values()];
  return Object.freeze({
    matchers: prepared,
    errorOnReplace: opts.errorOnReplace === true,
    features: { ...ALL_FEATURES, ...opts.features },
    joinedText: prepared.map((m) => m.text).join(','),
  });
}

export function createEnforcer(opts: EnforceOptions): Enforcer {
  return failClosed(opts, () => buildEnforcer(opts));
}

function buildEnforcer(opts: EnforceOptions): Enforcer {
  if (!opts || typeof opts !== 'object') {
    throw new EnforceError('empty-label', 'createEnforcer needs { label, values }');
  }
  const matcher = tenantMatcher(opts.label, opts.values, opts.regexMatch === true);
  const inner = createMatcherEnforcer([matcher], { errorOnReplace: opts.errorOnReplace });
  return Object.freeze({ label: opts.label, values: Object.freeze([...opts.values]), [INTERNAL]: inner });
}

export function matcherEnforcerOf(e: Enforcer): MatcherEnforcer {
  const inner = e && (e as Enforcer)[INTERNAL];
  if (!inner) {
    throw new EnforceError('unsupported', 'not an Enforcer: build one with createEnforcer({ label, values })');
  }
  return inner;
}

/** Enforces on an already analysed query (used by the Grafana layer, which analyses protected text). */
export function enforceParsed(parsed: ParsedQuery, me: MatcherEnforcer, extraEdits: TextEdit[] = []): string {
  const edits: TextEdit[] = [...extraEdits];
  const opts = { errorOnReplace: me.errorOnReplace };
  for (const sel of parsed.selectors) {
    rewriteSelector(parsed.text, sel, me.matchers, me.joinedText, opts, edits);
  }
  // `info(v)` → `info(v, {tenant="a"})`: the info series must be the tenant's too. Pushed after the
  // selector edits, so `info(up)` reads `info(up{tenant="a"}, {tenant="a"})` (stable sort).
  for (const at of parsed.infoSelectorInsertions) {
    edits.push({ from: at, to: at, insert: `, {${me.joinedText}}` });
  }
  return applyEdits(parsed.text, edits);
}

export function enforceWithMatchers(expr: string, me: MatcherEnforcer): string {
  return failClosed(expr, () => enforceParsed(analyseQuery(expr, me.features), me));
}

/** Plain (interpolated) PromQL → the same text with the tenant matcher in every selector. */
export function enforceQuery(expr: string, e: Enforcer): string {
  return failClosed(expr, () => enforceWithMatchers(expr, matcherEnforcerOf(e)));
}

export interface SeriesSelectorOptions {
  /**
   * 'append' (default, prom-label-proxy's match[] behaviour): keep every existing matcher and add
   * the tenant matcher. 'replace': the query rules (drop/replace conflicting matchers).
   */
  mode?: 'append' | 'replace';
}

/** A `match[]` value (a bare vector selector, no functions or modifiers) with the tenant matcher added. */
export function enforceSeriesSelector(selector: string, e: Enforcer, opts: SeriesSelectorOptions = {}): string {
  return failClosed(selector, () => enforceOneSelector(selector, e, opts));
}

/** enforceSeriesSelector for one policy rule's matchers (the proxy's `match[]` × rule product). */
export function enforceSeriesSelectorWith(
  selector: string,
  me: MatcherEnforcer,
  opts: SeriesSelectorOptions = {}
): string {
  return failClosed(selector, () => enforceOneSelectorWith(selector, me, opts));
}

function enforceOneSelector(selector: string, e: Enforcer, opts: SeriesSelectorOptions): string {
  return enforceOneSelectorWith(selector, matcherEnforcerOf(e), opts);
}

function enforceOneSelectorWith(selector: string, me: MatcherEnforcer, opts: SeriesSelectorOptions): string {
  const parsed = analyseQuery(selector, me.features);
  if (parsed.selectors.length !== 1 || !isBareSelector(parsed)) {
    throw queryError(
      selector,
      0,
      selector.length,
      'a match[] value must be a single series selector such as up{job="x"} (no functions, ranges or modifiers)'
    );
  }
  const edits: TextEdit[] = [];
  rewriteSelector(
    selector,
    parsed.selectors[0],
    me.matchers,
    me.joinedText,
    { errorOnReplace: false, appendOnly: opts.mode !== 'replace' },
    edits
  );
  return applyEdits(selector, edits);
}

function isBareSelector(parsed: ParsedQuery): boolean {
  const sel = parsed.selectors[0];
  // The selector must be the whole expression apart from surrounding white space and comments.
  return (
    parsed.type === 'vector' && parsed.text.slice(0, sel.from).trim() === '' && onlyTrivia(parsed.text.slice(sel.to))
  );
}

function onlyTrivia(rest: string): boolean {
  let inComment = false;
  for (const ch of rest) {
    if (inComment) {
      inComment = ch !== '\n' && ch !== '\r'; // Prometheus ends a comment at either (lex.go isEndOfLine)
    } else if (ch === '#') {
      inComment = true;
    } else if (ch.trim() !== '') {
      return false;
    }
  }
  return true;
}

/** `{tenant="a"}` / `{tenant=~"a|b"}`: for APIs that take no match[]. */
export function tenantSelector(e: Enforcer): string {
  return failClosed(e, () => `{${matcherEnforcerOf(e).joinedText}}`);
}
