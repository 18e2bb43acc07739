/**
 * Where in the spec TEXT each validation error belongs, so the code editor can underline it on
 * its line. Pure: the `yaml` Document API gives every node its source range; an error's field
 * path (`tenants[1].labelValues`) is walked down the document as far as it exists.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import type { SpecError } from '../../tenancy';

export interface PlacedError {
  from: number;
  to: number;
  /** 1-based line of `from`. */
  line: number;
  message: string;
}

/** `tenants[1].datasource.url` → ['tenants', 1, 'datasource', 'url']; `(document)` → []. */
export function pathSegments(path: string): Array<string | number> {
  if (path === '(document)' || path === '') {
    return [];
  }
  const segments: Array<string | number> = [];
  for (const part of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(part[2] !== undefined ? Number(part[2]) : part[1]);
  }
  return segments;
}

export function placeSpecErrors(text: string, errors: readonly SpecError[]): PlacedError[] {
  const doc = parseDocument(text);
  const lineStarts = lineStartOffsets(text);
  const place = (from: number, to: number, message: string): PlacedError => {
    const start = Math.max(0, Math.min(from, text.length));
    return { from: start, to: Math.max(start, Math.min(to, text.length)), line: lineOf(lineStarts, start), message };
  };
  const placed: PlacedError[] = [];
  for (const error of errors) {
    const message = `${error.message}. Fix: ${error.fix}`;
    if (error.path === '(document)') {
      // A syntax error: yaml knows its own position; anything else marks the first line.
      const syntax = doc.errors[0];
      const [from, to] = syntax ? [syntax.pos[0], Math.max(syntax.pos[1], syntax.pos[0] + 1)] : [0, lineEnd(text, 0)];
      placed.push(place(from, to, message));
      continue;
    }
    const [from, to] = rangeOfPath(doc.contents, pathSegments(error.path), error.keys ?? [], text);
    placed.push(place(from, to, message));
  }
  return placed;
}

/**
 * The source range of the deepest node the path reaches. A field that is missing marks the key
 * of its parent (where it should be added); unknown fields mark those keys themselves.
 */
function rangeOfPath(
  root: Node | null,
  segments: Array<string | number>,
  unknownKeys: readonly string[],
  text: string
): [number, number] {
  let node: Node | null = root;
  let keyRange: [number, number] | undefined;
  for (const segment of segments) {
    const next = child(node, segment);
    if (!next) {
      break;
    }
    node = next.value;
    keyRange = next.keyRange ?? keyRange;
  }
  if (unknownKeys.length > 0 && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && unknownKeys.includes(String(p.key.value)));
    if (pair && isScalar(pair.key) && pair.key.range) {
      return [pair.key.range[0], pair.key.range[1]];
    }
  }
  if (node && node.range && !isMap(node) && !isSeq(node)) {
    return [node.range[0], node.range[1]];
  }
  if (keyRange) {
    return keyRange;
  }
  // A collection (or nothing): its first line, not the whole block.
  const start = node?.range?.[0] ?? 0;
  return [start, lineEnd(text, start)];
}

function child(
  node: Node | null,
  segment: string | number
): { value: Node | null; keyRange?: [number, number] } | undefined {
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item as Node | null };
  }
  if (isMap(node)) {
    const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair) {
      return undefined;
    }
    const key = isScalar(pair.key) && pair.key.range ? pair.key.range : undefined;
    return { value: pair.value as Node | null, keyRange: key ? [key[0], key[1]] : undefined };
  }
  return undefined;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo + 1;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}
