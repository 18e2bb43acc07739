/** @jest-environment node */
/**
 * The command line entry point as deployed (`npm run -s proxy -- ...` runs `tsx proxy/main.ts`):
 * bad flags exit 2 with the reason; SIGTERM lets an in-flight request finish, then exits 0.
 */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { freePort } from '../tests/support/prometheus';
import { startFakeUpstream, type FakeUpstream } from './testing/fakeUpstream';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, ['proxy/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.stop());

it('exits 2 naming the problem when the flags are wrong', async () => {
  const proc = run([
    '--upstream',
    upstream.url,
    '--label',
    'tenant',
    '--label-value',
    'a',
    '--header-name',
    'X-Tenant',
  ]);
  expect(await proc.exited).toBe(2);
  expect(proc.output()).toMatch(
    /name exactly one tenant source: --label-value, --header-name, --query-param, --tenant-tokens-file, --grafana-id-token/
  );
}, 30_000);

it('drains an in-flight request on SIGTERM, then exits 0', async () => {
  const [port, internalPort] = [await freePort(), await freePort()];
  upstream.respond((_req, res) => {
    setTimeout(() => res.end('drained'), 500).unref();
  });
  const proc = run([
    `--upstream=${upstream.url}`,
    `--insecure-listen-address=127.0.0.1:${port}`,
    `--internal-listen-address=127.0.0.1:${internalPort}`,
    '--label=tenant',
    '--label-value=a',
  ]);
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${internalPort}/healthz`).then(
        (r) => r.ok,
        () => false
      );
      if (ok) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`proxy did not start:\n${proc.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/query?query=up`).then(async (r) => [
      r.status,
      await r.text(),
    ]);
    await new Promise((r) => setTimeout(r, 150));
    proc.child.kill('SIGTERM');
    expect(await inFlight).toEqual([200, 'drained']);
    expect(await proc.exited).toBe(0);
    // The proxy also read the upstream's version at start (/api/v1/status/buildinfo).
    const query = upstream.requests.find((r) => r.path === '/api/v1/query');
    expect(query?.query.get('query')).toBe('up{tenant="a"}');
    expect(proc.output()).toMatch(/"msg":"shutting down, draining in-flight requests","signal":"SIGTERM"/);
  } finally {
    proc.child.kill('SIGKILL');
  }
}, 30_000);
