import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ENFORCE_CLI = 'cli/enforce.ts';
export const READLINE_ORACLE = 'tests/cli/support/readlineEnforceCli.ts';
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Runs a CLI script with tsx (as `npm run -s enforce` does), stdin from `input`. */
export function runScript(script: string, args: string[], input: string | Buffer = ''): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [TSX, script, ...args], {
    cwd: ROOT,
    input,
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The enforce CLI as a child process whose stdin and stdout the test drives itself. */
export function startEnforce(args: string[]) {
  return spawn(process.execPath, [TSX, ENFORCE_CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}
