/**
 * One parse with lezer-logql and one recursive cursor walk that (1) refuses what Loki's parser
 * refuses and we can know about — lezer error nodes, node types this engine does not know, strings
 * Loki's lexer reads differently, and the checks of pkg/logql/syntax (parser.go validateMatchers,
 * ast.go range and vector aggregation rules) — and (2) records every stream selector with the text
 * positions the splicer needs. Label filters (`| tenant="x"` after a parser) are Matcher nodes
 * too, but not stream selectors: they are checked, never rewritten. Nothing is re-printed.
 */
import { TreeCursor } from '@lezer/common';
import { parser } from '@grafana/lezer-logql';
import { firstErrorNode } from '../labelmatch/errorNodes';
import { matchesEmpty, MatchOp } from '../labelmatch/matchers';
import { compileLabelRegex } from '../labelmatch/regex';
import { MatcherSpan, SelectorSpan } from '../labelmatch/rewrite';
import { unquoteString } from '../labelmatch/strings';
import { rangeAggregation, vectorAggregation } from './checkAggregations';
import { asEnforceError, queryError } from './errors';
import { KNOWN_NODES, T as SYNTAX_IDS } from './syntax';
import { unsupportedConstructHint } from './unsupported';

// A module-local binding: bundlers turn imported constants into getter calls on every access.
const T = SYNTAX_IDS;
const KNOWN = KNOWN_NODES;

export interface ParsedSelector extends SelectorSpan {
  from: number;
  to: number;
  matchers: MatcherSpan[];
}

export interface ParsedQuery {
  text: string;
  selectors: ParsedSelector[];
  /** 'log' for a log query (stream selector and pipeline), 'metric' for a sample expression. */
  type: 'log' | 'metric';
}

/** What the aggregation checks (checkAggregations.ts) need from the walk. */
export interface WalkContext {
  readonly text: string;
  /** Throws EnforceError('parse') for [from, to). */
  fail(from: number, to: number, reason: string): never;
  /** Walks the node at the cursor (and its subtree); the cursor is back on it afterwards. */
  node(c: TreeCursor): void;
  /** How many unwrap stages the walk has seen so far. */
  readonly unwraps: number;
}

/** Parses and checks `text`; throws EnforceError('parse') naming the position and reason. */
export function analyseQuery(text: string): ParsedQuery {
  if (typeof text !== 'string') {
    throw queryError('', 0, 0, 'the query is not a string');
  }
  try {
    return analyseText(text);
  } catch (err) {
    // lezer's tree building and the walk recurse per nesting level: a deep query overflows the
    // stack (RangeError). Whatever escapes, the caller gets an EnforceError and runs nothing.
    throw asEnforceError(err, text);
  }
}

function analyseText(text: string): ParsedQuery {
  const tree = parser.parse(text);
  const error = firstErrorNode(tree);
  if (error) {
    const to = Math.max(error.to, error.from + 1);
    const found = text.slice(error.from, to);
    const what = found ? `unexpected ${JSON.stringify(found)}` : 'unexpected end of query';
    const hint = unsupportedConstructHint(text);
    throw queryError(text, error.from, to, hint ? `${what}; ${hint}` : what);
  }
  const walker = new Walker(text);
  const top = tree.cursor();
  if (!top.firstChild()) {
    throw queryError(text, 0, text.length, 'the query is empty; write a LogQL query such as {job="app"}');
  }
  let type: ParsedQuery['type'] | undefined;
  do {
    if (top.type.id === T.Expr) {
      top.firstChild();
      type = top.type.id === T.LogExpr ? 'log' : 'metric';
      top.parent();
    }
    walker.node(top);
  } while (top.nextSibling());
  if (type === undefined) {
    throw queryError(text, 0, text.length, 'the query contains no expression (only comments?)');
  }
  return { text, selectors: walker.selectors, type };
}

class Walker implements WalkContext {
  readonly selectors: ParsedSelector[] = [];
  unwraps = 0;
  constructor(readonly text: string) {}

  fail(from: number, to: number, reason: string): never {
    throw queryError(this.text, from, to, reason);
  }

  node(c: TreeCursor): void {
    const id = c.type.id;
    if (!KNOWN[id]) {
      this.unknown(c);
    }
    switch (id) {
      case T.Selector:
        this.selector(c);
        return;
      case T.String:
        this.string(c);
        return;
      case T.RangeAggregationExpr:
        rangeAggregation(this, c);
        return;
      case T.VectorAggregationExpr:
        vectorAggregation(this, c);
        return;
      case T.BinOpExpr:
        this.binary(c);
        return;
      case T.UnwrapExpr:
        this.unwraps++;
        break;
      case T.Identifier:
        this.identifier(c);
        return;
      case T.LabelParser:
        this.labelParser(c);
        return;
    }
    if (c.firstChild()) {
      do {
        this.node(c);
      } while (c.nextSibling());
      c.parent();
    }
  }

  private unknown(c: TreeCursor): never {
    const at = c.from;
    const to = Math.max(c.to, at + 1);
    const hint = unsupportedConstructHint(this.text);
    this.fail(at, to, `unsupported syntax ${c.type.name}${hint ? `; ${hint}` : ''}`);
  }

  /**
   * Loki's lexer reads identifiers with Go's text/scanner: letters, digits and `_` only. lezer-logql
   * also takes `:` (`a:b`), which Loki would read as two tokens; such a name is refused here.
   */
  private identifier(c: TreeCursor): void {
    for (let i = c.from; i < c.to; i++) {
      if (this.text.charCodeAt(i) === 58 /* : */) {
        this.fail(
          c.from,
          c.to,
          `label name ${JSON.stringify(this.text.slice(c.from, c.to))} contains ":", which Loki does not accept in names`
        );
      }
    }
  }

  /**
   * `| regexp ""` and `| pattern ""` extract nothing: Loki builds the parser while parsing the query
   * and refuses an empty parameter (pkg/logql/log/parser.go NewRegexpParser, pkg/logql/log/pattern;
   * pkg/logql/rangemapper_test.go expects logqlmodel.ErrParse). A non-empty parameter without a named
   * capture is left to Loki: in Grafana text a variable may supply the capture.
   */
  private labelParser(c: TreeCursor): void {
    const from = c.from;
    const to = c.to;
    c.firstChild();
    const kind = c.type.id;
    let param: string | undefined;
    do {
      if (c.type.id === T.String) {
        param = this.string(c);
      } else {
        this.node(c);
      }
    } while (c.nextSibling());
    c.parent();
    if (param === '' && (kind === T.Regexp || kind === T.Pattern)) {
      const name = kind === T.Regexp ? 'regexp' : 'pattern';
      this.fail(from, to, `the ${name} parser needs a non-empty expression with a named capture`);
    }
  }

  /** A string literal as Loki's lexer reads it; returns its value. */
  string(c: TreeCursor): string {
    const raw = this.text.slice(c.from, c.to);
    if (raw[0] === "'") {
      // Go's text/scanner (Loki's lexer) reads '…' as a character literal, not a string.
      this.fail(c.from, c.to, `Loki does not accept single-quoted strings; write "…" or \`…\``);
    }
    const res = unquoteString(raw);
    if (!res.ok) {
      this.fail(c.from + res.offset, c.to, res.reason);
    }
    return res.value;
  }

  /**
   * Binary operations take metric queries on both sides (Loki's syntax.y binOpExpr legs are sample
   * expressions; a log query there is refused by mustNewBinOpExpr).
   */
  private binary(c: TreeCursor): void {
    c.firstChild();
    do {
      if (c.type.id === T.Expr) {
        c.firstChild();
        if (c.type.id === T.LogExpr) {
          this.fail(
            c.from,
            c.to,
            'a log query cannot be an operand of a binary operation; wrap it in a range aggregation such as count_over_time(…[5m])'
          );
        }
        c.parent();
      }
      this.node(c);
    } while (c.nextSibling());
    c.parent();
  }

  private selector(c: TreeCursor): void {
    const sel: ParsedSelector = { from: c.from, to: c.to, identifierTo: -1, bracesFrom: c.from, matchers: [] };
    if (c.firstChild()) {
      do {
        if (c.type.id === T.Matchers) {
          this.matchers(c, sel.matchers);
        } else if (c.type.id !== T.LineComment) {
          this.node(c); // an error node or an unknown type: refused there
        }
      } while (c.nextSibling());
      c.parent();
    }
    if (!sel.matchers.some((m) => !matchesEmpty(m.op, m.value))) {
      // Loki parser.go validateMatchers: the query would touch every stream.
      this.fail(
        sel.from,
        sel.to,
        'queries require at least one regexp or equality matcher that does not have an empty-compatible value (app=~".*" does not, app=~".+" does)'
      );
    }
    this.selectors.push(sel);
  }

  /** Matchers nest to the left (`Matchers(Matchers(Matcher) Matcher)`): collected in text order. */
  private matchers(c: TreeCursor, out: MatcherSpan[]): void {
    c.firstChild();
    do {
      const id = c.type.id;
      if (id === T.Matchers) {
        this.matchers(c, out);
      } else if (id === T.Matcher) {
        out.push(this.matcher(c));
      } else if (id !== T.LineComment) {
        this.node(c);
      }
    } while (c.nextSibling());
    c.parent();
  }

  private matcher(c: TreeCursor): MatcherSpan {
    const from = c.from;
    const to = c.to;
    c.firstChild(); // Identifier
    this.node(c);
    const name = this.text.slice(c.from, c.to);
    skipComments(c);
    const op = this.text.slice(c.from, c.to) as MatchOp;
    skipComments(c);
    const valueFrom = c.from;
    if (c.type.id !== T.String) {
      this.node(c);
      this.fail(c.from, c.to, 'a stream selector matcher needs a quoted value');
    }
    const value = this.string(c);
    c.parent();
    if (op === '=~' || op === '!~') {
      const compiled = compileLabelRegex(value);
      if (compiled instanceof Error) {
        this.fail(valueFrom, to, `error parsing regexp ${JSON.stringify(value)}: ${compiled.message}`);
      }
    }
    return { from, to, name, op, value };
  }
}

/** Moves to the next sibling that is not a comment (lezer keeps skipped `# …` comments as nodes). */
export function skipComments(c: TreeCursor): boolean {
  do {
    if (!c.nextSibling()) {
      return false;
    }
  } while (c.type.id === T.LineComment);
  return true;
}
