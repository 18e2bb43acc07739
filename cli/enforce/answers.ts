/**
 * One answer per input line, for the two stdin formats, and the tally behind `--stats`.
 * The JSON-lines answers are byte for byte those of the CLI before it read in chunks (issue #19
 * acceptance; tests/cli/enforceCorpus.test.ts compares both on the whole corpus).
 */
import type { LanguageEngine, Refusal } from './engines';

export class Tally {
  enforced = 0;
  readonly refusedByKind = new Map<string, number>();
  /** Refused queries that contain `$`: a hint that they may be Grafana text. */
  refusedWithDollar = 0;

  get refused(): number {
    let n = 0;
    for (const count of this.refusedByKind.values()) {
      n += count;
    }
    return n;
  }

  refuse(kind: string, expr: string | undefined): void {
    this.refusedByKind.set(kind, (this.refusedByKind.get(kind) ?? 0) + 1);
    if (expr !== undefined && expr.includes('$')) {
      this.refusedWithDollar++;
    }
  }

  /** e.g. `14311 queries: 14310 enforced, 1 refused (parse 1)` */
  summary(): string {
    const kinds = [...this.refusedByKind.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([kind, n]) => `${kind} ${n}`);
    const refused = this.refused;
    return (
      `${this.enforced + refused} queries: ${this.enforced} enforced, ${refused} refused` +
      (kinds.length > 0 ? ` (${kinds.join(', ')})` : '')
    );
  }
}

/** Answers one line of a line-oriented input; `lineNo` is 1-based and counts every line. */
export type LineAnswerer = (line: string, lineNo: number) => string;

/**
 * JSON lines: `{"expr": "..."}` in, `{"expr","enforced"}` or `{"expr","error":{kind,message}}` out;
 * blank lines are skipped (no answer), a line that is not such an object is answered with an
 * `input` error naming its line number.
 */
export function jsonLineAnswerer(engine: LanguageEngine, tally: Tally): LineAnswerer {
  return (line, lineNo) => {
    if (line.trim() === '') {
      return '';
    }
    let expr: unknown;
    try {
      expr = (JSON.parse(line) as { expr?: unknown }).expr;
    } catch {
      expr = undefined;
    }
    if (typeof expr !== 'string') {
      tally.refuse('input', undefined);
      return `${JSON.stringify({ expr: null, error: { kind: 'input', message: `line ${lineNo} is not a JSON object with a string "expr"` } })}\n`;
    }
    let enforced: string;
    try {
      enforced = engine.enforce(expr);
    } catch (err) {
      const error: Refusal = engine.refusalOf(err);
      tally.refuse(error.kind, expr);
      return `${JSON.stringify({ expr, error })}\n`;
    }
    tally.enforced++;
    return `${JSON.stringify({ expr, enforced })}\n`;
  };
}

/**
 * Plain lines (`--lines`): one query per line in, the enforced query out on the same line number.
 * A blank line stays blank; a refused query gives an empty line (never its unenforced text) and its
 * error on stderr through `onRefusal`.
 */
export function plainLineAnswerer(
  engine: LanguageEngine,
  tally: Tally,
  onRefusal: (lineNo: number, error: Refusal) => void
): LineAnswerer {
  return (line, lineNo) => {
    if (line.trim() === '') {
      return '\n';
    }
    let enforced: string;
    try {
      enforced = engine.enforce(line);
    } catch (err) {
      const error = engine.refusalOf(err);
      tally.refuse(error.kind, line);
      onRefusal(lineNo, error);
      return '\n';
    }
    tally.enforced++;
    return `${enforced}\n`;
  };
}
