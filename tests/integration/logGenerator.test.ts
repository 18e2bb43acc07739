/** @jest-environment node */
/**
 * docker/log-generator.mjs, the tenants' workloads of the compose stack, run as a real process with
 * each compose service's own arguments (only --out moved to a temp dir, plus --lines so it stops):
 * JSON lines with the fields the agents turn into labels, the other-tenant claims the agents must
 * overwrite, rotation that keeps the volume small, and refusal of arguments it does not know.
 */
import { execFile } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

import { compose, ROOT, services } from './composeFile';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'docker', 'log-generator.mjs');
const workloads = services.filter(([, s]) => (s.command ?? []).includes('/app/log-generator.mjs'));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'log-generator-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The compose service's generator arguments with --out in the temp dir. */
function argsOf(service: string): string[] {
  const command = compose.services[service].command ?? [];
  return command
    .slice(command.indexOf('/app/log-generator.mjs') + 1)
    .map((a) => (a.startsWith('--out=') ? `--out=${path.join(dir, 'app.log')}` : a));
}

const readLines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

const option = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? '';

it('finds the workloads of the compose stack', () => {
  expect(workloads.map(([name]) => name).sort()).toEqual(['logs-app-a', 'logs-app-b']);
});

it.each(workloads.map(([name]) => name))(
  '%s: JSON lines with level and app, one in ten claiming the other tenant, rotated past --max-bytes',
  async (service) => {
    const args = argsOf(service);
    const out = path.join(dir, 'app.log');
    await run(process.execPath, [SCRIPT, ...args, '--lines=300', '--interval-ms=1', '--max-bytes=30000'], {
      timeout: 30_000,
    });
    const rotated = readLines(`${out}.1`);
    const current = readLines(out);
    // One rotation at ~30 kB: every line is in one of the two files, none lost or torn.
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated.length + current.length).toBe(300);
    const entries = [...rotated, ...current].map((l) => JSON.parse(l) as Record<string, unknown>);
    const apps = option(args, 'apps').split(',');
    for (const e of entries) {
      expect(['debug', 'info', 'warn', 'error']).toContain(e.level);
      expect(apps).toContain(e.app);
      expect(typeof e.msg).toBe('string');
      expect(Number.isNaN(Date.parse(String(e.ts)))).toBe(false);
    }
    const claims = entries.filter((e) => 'tenant' in e);
    expect(claims.length).toBe(30);
    expect(new Set(claims.map((e) => e.tenant))).toEqual(new Set([option(args, 'claim-tenant')]));
  },
  60_000
);

it.each([['--level=debug'], ['--interval-ms=0'], ['--apps=']])('refuses %s with exit code 2', async (arg) => {
  await expect(
    run(process.execPath, [SCRIPT, `--out=${path.join(dir, 'app.log')}`, arg, '--lines=1'], { timeout: 10_000 })
  ).rejects.toMatchObject({ code: 2 });
  expect(existsSync(path.join(dir, 'app.log'))).toBe(false);
});
