import { createHash } from 'crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

import { runPromtool, startPrometheus, type RunningPrometheus } from './prometheus';
import { FIXTURE_END, FIXTURE_START, renderOpenMetrics, type FixtureDataOptions } from './tenantFixtureData';

export * from './tenantFixtureData';

/**
 * Real Prometheus 2.42 over a TSDB built with promtool from fixed OpenMetrics (see
 * tenantFixtureData.ts for every series): tenants "a" and "b" with two clusters each, plus series
 * without a tenant label. Query it at `time` (instant) or over `start`..`end` (range) — the data is
 * in the past, so a query without an explicit time sees nothing.
 */
export interface TenantFixture extends RunningPrometheus {
  /** A good evaluation time (unix seconds): the last sample, with 1h of history behind it. */
  time: number;
  /** First and last sample time (unix seconds); samples every FIXTURE_STEP seconds. */
  start: number;
  end: number;
}

export type TenantFixtureOptions = FixtureDataOptions;

/**
 * Blocks are built once per data variant and kept under the OS temp dir keyed by the content hash,
 * so parallel jest workers and later runs reuse them; every Prometheus gets its own copy (it writes
 * a WAL and may compact its blocks).
 */
const CACHE_ROOT = path.join(os.tmpdir(), 'mtlabs-tenancy-fixture-blocks');
const building = new Map<string, Promise<string>>();

function hasBlocks(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((entry) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(entry));
}

async function buildBlocks(openMetrics: string, key: string): Promise<string> {
  const target = path.join(CACHE_ROOT, key);
  if (hasBlocks(target)) {
    return target;
  }
  mkdirSync(CACHE_ROOT, { recursive: true });
  const work = mkdtempSync(path.join(CACHE_ROOT, `.build-${key.slice(0, 8)}-`));
  try {
    const input = path.join(work, 'fixture.om');
    const output = path.join(work, 'blocks');
    writeFileSync(input, openMetrics);
    await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, output]);
    if (!hasBlocks(output)) {
      throw new Error(`promtool created no blocks in ${output} from ${input}; check the generated OpenMetrics.`);
    }
    try {
      renameSync(output, target);
    } catch (err) {
      // Another worker finished first: its blocks are identical (same content hash).
      if (!hasBlocks(target)) {
        throw err;
      }
    }
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The cached block directory for a data variant (built on first use). Within a process the options
 * are the key (rendering the text is the slow part); across processes the rendered text's hash is.
 */
export function fixtureBlocks(opts: TenantFixtureOptions = {}): Promise<string> {
  const optionsKey = JSON.stringify(opts);
  let pending = building.get(optionsKey);
  if (!pending) {
    const openMetrics = renderOpenMetrics(opts);
    const key = createHash('sha256').update(openMetrics).digest('hex').slice(0, 32);
    pending = buildBlocks(openMetrics, key);
    pending.catch(() => building.delete(optionsKey));
    building.set(optionsKey, pending);
  }
  return pending;
}

/**
 * Starts Prometheus over the fixture. Default: tenants a and b plus untenanted series;
 * `{ tenants: ['a'], untenanted: false }` gives the "tenant a alone" TSDB with identical values for a.
 */
export async function startTenantFixture(opts: TenantFixtureOptions = {}): Promise<TenantFixture> {
  const blocks = await fixtureBlocks(opts);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'prom-fixture-'));
  cpSync(blocks, dataDir, { recursive: true });
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({
      dataDir,
      // Retention counts back from the newest block, but make it explicit that nothing may be dropped.
      args: ['--storage.tsdb.retention.time=100y'],
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: prometheus.url,
    port: prometheus.port,
    time: FIXTURE_END,
    start: FIXTURE_START,
    end: FIXTURE_END,
    stop: () => prometheus.stop().finally(() => rmSync(dataDir, { recursive: true, force: true })),
  };
}
