/**
 * lezer recovers from syntax errors by inserting error nodes anywhere in the tree; Prometheus' and
 * Loki's parsers refuse such text. Found before anything relies on the shape of the tree.
 */
import { Tree } from '@lezer/common';

/** [from, to) of the first error node (fast buffer scan, then a cursor for the spot), or undefined. */
export function firstErrorNode(tree: Tree): { from: number; to: number } | undefined {
  if (!hasErrorNode(tree)) {
    return undefined;
  }
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) {
      return { from: cursor.from, to: cursor.to };
    }
  } while (cursor.next());
  return { from: 0, to: 0 };
}

/**
 * Whether the tree has an error node. Scans the packed node buffers (4 numbers per node, type id
 * first) instead of walking a cursor over every node: several times faster on the hot path.
 */
function hasErrorNode(tree: Tree): boolean {
  if (tree.type.isError) {
    return true;
  }
  for (const child of tree.children) {
    // Duck-typed: a second copy of @lezer/common in a bundle would defeat `instanceof`.
    if ('buffer' in child) {
      const buf = child.buffer;
      const types = child.set.types;
      for (let i = 0; i < buf.length; i += 4) {
        if (types[buf[i]].isError) {
          return true;
        }
      }
    } else if (hasErrorNode(child)) {
      return true;
    }
  }
  return false;
}
