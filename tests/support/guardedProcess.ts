import { spawn, type ChildProcess } from 'child_process';

/**
 * Child processes that can never outlive the test or benchmark process: each runs in its own
 * process group under a tiny shell watchdog that kills it when our stdin pipe closes (which the
 * kernel does when the Node process dies for any reason, SIGKILL included), and an `exit` hook
 * kills whatever is left when Node exits normally.
 */

const LOG_TAIL_LINES = 30;

/**
 * Runs "$@" in the background and kills it when fd 3 (our stdin pipe) reaches EOF, i.e. when the
 * parent Node process is gone. POSIX sh points the stdin of background jobs at /dev/null, so stdin is
 * saved as fd 3 first.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" &',
  'child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM INT",
  '(cat >/dev/null <&3; kill -TERM $child 2>/dev/null) >/dev/null 2>&1 &',
  'watcher=$!',
  'exec 3<&-',
  'wait $child; status=$?',
  // wait returns early when the trap fires; wait again for the real exit status.
  'kill -0 $child 2>/dev/null && wait $child && status=$?',
  'kill $watcher 2>/dev/null',
  'exit $status',
].join('\n');

/** Process groups still running, killed on exit so nothing leaks when a test forgets stop(). */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Keeps the last lines a process printed, for error messages. */
export class LogTail {
  private lines: string[] = [];
  private partial = '';

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > LOG_TAIL_LINES) {
      this.lines.splice(0, this.lines.length - LOG_TAIL_LINES);
    }
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }
}

/** A process started by spawnGuarded, with the last lines it printed. */
export interface GuardedProcess {
  child: ChildProcess;
  logs: LogTail;
  exited: Promise<number | null>;
}

/**
 * Starts `bin args` in its own process group under the watchdog; `name` is the watchdog's $0, as
 * `ps` shows it.
 */
export function spawnGuarded(name: string, bin: string, args: string[]): GuardedProcess {
  installExitHook();
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, `${name}-watchdog`, bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group, so stopGuarded can signal the watchdog and the process together
  });
  const logs = new LogTail();
  child.stdout?.on('data', (c: Buffer) => logs.push(c));
  child.stderr?.on('data', (c: Buffer) => logs.push(c));
  // The stdin pipe is the lifeline; never let it keep the event loop alive.
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  if (child.pid !== undefined) {
    liveGroups.add(child.pid);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (child.pid !== undefined) {
        liveGroups.delete(child.pid);
      }
      child.stdin?.destroy();
      resolve(code);
    });
  });
  return { child, logs, exited };
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopGuarded(spawned: GuardedProcess, graceMs: number): Promise<void> {
  const pgid = spawned.child.pid;
  if (pgid === undefined || spawned.child.exitCode !== null || spawned.child.signalCode !== null) {
    return;
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // group already gone
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    spawned.exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    signal('SIGKILL');
    await spawned.exited;
  }
  // The watchdog's `cat` may still sit in the group for a moment; make sure nothing is left behind.
  signal('SIGKILL');
  liveGroups.delete(pgid);
}
