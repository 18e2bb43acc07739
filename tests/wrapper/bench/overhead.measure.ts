/**
 * Measurement behind benchmarks/wrapper.bench.ts, run by jest (the wrapper needs the jsdom +
 * @grafana/runtime environment of the unit tests). Writes its figures as JSON to
 * $WRAPPER_BENCH_OUT. Not a test: its name does not match the jest testMatch.
 */
import { readFileSync, writeFileSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { performance } from 'perf_hooks';
import { lastValueFrom } from 'rxjs';
import { dateTime, type DataQueryRequest } from '@grafana/data';
import { setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { parser } from '@prometheus-io/lezer-promql';

import { TenantWrapperDataSource } from '../../../src/datasource/datasource';
import { clearEnforcementCache, enforcerFor, enforceText } from '../../../src/datasource/enforcement';
import { interpolateExpr } from '../../../src/datasource/interpolation';
import { TeamDirectory, USER_TEAMS_PATH } from '../../../src/datasource/tenantResolver';
import { WRAPPER_PLUGIN_ID, type WrapperQuery } from '../../../src/datasource/types';
import { sharedPath } from '../../support/shared';
import { startTenantFixture } from '../../support/tenantFixture';
import { FakeTemplateSrv } from '../support/fakeTemplateSrv';
import {
  ForwardingPrometheusTarget,
  httpGetJson,
  PrometheusHttp,
  type PromLikeQueryAlias,
} from '../support/forwardingTarget';
import { ensureFetch } from '../support/nodeFetch';
import { RecordingBackendSrv } from '../support/recordingBackendSrv';
import { DEFAULT_JSON } from '../support/wrapperHarness';
import { FakeDataSourceSrv, instanceSettings } from '../support/recordingTarget';
import { DASHBOARD_30 } from './dashboard30';

jest.setTimeout(300_000);
ensureFetch();

const LOADS = Number(process.env.WRAPPER_BENCH_LOADS ?? 5);
const FIXED_LATENCY_MS = 25;
/**
 * V8 needs a few thousand calls before the lezer parser and the engine run optimised code (a
 * per-round trace showed ~600 µs/query for the first rounds, ~17 µs/query after ~3000 calls).
 * Loads are measured after that warm-up, on OTHER queries (the shared corpus, another tenant, so
 * nothing of the measured dashboard is cached); the JIT-cold first load is reported on its own.
 */
const JIT_WARMUP_QUERIES = 4000;

/** Warms the JIT on corpus queries under a throwaway tenant; leaves the enforcement cache empty. */
function warmUpEngine(): void {
  const exprs = readFileSync(sharedPath('corpus', 'promql', 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, JIT_WARMUP_QUERIES)
    .map((l) => (JSON.parse(l) as { expr: string }).expr);
  const enforcer = enforcerFor({ label: 'tenant', values: ['warm-up'], mappedTeams: ['warm-up'] }, false);
  for (const expr of exprs) {
    try {
      enforceText(expr, enforcer);
    } catch {
      // Rejected corpus lines exercise the error path; their outcome does not matter here.
    }
  }
  clearEnforcementCache();
}

/**
 * Per panel, over loads: the wrapper's own time, the target's time, the whole query() time and
 * the bare lezer parse of the panel's interpolated text (the floor any lezer-based wrapper pays).
 */
type Samples = Array<{ own: number[]; target: number[]; e2e: number[]; parse: number[] }>;

/**
 * Σ over panels of the fastest wrapper time / Σ of the fastest target time: min-of-N per panel
 * discards preemption by other processes (the machine is shared), which otherwise lands randomly
 * in either side.
 */
function minRatio(s: Samples, side: 'own' | 'parse'): number {
  const sum = (pick: (x: Samples[number]) => number[]) => s.reduce((acc, x) => acc + Math.min(...pick(x)), 0);
  return sum((x) => x[side]) / sum((x) => x.target);
}

/** Σ own time of one load / Σ of the fastest target time per panel (single sample, info). */
function firstLoadRatio(first: Array<{ own: number[] }>, s: Array<{ target: number[] }>): number {
  const own = first.reduce((acc, x) => acc + x.own[0], 0);
  return own / s.reduce((acc, x) => acc + Math.min(...x.target), 0);
}

/** The target with its own time measured around each query() (the denominator of the ratio). */
class TimedTarget extends ForwardingPrometheusTarget {
  ownMs = 0;
  /** When set, answer after this fixed latency instead of asking Prometheus. */
  fixedLatencyMs?: number;
  async query(request: DataQueryRequest<PromLikeQueryAlias>) {
    const t0 = performance.now();
    try {
      if (this.fixedLatencyMs !== undefined) {
        await new Promise((r) => setTimeout(r, this.fixedLatencyMs));
        return { data: [] };
      }
      return await super.query(request);
    } finally {
      this.ownMs += performance.now() - t0;
    }
  }
}

test('wrapper overhead on a 30-panel dashboard against the real Prometheus fixture', async () => {
  const fixture = await startTenantFixture();
  // /api/user/teams answered over real localhost HTTP, as Grafana would (one round trip).
  const teamServer = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ id: 1, uid: 't1', orgId: 1, name: 'team-a', memberCount: 3, permission: 0 }]));
  });
  await new Promise<void>((r) => teamServer.listen(0, '127.0.0.1', r));
  const teamUrl = `http://127.0.0.1:${(teamServer.address() as AddressInfo).port}`;
  try {
    const target = new TimedTarget(new PrometheusHttp(fixture.url));
    const teamLookupMs: number[] = [];
    const backend = new RecordingBackendSrv(async (req) => {
      if (req.path === USER_TEAMS_PATH) {
        const t0 = performance.now();
        const body = (await httpGetJson(`${teamUrl}${USER_TEAMS_PATH}`)).body;
        teamLookupMs.push(performance.now() - t0);
        return body;
      }
      throw new Error(`unexpected ${req.path}`);
    });
    setBackendSrv(backend);
    setDataSourceSrv(new FakeDataSourceSrv([target]));
    setTemplateSrv(new FakeTemplateSrv({ cluster: { value: ['a-1', 'a-2'], multi: true, includeAll: true } }));
    const range = { from: dateTime(fixture.start * 1000), to: dateTime(fixture.end * 1000), raw: { from: '', to: '' } };
    const request = (expr: string, i: number): DataQueryRequest<WrapperQuery> =>
      ({
        requestId: `p${i}`,
        interval: '1m',
        intervalMs: 60_000,
        range,
        scopedVars: { __interval: { text: '1m', value: '1m' } },
        targets: [{ refId: 'A', expr }],
        timezone: 'utc',
        app: 'dashboard',
        startTime: 0,
      }) as DataQueryRequest<WrapperQuery>;
    // Each load is a new session (new TeamDirectory, enforcement cache cleared): the team lookup
    // and every enforcement are paid on every load. The wrapper is constructed right before the
    // load's first query, as Grafana's DataSourceSrv does for a panel query, so its constructor
    // prefetch gets no head start here: the first query waits for the whole round trip.
    // The wrapper's own work per query is prepare (async path: tenant lookup, target lookup,
    // rewrite) or prepareFromCache (sync path): timed by wrapping those two private methods.
    let ownMs = 0;
    const newWrapper = () => {
      // The constructor's own work (it starts the team and target lookups) counts as the
      // wrapper's: a cold load constructs the instance right before its first query.
      const c0 = performance.now();
      const w = new TenantWrapperDataSource(
        instanceSettings('wrapper', WRAPPER_PLUGIN_ID, 'Tenant data', DEFAULT_JSON) as never,
        new TeamDirectory({ sessionKey: () => 's' })
      );
      const inner = w as unknown as Record<'prepare' | 'prepareFromCache', (r: unknown) => unknown>;
      const sync = inner.prepareFromCache.bind(w);
      const async_ = inner.prepare.bind(w);
      inner.prepareFromCache = (r) => {
        const t0 = performance.now();
        try {
          return sync(r);
        } finally {
          ownMs += performance.now() - t0;
        }
      };
      inner.prepare = async (r) => {
        const t0 = performance.now();
        try {
          return await async_(r);
        } finally {
          ownMs += performance.now() - t0;
        }
      };
      ownMs += performance.now() - c0;
      return w;
    };

    const samples = (): Samples => DASHBOARD_30.map(() => ({ own: [], target: [], e2e: [], parse: [] }));
    // The text the engine receives for each panel: what the wrapper must at least parse.
    const parsedTexts = DASHBOARD_30.map((expr, i) => interpolateExpr(expr, request(expr, i).scopedVars));
    /**
     * One dashboard load, panels one after another; returns the wrapper's total time. Given a
     * factory (a new session), the construction is timed within the first panel.
     */
    const load = async (session: TenantWrapperDataSource | (() => TenantWrapperDataSource), into?: Samples) => {
      let wrapperMs = 0;
      let wrapper = typeof session === 'function' ? undefined : session;
      for (const [i, expr] of DASHBOARD_30.entries()) {
        const own0 = ownMs;
        const target0 = target.ownMs;
        const t0 = performance.now();
        wrapper ??= (session as () => TenantWrapperDataSource)();
        const res = await lastValueFrom(wrapper.query(request(expr, i)));
        const e2e = performance.now() - t0;
        wrapperMs += e2e;
        into?.[i].own.push(ownMs - own0);
        into?.[i].target.push(target.ownMs - target0);
        into?.[i].e2e.push(e2e);
        if (into) {
          // The floor: one bare lezer parse of the panel's text, timed like the wrapper's own work
          // (just after a target round trip, so caches are as cold as the wrapper found them).
          const p0 = performance.now();
          parser.parse(parsedTexts[i]);
          into[i].parse.push(performance.now() - p0);
        }
        if (res.errors?.length) {
          throw new Error(`panel ${i} failed: ${res.errors[0].message}`);
        }
      }
      return wrapperMs;
    };
    // The very first load in this process: V8 has not optimised the parser and engine yet, as in
    // the first dashboard of a new browser tab (info: one sample, divided by the target's fastest
    // times from the measured loads below, so Prometheus' own first-time costs do not dilute it).
    const first = samples();
    await load(newWrapper, first);
    warmUpEngine();
    for (let i = 0; i < 3; i++) {
      clearEnforcementCache();
      await load(newWrapper); // warm-up of the wrapper, HTTP and Prometheus paths
    }
    teamLookupMs.length = 0;
    // Cold: every load is a new session with empty caches — team lookup over HTTP and every
    // query enforced from scratch.
    target.ownMs = 0;
    ownMs = 0;
    let wrapperMs = 0;
    const cold = samples();
    for (let i = 0; i < LOADS; i++) {
      clearEnforcementCache();
      wrapperMs += await load(newWrapper, cold);
    }
    const targetMs = target.ownMs;
    const coldOwnMs = ownMs;
    const coldTeamLookupMs = [...teamLookupMs];
    const overheadMs = wrapperMs - targetMs;
    // Refresh: the same session re-running the dashboard (team list and enforced texts cached).
    const open = newWrapper();
    await load(open);
    target.ownMs = 0;
    ownMs = 0;
    let refreshMs = 0;
    const refresh = samples();
    for (let i = 0; i < LOADS; i++) {
      refreshMs += await load(open, refresh);
    }
    const refreshTargetMs = target.ownMs;
    const refreshOwnMs = ownMs;

    // The same cold measurement against a target with a fixed latency typical of Grafana's
    // backend + a production Prometheus (FIXED_LATENCY_MS), instead of a 2 ms local TSDB.
    target.fixedLatencyMs = FIXED_LATENCY_MS;
    const fixed = samples();
    for (let i = 0; i < Math.min(LOADS, 5); i++) {
      clearEnforcementCache();
      await load(newWrapper, fixed);
    }
    target.fixedLatencyMs = undefined;

    // Team calls in one session: a 30-panel dashboard loaded concurrently, then reloaded.
    backend.requests.length = 0;
    const session = newWrapper();
    for (let round = 0; round < 2; round++) {
      await Promise.all(DASHBOARD_30.map((expr, i) => lastValueFrom(session.query(request(expr, i)))));
    }
    const teamCalls = backend.to(USER_TEAMS_PATH).length;

    writeFileSync(
      process.env.WRAPPER_BENCH_OUT ?? '/dev/stdout',
      JSON.stringify({
        loads: LOADS,
        panels: DASHBOARD_30.length,
        wrapperMs,
        targetMs,
        overheadRatio: minRatio(cold, 'own'),
        refreshOverheadRatio: minRatio(refresh, 'own'),
        parseFloorRatio: minRatio(cold, 'parse'),
        parseFloorPerQueryMs: cold.reduce((acc, x) => acc + Math.min(...x.parse), 0) / DASHBOARD_30.length,
        sumOverheadRatio: coldOwnMs / targetMs,
        sumRefreshOverheadRatio: refreshOwnMs / refreshTargetMs,
        overheadPerQueryMs: coldOwnMs / (LOADS * DASHBOARD_30.length),
        e2eOverheadRatio: overheadMs / targetMs,
        e2eRefreshOverheadRatio: (refreshMs - refreshTargetMs) / refreshTargetMs,
        targetPerQueryMs: targetMs / (LOADS * DASHBOARD_30.length),
        teamCallsPerSession: teamCalls,
        fixedLatencyMs: FIXED_LATENCY_MS,
        fixedLatencyOverheadRatio: minRatio(fixed, 'own'),
        firstLoadOverheadRatio: firstLoadRatio(first, cold),
        teamLookupMs: coldTeamLookupMs.sort((a, b) => a - b)[Math.floor(coldTeamLookupMs.length / 2)],
        coldPerQueryOwnMinMs: cold.reduce((acc, x) => acc + Math.min(...x.own), 0) / DASHBOARD_30.length,
        refreshPerQueryOwnMinMs: refresh.reduce((acc, x) => acc + Math.min(...x.own), 0) / DASHBOARD_30.length,
      })
    );
  } finally {
    teamServer.close();
    await fixture.stop();
  }
});
