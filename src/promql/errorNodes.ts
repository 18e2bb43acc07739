/**
 * lezer recovers from syntax errors by inserting error nodes anywhere in the tree; Prometheus'
 * parser refuses such text. Found before anything relies on the shape of the tree.
 */
import { Tree } from '@lezer/common';
import { queryError } from './errors';

/** Throws EnforceError('parse') at the first error node (fast buffer scan, then a cursor for the spot). */
export function rejectErrorNodes(tree: Tree, text: string): void {
  if (hasErrorNode(tree)) {
    const cursor = tree.cursor();
    do {
      if (cursor.type.isError) {
        const at = cursor.from;
        const found = text.slice(at, Math.max(cursor.to, at + 1));
        throw queryError(
          text,
          at,
          Math.max(cursor.to, at + 1),
          found
            ? (unknownFunction(text, at, found) ?? `unexpected ${JSON.stringify(found)}`)
            : 'unexpected end of query'
        );
      }
    } while (cursor.next());
  }
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

/**
 * `name(` where lezer-promql knows no function `name`: a function newer than the engine's grammar
 * (or a typo). Named, because the engine cannot prove a function it does not know safe.
 */
function unknownFunction(text: string, at: number, found: string): string | null {
  if (!found.startsWith('(')) {
    return null;
  }
  const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(Math.max(0, at - 200), at))?.[1];
  if (!name) {
    return null;
  }
  return `unknown function ${JSON.stringify(name)}: the engine knows the functions of Prometheus up to 3.x and refuses any other, as it cannot prove it safe; check the name`;
}
