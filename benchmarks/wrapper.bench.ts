/**
 * Wrapper data source overhead: enforcement + interpolation + tenant lookup per panel query on a
 * 30-panel dashboard, as a ratio of the target's own time. The target is a data source that
 * forwards to the REAL Prometheus 2.42 tenant fixture over HTTP (query_range), so the denominator
 * is real query latency, not a constant — and a small local TSDB answers in ~2 ms, far faster than
 * Grafana's backend + a production Prometheus, so the ratio is a worst case.
 * `wrapper.overhead_ratio`: every load is a new session with empty caches (team lookup over real
 * localhost HTTP, every query enforced from scratch). `wrapper.overhead_ratio_refresh`: the same
 * session refreshing the dashboard (team list and enforced texts cached). Both time the wrapper's
 * own work per query (tenant lookup + target lookup + interpolation + ad-hoc + enforcement, i.e.
 * its prepare step). `wrapper.e2e_*` are wall-clock differences around the whole query() and also
 * include rxjs plumbing and event-loop scheduling noise on a shared machine (info only).
 * `wrapper.overhead_ratio_target_25ms`: cold sessions again, against a target with a fixed 25 ms
 * latency (typical of Grafana's backend + a production Prometheus) instead of the local TSDB.
 * The goal figures take, per panel, the fastest of LOADS runs on each side (min-of-N removes
 * preemption on the shared 2-core machine); `*_sum` figures are plain sums with the noise in.
 *
 * The measurement runs under jest (tests/wrapper/bench/overhead.measure.ts) because the wrapper
 * imports @grafana/runtime, which needs the jsdom environment and CSS mapping of the unit tests.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import type { Report } from './report';

interface Measured {
  loads: number;
  panels: number;
  overheadRatio: number;
  overheadPerQueryMs: number;
  targetPerQueryMs: number;
  teamCallsPerSession: number;
  refreshOverheadRatio: number;
  e2eOverheadRatio: number;
  sumOverheadRatio: number;
  fixedLatencyMs: number;
  fixedLatencyOverheadRatio: number;
  sumRefreshOverheadRatio: number;
  e2eRefreshOverheadRatio: number;
}

export default async function bench(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wrapper-bench-'));
  const out = path.join(dir, 'result.json');
  try {
    const root = path.resolve(__dirname, '..');
    const run = spawnSync(
      'npx',
      ['jest', '--silent', '--testMatch', '<rootDir>/tests/wrapper/bench/*.measure.ts', '--testPathIgnorePatterns', '/node_modules/', '--', 'tests/wrapper/bench/overhead.measure.ts'],
      { cwd: root, env: { ...process.env, WRAPPER_BENCH_OUT: out, WRAPPER_BENCH_LOADS: process.env.WRAPPER_BENCH_LOADS ?? '10' }, encoding: 'utf8', timeout: 600_000 }
    );
    if (run.status !== 0) {
      throw new Error(`wrapper measurement failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    const m = JSON.parse(readFileSync(out, 'utf8')) as Measured;
    report({ name: 'wrapper.overhead_ratio', value: m.overheadRatio * 100, unit: '%', goal: '< 2%' });
    report({ name: 'wrapper.overhead_ratio_refresh', value: m.refreshOverheadRatio * 100, unit: '%', goal: '< 2%' });
    report({ name: `wrapper.overhead_ratio_target_${m.fixedLatencyMs}ms`, value: m.fixedLatencyOverheadRatio * 100, unit: '%', goal: '< 2%' });
    report({ name: 'wrapper.overhead_ratio_sum', value: m.sumOverheadRatio * 100, unit: '%', goal: 'info (sums, noise included)' });
    report({ name: 'wrapper.e2e_overhead_ratio', value: m.e2eOverheadRatio * 100, unit: '%', goal: 'info (wall clock incl. rxjs + event-loop scheduling)' });
    report({ name: 'wrapper.e2e_overhead_ratio_refresh', value: m.e2eRefreshOverheadRatio * 100, unit: '%', goal: 'info' });
    report({ name: 'wrapper.overhead_per_query', value: m.overheadPerQueryMs, unit: 'ms', goal: 'info' });
    report({ name: 'wrapper.target_per_query', value: m.targetPerQueryMs, unit: 'ms', goal: 'info (real Prometheus fixture)' });
    report({ name: 'wrapper.team_calls_per_session', value: m.teamCallsPerSession, unit: 'calls', goal: '1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
