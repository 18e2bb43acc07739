/** Error nodes (../labelmatch/errorNodes.ts) as PromQL parse errors. */
import { Tree } from '@lezer/common';
import { firstErrorNode } from '../labelmatch/errorNodes';
import { queryError } from './errors';

/** Throws EnforceError('parse') at the first error node. */
export function rejectErrorNodes(tree: Tree, text: string): void {
  const at = firstErrorNode(tree);
  if (at) {
    const to = Math.max(at.to, at.from + 1);
    const found = text.slice(at.from, to);
    throw queryError(text, at.from, to, found ? `unexpected ${JSON.stringify(found)}` : 'unexpected end of query');
  }
}
