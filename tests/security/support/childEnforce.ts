/**
 * enforceQuery in a child process with a deadline: for attacks that may block the event loop
 * (catastrophic regex backtracking) or blow the stack. The child is killed by its own pid when the
 * deadline passes; `timedOut` then says so.
 */
import { spawn } from 'child_process';
import path from 'path';

export type ChildOutcome = { ok: string } | { error: string };

export interface ChildResult {
  timedOut: boolean;
  results: ChildOutcome[];
  stderr: string;
}

const ROOT = path.resolve(__dirname, '../../..');

export function enforceInChild(
  job: { label: string; values: string[]; errorOnReplace?: boolean; grafana?: boolean; exprs: string[] },
  deadlineMs: number,
  nodeArgs: string[] = []
): Promise<ChildResult> {
  return new Promise((resolve) => {
    // node itself with tsx's loader: one process, so killing it by pid leaves nothing behind.
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(__dirname, 'enforceChild.ts')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => undefined); // the child may be killed before reading everything
    child.stdin.end(JSON.stringify(job));
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.on('close', () => {
      clearTimeout(timer);
      const results = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as ChildOutcome);
      resolve({ timedOut, results, stderr: err });
    });
  });
}
