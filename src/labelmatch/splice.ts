/** Text edits at node positions: the only way the engine changes a query (formatting is kept). */
export interface TextEdit {
  from: number;
  to: number;
  insert: string;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  if (edits.length === 0) {
    return text;
  }
  edits.sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.from < at) {
      throw new Error(`internal error: overlapping edits at ${e.from}`);
    }
    out += text.slice(at, e.from) + e.insert;
    at = e.to;
  }
  return out + text.slice(at);
}
