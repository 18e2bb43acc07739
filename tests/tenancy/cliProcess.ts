/** Runs the GitOps CLI as a real process (tsx), the way CI jobs run it. */
import { execFile } from 'child_process';
import path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  // The caller's GRAFANA_* never leak in: each test says exactly which credentials it gives.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GRAFANA_')));
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'src', 'tenancy', 'cli.ts'), ...args],
      { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    );
  });
}
