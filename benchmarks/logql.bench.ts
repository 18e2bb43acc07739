/**
 * LogQL engine on the real corpus (tests/corpus/logql): bare lezer-logql parse vs enforcement
 * (parse + Loki's checks + splice) in alternating batches, their ratio and per-query latency; then
 * 100k+ generated LogQL queries (valid and mangled, three enforcer settings) through the property
 * of src/logql/testing/fuzzCheck.ts: none may escape unpinned or throw anything but EnforceError.
 */
import fc from 'fast-check';
import { readFileSync } from 'fs';
import path from 'path';
import { performance } from 'perf_hooks';
import { parser } from '@grafana/lezer-logql';
import { createEnforcer, enforceQuery } from '../src/logql';
import { logqlQuery, mangledLogQLQuery } from '../src/logql/testing/arbitraries';
import { checkLogQLQuery } from '../src/logql/testing/fuzzCheck';
import type { Report } from './report';

const ROUNDS = 40; // the corpus is small: many rounds for a stable ratio
const BATCH = 100;
const FUZZ_RUNS_PER_CASE = 17_000; // × 2 generators × 3 settings = 102,000 queries

function loadCorpus(): string[] {
  return readFileSync(path.join(__dirname, '..', 'tests', 'corpus', 'logql', 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { expr: string }).expr);
}

function interleaved(exprs: string[], parse: (e: string) => unknown, enforce: (e: string) => unknown) {
  let parseMs = 0;
  let enforceMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < exprs.length; i += BATCH) {
      const batch = exprs.slice(i, i + BATCH);
      let t = performance.now();
      for (const expr of batch) {
        parse(expr);
      }
      parseMs += performance.now() - t;
      t = performance.now();
      for (const expr of batch) {
        enforce(expr);
      }
      enforceMs += performance.now() - t;
    }
  }
  const total = exprs.length * ROUNDS;
  return { parseQps: total / (parseMs / 1000), enforceQps: total / (enforceMs / 1000) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function fuzz(report: Report): void {
  const cases = [
    { enforcer: createEnforcer({ label: 'tenant', values: ['a'] }), op: '=', value: 'a' },
    { enforcer: createEnforcer({ label: 'tenant', values: ['b', 'a'] }), op: '=~', value: 'a|b' },
    { enforcer: createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true }), op: '=', value: 'a' },
  ];
  let queries = 0;
  let enforced = 0;
  let violations = 0;
  const start = Date.now();
  cases.forEach(({ enforcer, op, value }, i) => {
    for (const arb of [logqlQuery, mangledLogQLQuery]) {
      for (const q of fc.sample(arb, { numRuns: FUZZ_RUNS_PER_CASE, seed: 2000 + i })) {
        queries++;
        const r = checkLogQLQuery(q, enforcer, op, value);
        if (r.outcome === 'enforced') {
          enforced++;
        } else if (r.outcome === 'violation') {
          violations++;
          if (violations <= 5) {
            console.error(`logql fuzz violation: ${r.detail ?? q}`);
          }
        }
      }
    }
  });
  report({ name: 'logql.fuzz_queries', value: queries, unit: 'queries', goal: '>= 100000' });
  report({ name: 'logql.fuzz_enforced', value: enforced, unit: 'queries', goal: 'most valid ones' });
  report({ name: 'logql.fuzz_violations', value: violations, unit: 'queries', goal: '0' });
  report({ name: 'logql.fuzz_seconds', value: (Date.now() - start) / 1000, unit: 's', goal: 'informational' });
}

export default async function bench(report: Report): Promise<void> {
  const enforcer = createEnforcer({ label: 'tenant', values: ['a'] });
  const exprs = loadCorpus().filter((expr) => {
    try {
      enforceQuery(expr, enforcer);
      return true;
    } catch {
      return false; // Grafana text and the known grammar gaps; both sides measure the same set
    }
  });
  const parse = (expr: string) => parser.parse(expr);
  const enforce = (expr: string) => enforceQuery(expr, enforcer);
  interleaved(exprs, parse, enforce); // warm-up: let the JIT see both paths
  const { parseQps, enforceQps } = interleaved(exprs, parse, enforce);

  const latencies: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const expr of exprs) {
      const start = performance.now();
      enforceQuery(expr, enforcer);
      latencies.push(performance.now() - start);
    }
  }
  latencies.sort((a, b) => a - b);

  report({ name: 'logql.corpus_queries', value: exprs.length, unit: 'queries', goal: 'tests/corpus/logql' });
  report({ name: 'logql.parse_qps', value: parseQps, unit: 'queries/s', goal: 'baseline (bare lezer-logql parse)' });
  report({ name: 'logql.enforce_qps', value: enforceQps, unit: 'queries/s', goal: 'high' });
  report({ name: 'logql.ratio', value: enforceQps / parseQps, unit: 'ratio', goal: '>= 0.7' });
  report({ name: 'logql.p50_ms', value: percentile(latencies, 50), unit: 'ms', goal: 'low' });
  report({ name: 'logql.p99_ms', value: percentile(latencies, 99), unit: 'ms', goal: 'low' });
  fuzz(report);
}
