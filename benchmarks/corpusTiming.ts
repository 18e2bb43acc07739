/**
 * Timing on the PromQL corpus, shared by the engine and policy benchmarks: the corpus, alternating
 * batches of a baseline and the code under test (load from other processes on the shared machine
 * hits both sides alike), and percentiles.
 */
import { readFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { sharedPath } from '../tests/support/shared';

/** Passes over the corpus per measurement (the CLI benchmark uses the same count). */
export const CORPUS_ROUNDS = 5;
const BATCH = 250;

export function loadInterpolatedCorpus(): string[] {
  return readFileSync(sharedPath('corpus', 'promql', 'corpus-interpolated.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { expr: string }).expr);
}

/** Baseline and candidate timed in alternating batches of BATCH queries; queries/s for each. */
export function interleaved(
  exprs: string[],
  baseline: (e: string) => unknown,
  candidate: (e: string) => unknown
): { baselineQps: number; candidateQps: number } {
  let baselineMs = 0;
  let candidateMs = 0;
  for (let round = 0; round < CORPUS_ROUNDS; round++) {
    for (let i = 0; i < exprs.length; i += BATCH) {
      const batch = exprs.slice(i, i + BATCH);
      let t = performance.now();
      for (const expr of batch) {
        baseline(expr);
      }
      baselineMs += performance.now() - t;
      t = performance.now();
      for (const expr of batch) {
        candidate(expr);
      }
      candidateMs += performance.now() - t;
    }
  }
  const total = exprs.length * CORPUS_ROUNDS;
  return { baselineQps: total / (baselineMs / 1000), candidateQps: total / (candidateMs / 1000) };
}

/** Per-query latencies (ms), sorted ascending. */
export function latencies(exprs: readonly string[], fn: (e: string) => unknown): number[] {
  const out: number[] = [];
  for (const expr of exprs) {
    const start = performance.now();
    fn(expr);
    out.push(performance.now() - start);
  }
  return out.sort((a, b) => a - b);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
