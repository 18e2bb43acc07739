/**
 * A real server process for tests (Prometheus, Alertmanager, the alert sink): started on a free
 * 127.0.0.1 port, waited for until its readiness path answers, and stopped by `stop()`; it can never outlive the test
 * process (guardedProcess.ts). The port is probed then handed over, so a lost race (another process
 * took it) is retried with a new port.
 */
import net from 'net';
import { spawnGuarded, stopGuarded, type GuardedProcess } from './guardedProcess';

export interface ReadyProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface ReadyProcessSpec {
  /** Short name for the guard and the logs, e.g. `prometheus`. */
  name: string;
  bin: string;
  /** The command line for a given port. */
  args(port: number): string[];
  /** A fixed port (no retry); a fresh free port per attempt when omitted. */
  port?: number;
  readyTimeoutMs: number;
  /** The path that answers 2xx once the server is ready (default `/-/ready`). */
  readyPath?: string;
  /** Removes the process's temporary files; called once the process is gone. */
  cleanup(): void;
  /** For the error when the process exits before it is ready: what was started, and what to fix. */
  describe: string;
  fix: string;
}

const STOP_GRACE_MS = 5_000;
const ATTEMPTS = 3;

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

async function waitReady(
  url: string,
  spawned: GuardedProcess,
  timeoutMs: number,
  readyPath: string
): Promise<'ready' | 'exited'> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  spawned.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      return 'exited';
    }
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        return 'ready';
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(
    `${url}${readyPath} was not ready after ${timeoutMs} ms; its last log lines:\n${spawned.logs.text()}\n` +
      'Fix the config or raise readyTimeoutMs.'
  );
}

export async function startReadyProcess(spec: ReadyProcessSpec): Promise<ReadyProcess> {
  const attempts = spec.port === undefined ? ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = spec.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const spawned = spawnGuarded(spec.name, spec.bin, spec.args(port));
    let outcome: 'ready' | 'exited';
    try {
      outcome = await waitReady(url, spawned, spec.readyTimeoutMs, spec.readyPath ?? '/-/ready');
    } catch (err) {
      await stopGuarded(spawned, STOP_GRACE_MS);
      spec.cleanup();
      throw err;
    }
    if (outcome === 'ready') {
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        stop: () => {
          stopped ??= stopGuarded(spawned, STOP_GRACE_MS).finally(spec.cleanup);
          return stopped;
        },
      };
    }
    const logs = spawned.logs.text();
    await stopGuarded(spawned, STOP_GRACE_MS);
    if (!/address already in use/.test(logs) || attempt === attempts) {
      spec.cleanup();
      throw new Error(`${spec.describe} exited before becoming ready; its last log lines:\n${logs}\n${spec.fix}`);
    }
  }
  throw new Error('unreachable');
}
