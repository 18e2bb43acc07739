import { readFileSync } from 'fs';

import { analyseQuery } from '../../src/promql';
import { sharedPath } from './shared';
import { HISTOGRAM_BUCKETS, labelsKey, type ExtraMetric } from './tenantFixtureData';

/**
 * Corpus queries and fixture data that make them return something: without series for the metrics
 * a query selects, "equal on both TSDBs" would be the trivial "empty on both".
 */

export interface CorpusQuery {
  expr: string;
  source: string;
  kind: string;
}

/** corpus-interpolated.jsonl without the lines Prometheus 2.42 cannot run (`"prom242": false`). */
export function loadPrometheus242Corpus(): CorpusQuery[] {
  const text = readFileSync(sharedPath('corpus', 'promql', 'corpus-interpolated.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusQuery & { prom242?: boolean })
    .filter((q) => q.prom242 !== false)
    .map(({ expr, source, kind }) => ({ expr, source, kind }));
}

/** FNV-1a of a string: a stable order that does not depend on the corpus' line order. */
function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic sample of `size` queries (all when size >= length), spread over every source. */
export function sampleCorpus(queries: readonly CorpusQuery[], size: number): CorpusQuery[] {
  if (size >= queries.length) {
    return [...queries];
  }
  return [...queries]
    .map((q) => ({ q, h: stableHash(q.expr) }))
    .sort((x, y) => x.h - y.h || (x.q.expr < y.q.expr ? -1 : 1))
    .slice(0, size)
    .map(({ q }) => q);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A regex that is only literal alternatives, like `node|kubelet` (no metacharacters). */
const LITERAL_ALTERNATION = /^[a-zA-Z0-9_:./ -]+(\|[a-zA-Z0-9_:./ -]+)*$/;
/** Labels the fixture sets itself. */
const RESERVED = new Set(['tenant', 'cluster', '__name__']);

/** A value for a label matcher that it accepts, or undefined when we cannot tell cheaply. */
function acceptedValue(op: string, value: string): string | undefined {
  if (op === '=') {
    return value === '' ? undefined : value;
  }
  if (op === '=~') {
    if (LITERAL_ALTERNATION.test(value)) {
      return value.split('|')[0];
    }
    if (value === '.+' || value === '.*') {
      return 'x';
    }
  }
  return undefined;
}

/**
 * Extra fixture metrics for every vector selector of `exprs` (walked with the engine's parser, never
 * with regexes over PromQL): the metric name plus one accepted value per `=` / simple `=~` matcher,
 * a `job` default (the fixture adds an `instance` per cluster), and the HISTOGRAM_BUCKETS `le` values for `*_bucket` metrics.
 * Selectors without a literal metric name and unparsable queries contribute nothing.
 */
export function metricsForQueries(exprs: readonly string[]): ExtraMetric[] {
  const out = new Map<string, ExtraMetric>();
  const add = (m: ExtraMetric) => out.set(labelsKey(m.name, m.labels), m);
  for (const expr of exprs) {
    let selectors;
    try {
      selectors = analyseQuery(expr).selectors;
    } catch {
      continue;
    }
    for (const sel of selectors) {
      let names: string[] = [];
      if (sel.identifierTo >= 0) {
        names = [expr.slice(sel.from, sel.identifierTo).trim()];
      }
      const labels: Record<string, string> = { job: 'job-1' };
      for (const m of sel.matchers) {
        if (m.name === '__name__') {
          const v =
            m.op === '=~' && LITERAL_ALTERNATION.test(m.value) ? m.value.split('|') : [acceptedValue(m.op, m.value)];
          names = names.length ? names : v.filter((n): n is string => n !== undefined);
          continue;
        }
        const accepted = acceptedValue(m.op, m.value);
        if (accepted !== undefined && LABEL_NAME.test(m.name) && !RESERVED.has(m.name)) {
          labels[m.name] = accepted;
        }
      }
      for (const name of names.filter((n) => METRIC_NAME.test(n))) {
        if (name.endsWith('_bucket')) {
          HISTOGRAM_BUCKETS.forEach((le) => add({ name, labels: { ...labels, le } }));
        } else {
          add({ name, labels });
        }
      }
    }
  }
  return [...out.values()];
}
