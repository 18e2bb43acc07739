/**
 * One parse with lezer-promql and one cursor walk that (1) rejects everything Prometheus' parser
 * rejects that we can know about — lezer error nodes plus Prometheus' semantic checks from
 * promql/parser/parse.go checkAST (types, argument counts, modifiers, empty-matching selectors,
 * regexes, string escapes, feature flags) — and (2) records every vector selector with the text
 * positions the splicer needs. Nothing is re-printed.
 */
import { Tree, TreeCursor } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { durationRange } from './checkDurations';
import { modifier } from './checkModifiers';
import { aggregate, binary, call } from './checkOperators';
import { rejectTextAfterCarriageReturn } from './commentEnds';
import { rejectErrorNodes } from './errorNodes';
import { parseNumberLiteral } from './durations';
import { asEnforceError, queryError } from './errors';
import { ValueType } from './functions';
import { matchesEmpty, MatchOp } from './matchers';
import { unquotePromQLString } from './promqlString';
import { compileLabelRegex } from '../labelmatch/regex';
import { T as SYNTAX_IDS, isExprId } from './syntax';
import { ArgInfo, describe, next, WalkContext } from './walkContext';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;

/** Prometheus parser options (prom-label-proxy flags `-enable-promql-*`). The engine enables all by default. */
export interface ParserFeatures {
  experimentalFunctions?: boolean;
  durationExpressions?: boolean;
  extendedRangeSelectors?: boolean;
  binopFillModifiers?: boolean;
}

export const ALL_FEATURES: Required<ParserFeatures> = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

export interface ParsedMatcher {
  from: number;
  to: number;
  name: string;
  op: MatchOp;
  value: string;
  /** A bare `"name"` inside braces: the Prometheus 3 metric-name form. */
  metricName: boolean;
  /** The label name was written quoted (`"a.b"="x"`). */
  quotedName?: boolean;
}

export interface ParsedSelector {
  from: number;
  to: number;
  /** End of the metric identifier, -1 when there is none. */
  identifierTo: number;
  /** `{` position, -1 without braces; `}` is at bracesTo - 1. */
  bracesFrom: number;
  bracesTo: number;
  matchers: ParsedMatcher[];
}

export interface ParsedQuery {
  text: string;
  selectors: ParsedSelector[];
  /**
   * Text positions right after the only argument of each `info(v)` call. Prometheus selects the
   * info series (`target_info` by default) with the identifying labels of `v` and the matchers of
   * the optional second argument only (promql/info.go fetchInfoSeries), never with `v`'s own
   * matchers: an enforcer must add a data-label selector carrying the tenant matcher there.
   */
  infoSelectorInsertions: number[];
  type: ValueType;
  /** The lezer tree, for rewrites that need the structure around a selector (several-rule policies). */
  tree: Tree;
}

/** Parses and checks `text`; throws EnforceError('parse') naming the position and reason. */
export function analyseQuery(text: string, features: ParserFeatures = ALL_FEATURES): ParsedQuery {
  if (typeof text !== 'string') {
    throw queryError('', 0, 0, 'the query is not a string');
  }
  try {
    return analyseText(text, features);
  } catch (err) {
    // lezer's tree building and the walk recurse per nesting level: a deep query overflows the
    // stack (RangeError). Whatever escapes, the caller gets an EnforceError and runs nothing.
    throw asEnforceError(err, text);
  }
}

function analyseText(text: string, features: ParserFeatures): ParsedQuery {
  const tree = parser.parse(text);
  rejectErrorNodes(tree, text);
  rejectTextAfterCarriageReturn(tree, text);
  const walker = new Walker(text, { ...ALL_FEATURES, ...features });
  const top = tree.cursor();
  if (!top.firstChild()) {
    throw queryError(text, 0, text.length, 'the query is empty; write a PromQL expression');
  }
  while (!isExprId(top.type.id)) {
    if (!top.nextSibling()) {
      throw queryError(text, 0, text.length, 'the query contains no expression (only comments?)');
    }
  }
  const type = walker.expr(top);
  return { text, selectors: walker.selectors, infoSelectorInsertions: walker.infoSelectorInsertions, type, tree };
}

class Walker implements WalkContext {
  readonly selectors: ParsedSelector[] = [];
  readonly infoSelectorInsertions: number[] = [];
  /**
   * Set while checking info()'s second argument: a selector of data labels, which Prometheus 3
   * accepts even when all its matchers match the empty string (`info(m, {data=~".*"})`).
   */
  private labelSelectorOnly = false;
  constructor(
    readonly text: string,
    readonly features: Required<ParserFeatures>
  ) {}

  fail(from: number, to: number, reason: string): never {
    throw queryError(this.text, from, to, reason);
  }

  slice(c: TreeCursor): string {
    return this.text.slice(c.from, c.to);
  }

  /** Type of the expression at the cursor; the cursor is back on the same node afterwards. */
  expr(c: TreeCursor): ValueType {
    switch (c.type.id) {
      case T.VectorSelector:
        this.selector(c);
        return 'vector';
      case T.MatrixSelector:
        return this.matrix(c);
      case T.SubqueryExpr:
        return this.subquery(c);
      case T.OffsetExpr:
      case T.StepInvariantExpr:
      case T.AnchoredExpr:
      case T.SmoothedExpr:
        return modifier(this, c);
      case T.ParenExpr: {
        c.firstChild();
        if (c.type.id === T.LineComment) {
          next(c); // `(` is anonymous, so a comment after it comes first
        }
        const t = this.expr(c);
        c.parent();
        return t;
      }
      case T.UnaryExpr: {
        c.firstChild(); // UnaryOp
        next(c);
        const t = this.expr(c);
        c.parent();
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(
            c.from,
            c.to,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${describe(t)}`
          );
        }
        return t;
      }
      case T.NumberDurationLiteral:
        this.number(c);
        return 'scalar';
      case T.StringLiteral:
        this.string(c);
        return 'string';
      case T.FunctionCall:
        return call(this, c);
      case T.AggregateExpr:
        return aggregate(this, c);
      case T.BinaryExpr:
        return binary(this, c);
      default:
        return this.fail(c.from, c.to, `unsupported syntax ${c.type.name}`);
    }
  }

  number(c: TreeCursor): number {
    let raw = this.slice(c);
    let sign = 1;
    if (raw[0] === '-' || raw[0] === '+') {
      sign = raw[0] === '-' ? -1 : 1;
      raw = raw.slice(1).trimStart();
    }
    const v = parseNumberLiteral(raw);
    if (v === undefined) {
      this.fail(c.from, c.to, `cannot parse number ${JSON.stringify(raw)} (out of range or malformed)`);
    }
    return sign * v;
  }

  string(c: TreeCursor): string {
    const res = unquotePromQLString(this.slice(c));
    if (!res.ok) {
      this.fail(c.from + res.offset, c.to, res.reason);
    }
    return res.value;
  }

  private selector(c: TreeCursor): ParsedSelector {
    const sel: ParsedSelector = {
      from: c.from,
      to: c.to,
      identifierTo: -1,
      bracesFrom: -1,
      bracesTo: -1,
      matchers: [],
    };
    c.firstChild();
    do {
      if (c.type.id === T.Identifier) {
        sel.identifierTo = c.to;
      } else if (c.type.id === T.LabelMatchers) {
        sel.bracesFrom = c.from;
        sel.bracesTo = c.to;
        if (c.firstChild()) {
          do {
            if (c.type.id !== T.LineComment) {
              sel.matchers.push(this.matcher(c));
            }
          } while (c.nextSibling());
          c.parent();
        }
      }
    } while (c.nextSibling());
    c.parent();
    this.checkSelector(sel);
    this.selectors.push(sel);
    return sel;
  }

  private matcher(c: TreeCursor): ParsedMatcher {
    const from = c.from;
    const to = c.to;
    const id = c.type.id;
    if (id === T.QuotedLabelName) {
      c.firstChild();
      const name = this.string(c);
      c.parent();
      return { from, to, name: '__name__', op: '=', value: name, metricName: true };
    }
    if (id !== T.UnquotedLabelMatcher && id !== T.QuotedLabelMatcher) {
      this.fail(from, to, `unexpected ${c.type.name} in label matchers`);
    }
    c.firstChild();
    let name: string;
    const quotedName = c.type.id === T.QuotedLabelName;
    if (quotedName) {
      c.firstChild();
      name = this.string(c);
      c.parent();
    } else {
      name = this.slice(c);
    }
    next(c);
    const op = this.slice(c) as MatchOp;
    next(c);
    const valueFrom = c.from;
    const value = this.string(c);
    c.parent();
    if (op === '=~' || op === '!~') {
      const compiled = compileLabelRegex(value);
      if (compiled instanceof Error) {
        this.fail(valueFrom, to, `error parsing regexp ${JSON.stringify(value)}: ${compiled.message}`);
      }
    }
    return { from, to, name, op, value, metricName: false, quotedName };
  }

  private checkSelector(sel: ParsedSelector): void {
    let names = sel.identifierTo >= 0 ? 1 : 0;
    let nameMatchers = 0;
    let nonEmpty = sel.identifierTo >= 0;
    for (const m of sel.matchers) {
      if (m.metricName || (m.name === '__name__' && m.quotedName)) {
        names++;
      } else if (m.name === '__name__') {
        nameMatchers++;
      }
      if (!nonEmpty && (this.labelSelectorOnly || !matchesEmpty(m.op, m.value))) {
        nonEmpty = true;
      }
    }
    if (names > 1 || (names === 1 && nameMatchers > 0)) {
      this.fail(sel.from, sel.to, 'metric name must not be set twice');
    }
    if (!nonEmpty) {
      this.fail(
        sel.from,
        sel.to,
        'vector selector must contain at least one non-empty matcher (it would select every series)'
      );
    }
  }

  private matrix(c: TreeCursor): ValueType {
    const from = c.from;
    const to = c.to;
    c.firstChild();
    const innerId = c.type.id;
    if (innerId !== T.VectorSelector) {
      const reason =
        innerId === T.OffsetExpr
          ? 'no offset modifiers allowed before range'
          : innerId === T.StepInvariantExpr
            ? 'no @ modifiers allowed before range'
            : 'ranges only allowed for vector selectors';
      this.fail(from, to, reason);
    }
    this.selector(c);
    next(c); // DurationExpr
    durationRange(this, c, true);
    c.parent();
    return 'matrix';
  }

  private subquery(c: TreeCursor): ValueType {
    c.firstChild();
    const t = this.expr(c);
    if (t !== 'vector') {
      this.fail(c.from, c.to, `subquery is only allowed on instant vector, got ${describe(t)} instead`);
    }
    next(c);
    durationRange(this, c, true);
    if (next(c) && c.type.id === T.DurationExpr) {
      durationRange(this, c, false);
    }
    c.parent();
    return 'matrix';
  }

  /** Types of a call's arguments; `labelSelectorArg` is the index of an info()-style data selector. */
  args(c: TreeCursor, labelSelectorArg = -1): ArgInfo[] {
    const out: ArgInfo[] = [];
    if (c.firstChild()) {
      do {
        if (isExprId(c.type.id)) {
          this.labelSelectorOnly = out.length === labelSelectorArg && c.type.id === T.VectorSelector;
          const type = this.expr(c);
          this.labelSelectorOnly = false;
          out.push({ type, id: c.type.id, from: c.from, to: c.to });
        }
      } while (c.nextSibling());
      c.parent();
    }
    return out;
  }
}
