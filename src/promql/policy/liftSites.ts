/**
 * Where a several-rule policy's union goes, per selector. Prometheus has no `or` inside braces, so
 * a selector restricted by rules R1…Rn becomes `(s{R1} or … or s{Rn})` at the nearest place where
 * `or` is legal:
 *
 * - an instant vector selector (with its `offset` / `@`): there, in place;
 * - a range vector selector: around the range-vector function that consumes it
 *   (`rate(x[5m])` → `(rate(x{R1}[5m]) or rate(x{R2}[5m]))`), which computes per series, so the
 *   union of per-rule results is the result over the union of series (`or` keeps one copy of a
 *   series two rules both allow);
 * - the argument of `absent` / `absent_over_time`, whose answer is "none of them": there the
 *   per-rule answers are joined with `and on()`, which is empty as soon as one rule has series.
 *
 * Refused, with the reason: a range vector that no function consumes (an instant query answering
 * `x[5m]` has no place for `or`), and `info()` (its info series are selected per call, not per rule).
 */
import type { SyntaxNode } from '@lezer/common';
import type { ParsedQuery, ParsedSelector } from '../analyse';
import { queryError } from '../errors';
import { T } from '../syntax';

export interface LiftSite {
  from: number;
  to: number;
  /** The selector this site specialises per rule. */
  selector: ParsedSelector;
  /** Joins the per-rule copies: a union, or "all absent" for absent(). */
  joiner: ' or ' | ' and on() ';
  /** Sites strictly inside this one (other selectors of the same function call). */
  children: LiftSite[];
  /**
   * The site starts right after a `group_left`/`group_right` without a label list: Prometheus
   * would read the union's opening parenthesis as that list, so the copy needs an explicit `()`.
   */
  afterBareGroupModifier?: boolean;
}

const ABSENT_FUNCTIONS = new Set(['absent', 'absent_over_time']);

export function liftSites(parsed: ParsedQuery): LiftSite[] {
  const flat = parsed.selectors.map((selector) => siteOf(parsed, selector));
  const bare = operandsAfterBareGroupModifier(parsed);
  for (const s of flat) {
    if (bare.has(s.from)) {
      s.afterBareGroupModifier = true;
    }
  }
  return nest(flat);
}

/** Start positions of right operands that follow `group_left`/`group_right` with no label list. */
function operandsAfterBareGroupModifier(parsed: ParsedQuery): Set<number> {
  const starts = new Set<number>();
  const cursor = parsed.tree.cursor();
  do {
    if (cursor.type.id === T.MatchingModifierClause) {
      const clause = cursor.node;
      const last = clause.lastChild;
      if (last && (last.type.id === T.GroupLeft || last.type.id === T.GroupRight) && clause.nextSibling) {
        starts.add(clause.nextSibling.from);
      }
    }
  } while (cursor.next());
  return starts;
}

function siteOf(parsed: ParsedQuery, selector: ParsedSelector): LiftSite {
  const { text } = parsed;
  const vector = withModifiers(vectorSelectorNode(parsed, selector));
  if (vector.node.parent?.type.id === T.MatrixSelector) {
    const matrix = withModifiers(vector.node.parent);
    const call = callOf(climbParens(matrix.node));
    if (!call) {
      throw queryError(
        text,
        selector.from,
        selector.to,
        'a range vector that no function consumes cannot be restricted by several policy rules (there is no place for `or`); wrap it in a function such as last_over_time(...)'
      );
    }
    return site(call.from, call.to, selector, ABSENT_FUNCTIONS.has(functionName(text, call)) ? ' and on() ' : ' or ');
  }
  const call = callOf(climbParens(vector.node));
  if (call && ABSENT_FUNCTIONS.has(functionName(text, call))) {
    return site(call.from, call.to, selector, ' and on() ');
  }
  return site(vector.node.from, vector.to, selector, ' or ');
}

function site(from: number, to: number, selector: ParsedSelector, joiner: LiftSite['joiner']): LiftSite {
  return { from, to, selector, joiner, children: [] };
}

const MODIFIERS = new Set([T.OffsetExpr, T.StepInvariantExpr, T.AnchoredExpr, T.SmoothedExpr]);
const isModifier = (n: SyntaxNode) => MODIFIERS.has(n.type.id);
/** Operations whose right-most operand a lezer-attached modifier really belongs to (checkModifiers.ts). */
const isOperation = (n: SyntaxNode) => n.type.id === T.BinaryExpr || n.type.id === T.UnaryExpr;

/**
 * The selector with its `offset` / `@` modifiers, which belong to each copy. lezer-promql attaches
 * a modifier after a binary expression to the whole expression (`x / y offset 5m` reads as
 * OffsetExpr(x / y)) where Prometheus applies it to `y`, the selector it follows: a modifier that
 * starts right where the selector ends extends the site either way, so the copies carry it.
 * `node` climbs only through wrappers of the selector alone (for the absent() check).
 */
function withModifiers(start: SyntaxNode): { node: SyntaxNode; to: number } {
  let node = start;
  let to = start.to;
  for (let p = start.parent; p; p = p.parent) {
    if (isModifier(p) && p.firstChild?.to === to) {
      if (p.firstChild.from === node.from) {
        node = p;
      }
      to = p.to;
    } else if (!(isOperation(p) && p.to === to)) {
      break;
    }
  }
  return { node, to };
}

function vectorSelectorNode(parsed: ParsedQuery, selector: ParsedSelector): SyntaxNode {
  for (let n: SyntaxNode | null = parsed.tree.resolveInner(selector.from, 1); n; n = n.parent) {
    if (n.type.id === T.VectorSelector && n.from === selector.from) {
      return n;
    }
  }
  throw queryError(parsed.text, selector.from, selector.to, 'internal: selector not found in the parse tree');
}

function climbParens(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent?.type.id === T.ParenExpr) {
    n = n.parent;
  }
  return n;
}

/** The function call whose argument `node` is, if any. */
function callOf(node: SyntaxNode): SyntaxNode | undefined {
  const body = node.parent;
  if (body?.type.id !== T.FunctionCallBody || body.parent?.type.id !== T.FunctionCall) {
    return undefined;
  }
  return body.parent;
}

function functionName(text: string, call: SyntaxNode): string {
  const id = call.getChild(T.FunctionIdentifier);
  return id ? text.slice(id.from, id.to) : '';
}

/** Sites contain each other only as a function call contains its other arguments' selectors. */
function nest(flat: LiftSite[]): LiftSite[] {
  const sorted = [...flat].sort((a, b) => a.from - b.from || b.to - a.to);
  const top: LiftSite[] = [];
  const open: LiftSite[] = [];
  for (const s of sorted) {
    while (open.length > 0 && open[open.length - 1].to <= s.from) {
      open.pop();
    }
    (open.length > 0 ? open[open.length - 1].children : top).push(s);
    open.push(s);
  }
  return top;
}
