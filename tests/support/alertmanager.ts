import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { startReadyProcess } from './readyProcess';

/**
 * Real Alertmanager 0.25 processes for tests (the Debian package prometheus-alertmanager:
 * /usr/bin/prometheus-alertmanager).
 *
 * Every process binds 127.0.0.1 on a free port, runs without clustering (no gossip port), gets its
 * own temporary config and storage directory and is stopped by `stop()`; it can never outlive the
 * test process (guardedProcess.ts).
 */

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartAlertmanagerOptions {
  /** alertmanager.yml text; a single receiver without integrations (nothing is ever sent) by default. */
  config?: string;
  /** How long to wait for /-/ready (ms). */
  readyTimeoutMs?: number;
}

/** Routes everything to a receiver with no integrations: alerts are kept, nothing leaves the process. */
export const SILENT_ALERTMANAGER_CONFIG = [
  'route:',
  '  receiver: blackhole',
  'receivers:',
  '  - name: blackhole',
  '',
].join('\n');

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts Alertmanager on a free 127.0.0.1 port and waits for /-/ready. `--cluster.listen-address=`
 * (empty) switches gossip off, so no second port is opened; a lost port race is retried.
 */
export async function startAlertmanager(opts: StartAlertmanagerOptions = {}): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alertmanager-'));
  const configFile = path.join(dir, 'alertmanager.yml');
  writeFileSync(configFile, opts.config ?? SILENT_ALERTMANAGER_CONFIG);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });

  return startReadyProcess({
    name: 'alertmanager',
    bin: ALERTMANAGER_BIN,
    args: (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    readyTimeoutMs: opts.readyTimeoutMs ?? READY_TIMEOUT_MS,
    cleanup,
    describe: `Alertmanager (${ALERTMANAGER_BIN}, config ${configFile})`,
    fix: 'Fix the config shown above.',
  });
}

/** One alert as POST /api/v2/alerts takes it (Alertmanager's OpenAPI `postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

/** Posts alerts straight to Alertmanager (not through a proxy); throws with its answer on failure. */
export async function postAlerts(url: string, alerts: PostableAlert[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(alerts),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    throw new Error(`posting alerts to ${url} failed: HTTP ${res.status} ${await res.text()}`);
  }
}

/** A silence matcher as Alertmanager's API v2 has it (`isEqual` absent means true). */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** Creates a silence straight in Alertmanager (an operator's, not through a proxy); returns its id. */
export async function createSilenceDirectly(url: string, matchers: SilenceMatcher[], comment: string): Promise<string> {
  const now = Date.now();
  const res = await fetch(`${url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      matchers,
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'operator',
      comment,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`creating a silence in ${url} failed: HTTP ${res.status} ${text}`);
  }
  return (JSON.parse(text) as { silenceID: string }).silenceID;
}

export const AMTOOL_BIN = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';

/** Runs amtool with `args`; rejects with its output when it exits non-zero (e.g. `check-config` of a broken file). */
export function runAmtool(
  args: string[],
  opts: { timeoutMs?: number } = {}
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(AMTOOL_BIN, args, { timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`amtool ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stdout}${stderr}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/** The compose stack's webhook sink (docker/alert-sink.mjs) as a local process. */
export interface RunningAlertSink {
  url: string;
  /** Notifications received so far, oldest first (the sink keeps the last 100). */
  received(): Promise<Array<{ path: string; payload: WebhookPayload }>>;
  stop(): Promise<void>;
}

/** What Alertmanager posts to a webhook receiver (the fields the tests read). */
export interface WebhookPayload {
  receiver: string;
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

const ALERT_SINK_SCRIPT = path.resolve(__dirname, '..', '..', 'docker', 'alert-sink.mjs');

/** Starts docker/alert-sink.mjs with this Node on a free 127.0.0.1 port and waits for /healthz. */
export async function startAlertSink(): Promise<RunningAlertSink> {
  const { url, stop } = await startReadyProcess({
    name: 'alert-sink',
    bin: process.execPath,
    args: (port) => [ALERT_SINK_SCRIPT, `--web.listen-address=127.0.0.1:${port}`],
    readyTimeoutMs: READY_TIMEOUT_MS,
    readyPath: '/healthz',
    cleanup: () => {},
    describe: `the alert sink (${ALERT_SINK_SCRIPT})`,
    fix: 'Check the script shown above.',
  });
  return {
    url,
    received: async () => {
      const res = await fetch(`${url}/received`, { signal: AbortSignal.timeout(5000) });
      return (await res.json()) as Array<{ path: string; payload: WebhookPayload }>;
    },
    stop,
  };
}
