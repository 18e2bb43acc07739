import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { startReadyProcess } from './readyProcess';

export { freePort } from './readyProcess';

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

function isAgentMode(args: readonly string[]): boolean {
  return args.some((a) => /^--enable-feature=.*\bagent\b/.test(a));
}

/**
 * Starts Prometheus (server mode, or agent mode when args contain `--enable-feature=agent`) on a
 * free 127.0.0.1 port and waits for /-/ready (readyProcess.ts: a lost port race is retried).
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

  return startReadyProcess({
    name: 'prometheus',
    bin: PROMETHEUS_BIN,
    args: (port) => [
      `--config.file=${configFile}`,
      `${storageFlag}=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...extraArgs,
    ],
    port: opts.port,
    readyTimeoutMs: opts.readyTimeoutMs ?? READY_TIMEOUT_MS,
    cleanup,
    describe: `Prometheus (${PROMETHEUS_BIN}, config ${configFile}, args ${extraArgs.join(' ') || 'none'})`,
    fix: 'Fix the config or flags shown above.',
  });
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

/** Waits until Prometheus at `url` reports at least `count` alerts (its rule files evaluated). */
export async function waitForAlerts(url: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: unknown[] } };
    if (body.data.alerts.length >= count) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `Prometheus at ${url} did not fire ${count} alerts within ${timeoutMs / 1000} s; check the rule file`
  );
}
