/**
 * Where the cursor is in a LogQL text, for label suggestions: inside a stream selector `{…}` at a
 * label name, or inside the quoted value of `name=` / `!=` / `=~` / `!~`. A small reader of the
 * text rather than a lezer-logql parse: a half-typed selector (`{app="`) is exactly what the
 * parser's error recovery turns into shapes that differ between grammar versions, and this only
 * has to recognise where a selector starts and which matchers beside the cursor are complete.
 * It decides what to ask, never what is sent: every selector built from it is pinned to the
 * tenant by the LogQL engine in TenantLokiMetadataApi.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A complete matcher of the selector around the cursor, with its text as typed (quotes kept). */
export interface TypedMatcher {
  name: string;
  op: MatchOp;
  text: string;
}

export type LogQLCompletionContext =
  | {
      kind: 'label-name';
      /** Start of the partial name before the cursor. */
      from: number;
      /** The selector's other complete matchers (before and after the cursor). */
      others: TypedMatcher[];
    }
  | {
      kind: 'label-value';
      label: string;
      /** First character inside the opening quote. */
      from: number;
      quote: '"' | '`';
      /** The selector's complete matchers on other labels (the one being completed left out). */
      others: TypedMatcher[];
    };

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)\s*$/;
const NAME_AND_OP = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*$/;
const PARTIAL_NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)?$/;

interface Segment {
  from: number;
  to: number;
}

/**
 * The string state at `pos` and the innermost open selector, scanning from the start: strings
 * (`"…"` with escapes, raw `` `…` ``), `#` comments and Grafana's `${var}` are skipped so their
 * braces do not count. Null when the cursor is in a comment or a `${…}`.
 */
function scanTo(doc: string, pos: number): { selectorStart: number; stringStart: number } | null {
  let selectorStart = -1;
  let stringStart = -1;
  let quote = '';
  for (let i = 0; i < pos; i++) {
    const c = doc[i];
    if (stringStart >= 0) {
      if (quote === '"' && c === '\\') {
        i++;
      } else if (c === quote) {
        stringStart = -1;
      }
      continue;
    }
    if (c === '#' || (c === '$' && doc[i + 1] === '{')) {
      const end = doc.indexOf(c === '#' ? '\n' : '}', i);
      if (end < 0 || end >= pos) {
        return null;
      }
      i = end;
    } else if (c === '"' || c === '`') {
      stringStart = i;
      quote = c;
    } else if (c === '{') {
      selectorStart = i;
    } else if (c === '}') {
      selectorStart = -1;
    }
  }
  return { selectorStart, stringStart };
}

/** The selector body from `start` (after `{`) to its `}` (or the end), cut at commas outside strings. */
function segments(doc: string, start: number): Segment[] {
  const out: Segment[] = [];
  let from = start;
  let quote = '';
  let i = start;
  for (; i < doc.length; i++) {
    const c = doc[i];
    if (quote) {
      if (quote === '"' && c === '\\') {
        i++;
      } else if (c === quote) {
        quote = '';
      }
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === ',' || c === '}') {
      out.push({ from, to: i });
      from = i + 1;
      if (c === '}') {
        return out;
      }
    }
  }
  out.push({ from, to: Math.min(i, doc.length) });
  return out;
}

function typedMatcher(text: string): TypedMatcher | undefined {
  const m = MATCHER.exec(text);
  // A value with a Grafana variable (`"$app"`) means nothing to Loki before interpolation;
  // leaving it out only widens the (still tenant-pinned) scope of the suggestions.
  if (!m || m[3].includes('$')) {
    return undefined;
  }
  return { name: m[1], op: m[2] as MatchOp, text: text.trim() };
}

/** The completion context at `pos` of `doc`, or null when no label suggestion applies there. */
export function completionContextAt(doc: string, pos: number): LogQLCompletionContext | null {
  const scan = scanTo(doc, pos);
  if (!scan || scan.selectorStart < 0) {
    return null;
  }
  const all = segments(doc, scan.selectorStart + 1);
  const current = all.find((s) => s.from <= pos && pos <= s.to);
  if (!current) {
    return null;
  }
  const others = all
    .filter((s) => s !== current)
    .map((s) => typedMatcher(doc.slice(s.from, s.to)))
    .filter((m): m is TypedMatcher => m !== undefined);

  if (scan.stringStart >= 0) {
    const head = NAME_AND_OP.exec(doc.slice(current.from, scan.stringStart));
    if (!head) {
      return null;
    }
    const label = head[1];
    return {
      kind: 'label-value',
      label,
      from: scan.stringStart + 1,
      quote: doc[scan.stringStart] as '"' | '`',
      others: others.filter((m) => m.name !== label),
    };
  }
  const partial = PARTIAL_NAME.exec(doc.slice(current.from, pos));
  if (!partial) {
    return null;
  }
  return { kind: 'label-name', from: pos - (partial[1]?.length ?? 0), others };
}
