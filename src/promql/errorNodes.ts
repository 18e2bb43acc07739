/** Error nodes (../labelmatch/errorNodes.ts) as PromQL parse errors. */
import { Tree } from '@lezer/common';
import { firstErrorNode } from '../labelmatch/errorNodes';
import { queryError } from './errors';

/** Throws EnforceError('parse') at the first error node. */
export function rejectErrorNodes(tree: Tree, text: string): void {
  const error = firstErrorNode(tree);
  if (error) {
    const at = error.from;
    const to = Math.max(error.to, at + 1);
    const found = text.slice(at, to);
    throw queryError(
      text,
      at,
      to,
      found ? (unknownFunction(text, at, found) ?? `unexpected ${JSON.stringify(found)}`) : 'unexpected end of query'
    );
  }
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
