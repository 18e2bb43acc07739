import { unpinnedSelectors } from '../../../src/logql/testing/selectorWalk';
import { LOKI_READ_PATHS, type LokiRequest } from './fakeLoki';

/** The tenant matcher every stream selector must carry: `tenant="a"`, or `tenant=~"a|b"` for several. */
export function tenantMatcherOf(values: readonly string[]): { op: string; value: string } {
  return values.length === 1 ? { op: '=', value: values[0] } : { op: '=~', value: values.join('|') };
}

/**
 * Checks what reached the fake Loki, independently of the engine: every request is a read path,
 * carries a LogQL selector (`query` or `match[]`), and every stream selector of every such value
 * (re-parsed with lezer-logql by src/logql/testing/selectorWalk) has the tenant matcher. Returns
 * the values checked.
 */
export function lokiProblems(requests: readonly LokiRequest[], label: string, values: readonly string[]): string[] {
  const { op, value } = tenantMatcherOf(values);
  const problems: string[] = [];
  for (const r of requests) {
    if (!LOKI_READ_PATHS.test(r.path)) {
      problems.push(`${r.path}: not a Loki read path`);
      continue;
    }
    const selectors = [...r.query.getAll('query'), ...r.query.getAll('match[]')];
    if (selectors.length === 0) {
      problems.push(`${r.path}?${r.query}: no selector (unscoped)`);
    }
    for (const s of selectors) {
      for (const bad of unpinnedSelectors(s, label, op, value)) {
        problems.push(`${r.path}: ${JSON.stringify(s)} has unpinned ${bad}`);
      }
    }
  }
  return problems;
}
