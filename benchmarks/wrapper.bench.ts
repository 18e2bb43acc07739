/**
 * Wrapper data source overhead: the wrapper's own work per panel query on a 30-panel dashboard
 * (constructor + tenant lookup + target lookup + interpolation + ad-hoc filters + enforcement,
 * i.e. everything it does before handing the query to the target), as a ratio of the target's own
 * time. The target forwards to the REAL Prometheus 2.42 tenant fixture over HTTP (query_range);
 * that small local TSDB answers in ~1–2 ms, far faster than Grafana's backend + a production
 * Prometheus, so the ratio is a worst case.
 *
 * Method (tests/wrapper/bench/overhead.measure.ts): panels run one after another; the wrapper's
 * own time is timed around its prepare steps (plus its constructor for a new session), the
 * target's around target.query(). Ratio = Σ over panels of the fastest own time of N loads / Σ of
 * the fastest target time of N loads (min-of-N on both sides discards preemption on the shared
 * machine; the target's minimum is its fastest answer, so the ratio is not flattered). Measured
 * after a JIT warm-up on corpus queries under another tenant (nothing of the dashboard cached).
 * - `wrapper.overhead_ratio`: every load a NEW session — new instance (constructed right before
 *   the first query, so its lookup prefetch gets no head start), one real localhost HTTP
 *   GET /api/user/teams, every query enforced from scratch.
 * - `wrapper.parse_floor_ratio`: one bare lezer-promql parse of each panel's interpolated text and
 *   nothing else, timed the same way (after the panel's target round trip, min of N): the floor of
 *   any wrapper that parses each query once (lezer-promql is the project's parser), so the goal is
 *   out of reach against this target whenever this floor is near or above 2 %.
 * - `wrapper.own_vs_parse_floor`: the wrapper's own time per query on a new session ÷ that parse
 *   floor (goal ≤ 2.5, issue #17: judged against the parser it cannot avoid, not the fixture's speed).
 *   No cache of enforced texts outlives the browser session (maintainers' decision).
 * - `wrapper.overhead_ratio_refresh`: the same session refreshing (team list, enforced texts cached).
 * - `wrapper.overhead_ratio_target_25ms`: new sessions against a target with a fixed 25 ms latency
 *   (typical of Grafana's backend + a production Prometheus); the goal (< 2 %) is judged here.
 * - `wrapper.overhead_ratio_first_load`: the first load of a fresh process, JIT cold (like the first
 *   dashboard of a new browser tab); one sample, info.
 * - `*_sum`: plain sums (noise in); `wrapper.e2e_*`: wall clock around the whole query() minus the
 *   target, incl. rxjs plumbing and event-loop scheduling (info).
 *
 * The measurement runs under jest because the wrapper imports @grafana/runtime, which needs the
 * jsdom environment and CSS mapping of the unit tests.
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
  firstLoadOverheadRatio: number;
  teamLookupMs: number;
  coldPerQueryOwnMinMs: number;
  refreshPerQueryOwnMinMs: number;
  parseFloorRatio: number;
  parseFloorPerQueryMs: number;
}

export default async function bench(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wrapper-bench-'));
  const out = path.join(dir, 'result.json');
  try {
    const root = path.resolve(__dirname, '..');
    const run = spawnSync(
      'npx',
      [
        'jest',
        '--silent',
        '--testMatch',
        '<rootDir>/tests/wrapper/bench/*.measure.ts',
        '--testPathIgnorePatterns',
        '/node_modules/',
        '--',
        'tests/wrapper/bench/overhead.measure.ts',
      ],
      {
        cwd: root,
        env: { ...process.env, WRAPPER_BENCH_OUT: out, WRAPPER_BENCH_LOADS: process.env.WRAPPER_BENCH_LOADS ?? '10' },
        encoding: 'utf8',
        timeout: 600_000,
      }
    );
    if (run.status !== 0) {
      throw new Error(`wrapper measurement failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    const m = JSON.parse(readFileSync(out, 'utf8')) as Measured;
    const n = `min of ${m.loads} loads per panel, ${m.panels} panels`;
    report({
      name: 'wrapper.overhead_ratio',
      value: m.overheadRatio * 100,
      unit: '%',
      goal: `info (new session per load: 1 HTTP team lookup + enforcement from scratch; vs real Prometheus fixture; ${n})`,
    });
    report({
      name: 'wrapper.parse_floor_ratio',
      value: m.parseFloorRatio * 100,
      unit: '%',
      goal: `info (ONE bare lezer-promql parse per query, nothing else, timed like the wrapper: ${m.parseFloorPerQueryMs.toFixed(3)} ms/query; the least any wrapper that parses each query once pays per new session, so overhead_ratio cannot go below it; ${n})`,
    });
    report({
      name: 'wrapper.own_vs_parse_floor',
      value: m.coldPerQueryOwnMinMs / m.parseFloorPerQueryMs,
      unit: 'ratio',
      goal: `<= 2.5 (the wrapper's own time per query on a new session ÷ one bare lezer-promql parse of the same text, both min of N: ${m.coldPerQueryOwnMinMs.toFixed(3)} / ${m.parseFloorPerQueryMs.toFixed(3)} ms)`,
    });
    report({
      name: 'wrapper.overhead_ratio_refresh',
      value: m.refreshOverheadRatio * 100,
      unit: '%',
      goal: `info (same session refreshing: caches warm; ${n})`,
    });
    report({
      name: `wrapper.overhead_ratio_target_${m.fixedLatencyMs}ms`,
      value: m.fixedLatencyOverheadRatio * 100,
      unit: '%',
      goal: `< 2% (new sessions, target with fixed ${m.fixedLatencyMs} ms latency)`,
    });
    report({
      name: 'wrapper.overhead_ratio_first_load',
      value: m.firstLoadOverheadRatio * 100,
      unit: '%',
      goal: 'info (first load of a fresh process: JIT cold, one sample)',
    });
    report({
      name: 'wrapper.overhead_ratio_sum',
      value: m.sumOverheadRatio * 100,
      unit: '%',
      goal: 'info (new sessions, plain sums, noise included)',
    });
    report({
      name: 'wrapper.e2e_overhead_ratio',
      value: m.e2eOverheadRatio * 100,
      unit: '%',
      goal: 'info (wall clock incl. rxjs + event-loop scheduling)',
    });
    report({
      name: 'wrapper.e2e_overhead_ratio_refresh',
      value: m.e2eRefreshOverheadRatio * 100,
      unit: '%',
      goal: 'info',
    });
    report({
      name: 'wrapper.overhead_per_query',
      value: m.overheadPerQueryMs,
      unit: 'ms',
      goal: 'info (new session, mean, noise included)',
    });
    report({
      name: 'wrapper.overhead_per_query_min',
      value: m.coldPerQueryOwnMinMs,
      unit: 'ms',
      goal: `info (new session, ${n})`,
    });
    report({
      name: 'wrapper.overhead_per_query_refresh_min',
      value: m.refreshPerQueryOwnMinMs,
      unit: 'ms',
      goal: `info (${n})`,
    });
    report({
      name: 'wrapper.team_lookup_ms',
      value: m.teamLookupMs,
      unit: 'ms',
      goal: 'info (median localhost round trip, paid once per session)',
    });
    report({
      name: 'wrapper.target_per_query',
      value: m.targetPerQueryMs,
      unit: 'ms',
      goal: 'info (real Prometheus fixture, mean)',
    });
    report({ name: 'wrapper.team_calls_per_session', value: m.teamCallsPerSession, unit: 'calls', goal: '1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
