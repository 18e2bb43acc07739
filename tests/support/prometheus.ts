import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { spawnGuarded, stopGuarded, type GuardedProcess } from './guardedProcess';

/**
 * Real Prometheus 2.42 processes for tests (the Debian package: /usr/bin/prometheus, /usr/bin/promtool).
 *
 * Every process binds 127.0.0.1 on a free port, gets its own temporary storage directory and is
 * stopped by `stop()`; it can never outlive the test process (guardedProcess.ts).
 */

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

export interface RunningPrometheus {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** Prometheus config file; an empty config (no scrapes) when omitted. */
  configFile?: string;
  /** Extra flags, e.g. `--enable-feature=agent` or `--web.enable-remote-write-receiver`. */
  args?: string[];
  /** Storage directory; a fresh temporary directory (removed by stop()) when omitted. */
  dataDir?: string;
  /**
   * Listen on this 127.0.0.1 port (from freePort()) instead of a fresh one — for configs that must
   * name the process' own address before it starts (an agent scraping itself).
   */
  port?: number;
  /** How long to wait for /-/ready (ms). */
  readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAgentMode(args: readonly string[]): boolean {
  return args.some((a) => /^--enable-feature=.*\bagent\b/.test(a));
}

async function waitReady(url: string, spawned: GuardedProcess, timeoutMs: number): Promise<'ready' | 'exited'> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  spawned.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      return 'exited';
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        return 'ready';
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(
    `Prometheus at ${url} was not ready after ${timeoutMs} ms; its last log lines:\n${spawned.logs.text()}\n` +
      'Fix the config or raise readyTimeoutMs.'
  );
}

/**
 * Starts Prometheus (server mode, or agent mode when args contain `--enable-feature=agent`) on a
 * free 127.0.0.1 port and waits for /-/ready. The port is probed then handed over, so a lost race
 * (another process took it) is retried with a new port.
 */
export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const extraArgs = opts.args ?? [];
  const ownDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'prom-data-'));
  let configFile = opts.configFile;
  let ownConfigDir: string | undefined;
  if (!configFile) {
    ownConfigDir = mkdtempSync(path.join(os.tmpdir(), 'prom-config-'));
    configFile = path.join(ownConfigDir, 'prometheus.yml');
    writeFileSync(configFile, 'global: {}\n');
  }
  const cleanup = () => {
    if (ownDataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (ownConfigDir) {
      rmSync(ownConfigDir, { recursive: true, force: true });
    }
  };
  // Agent mode rejects the server's storage flags and vice versa (cmd/prometheus/main.go, serverOnlyFlags).
  const storageFlag = isAgentMode(extraArgs) ? '--storage.agent.path' : '--storage.tsdb.path';

  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const spawned = spawnGuarded('prometheus', PROMETHEUS_BIN, [
      `--config.file=${configFile}`,
      `${storageFlag}=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...extraArgs,
    ]);
    let outcome: 'ready' | 'exited';
    try {
      outcome = await waitReady(url, spawned, opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
    } catch (err) {
      await stopGuarded(spawned, STOP_GRACE_MS);
      cleanup();
      throw err;
    }
    if (outcome === 'ready') {
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        stop: () => {
          stopped ??= stopGuarded(spawned, STOP_GRACE_MS).finally(cleanup);
          return stopped;
        },
      };
    }
    const logs = spawned.logs.text();
    await stopGuarded(spawned, STOP_GRACE_MS);
    if (!/address already in use/.test(logs) || attempt === attempts) {
      cleanup();
      throw new Error(
        `Prometheus (${PROMETHEUS_BIN}, config ${configFile}, args ${extraArgs.join(' ') || 'none'}) exited before ` +
          `becoming ready; its last log lines:\n${logs}\nFix the config or flags shown above.`
      );
    }
  }
  throw new Error('unreachable');
}

export interface PromtoolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs promtool with `args`; rejects with its output when it exits non-zero (e.g. `check config` of
 * a broken file), so callers see why.
 */
export function runPromtool(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      PROMTOOL_BIN,
      args,
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`promtool ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stdout}${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      }
    );
  });
}

/** Prometheus HTTP API response envelope (https://prometheus.io/docs/prometheus/latest/querying/api/). */
export interface PromApiResponse<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** GET `${url}${apiPath}` with query params; returns the parsed envelope (errors included) and HTTP status. */
export async function promApi<T = unknown>(
  url: string,
  apiPath: string,
  params: Record<string, string | string[]> = {}
): Promise<{ httpStatus: number; body: PromApiResponse<T> }> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      search.append(key, v);
    }
  }
  const res = await fetch(`${url}${apiPath}?${search.toString()}`, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  try {
    return { httpStatus: res.status, body: JSON.parse(text) as PromApiResponse<T> };
  } catch {
    throw new Error(`${url}${apiPath} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 300)}`);
  }
}
