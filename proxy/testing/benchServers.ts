/**
 * The servers the load benchmark (benchmarks/proxy.bench.ts) puts in front of Prometheus: the
 * proxy as its container runs it, and two references without any logic — a bare node:http
 * forwarder (the floor of a Node proxy) and nginx (what a lean native proxy reaches on the same
 * machine). Each runs in its own process group under tests/support/guardedProcess.ts, so none
 * outlives the benchmark.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { spawnGuarded, stopGuarded, type GuardedProcess } from '../../tests/support/guardedProcess';
import { freePort } from '../../tests/support/prometheus';

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;
/** Debian's nginx package; the nginx figure is skipped without it. */
export const NGINX_BINARY = '/usr/sbin/nginx';

export interface BenchServer {
  url: string;
  /** CPU seconds the server process(es) used so far. */
  cpuSeconds(): Promise<number>;
  residentBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** process_cpu_seconds_total from a Prometheus text exposition (the proxy's and Prometheus' own). */
export async function processCpuSeconds(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  const value = Number(line?.split(' ')[1]);
  if (!Number.isFinite(value)) {
    throw new Error(`${metricsUrl} has no process_cpu_seconds_total sample; the CPU figures need it`);
  }
  return value;
}

/** The proxy as the container runs it: one esbuild bundle (proxy/Dockerfile), under plain node. */
export async function startProxyProcess(upstream: string, flags: string[]): Promise<BenchServer> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'proxy-bench-')), 'proxy.cjs');
  await build({
    entryPoints: [path.join(ROOT, 'proxy', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return startNodeServer([outfile, ...flags], upstream, () =>
    rmSync(path.dirname(outfile), { recursive: true, force: true })
  );
}

/**
 * The floor for comparison: a node:http forwarder that only relays method, URL and body to the
 * upstream over a keep-alive agent and pipes the answer back (no enforcement, metrics, limits or
 * timeouts). It takes the proxy's listen flags and serves /healthz and /metrics (CPU only).
 */
const BARE_FORWARDER = `
const http = require('http');
const flag = (name) => process.argv.find((a) => a.startsWith('--' + name + '=')).split('=')[1];
const hostPort = (text) => { const i = text.lastIndexOf(':'); return [text.slice(0, i), Number(text.slice(i + 1))]; };
const upstream = new URL(flag('upstream'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
const [host, port] = hostPort(flag('insecure-listen-address'));
const [internalHost, internalPort] = hostPort(flag('internal-listen-address'));
http.createServer((req, res) => {
  const up = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, agent },
    (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
  up.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(up);
}).listen(port, host);
http.createServer((req, res) => {
  const used = process.cpuUsage();
  res.end(req.url === '/metrics' ? 'process_cpu_seconds_total ' + (used.user + used.system) / 1e6 + '\\n' : '{"ok":true}');
}).listen(internalPort, internalHost);
process.on('SIGTERM', () => process.exit(0));
`;

export function startBareForwarder(upstream: string): Promise<BenchServer> {
  return startNodeServer(['-e', BARE_FORWARDER, '--'], upstream, () => {});
}

/** A node process taking the proxy's listen flags, ready once its /healthz answers. */
async function startNodeServer(args: string[], upstream: string, cleanUp: () => void): Promise<BenchServer> {
  const [port, internalPort] = [await freePort(), await freePort()];
  const spawned = spawnGuarded('bench-node', process.execPath, [
    ...args,
    `--upstream=${upstream}`,
    `--insecure-listen-address=127.0.0.1:${port}`,
    `--internal-listen-address=127.0.0.1:${internalPort}`,
  ]);
  const internal = `http://127.0.0.1:${internalPort}`;
  const stop = () => stopGuarded(spawned, STOP_GRACE_MS).then(cleanUp);
  try {
    await waitUntilAnswering(spawned, `${internal}/healthz`, 'the proxy');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    cpuSeconds: () => processCpuSeconds(`${internal}/metrics`),
    async residentBytes() {
      const text = await (await fetch(`${internal}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
      return Number(line?.split(' ')[1] ?? NaN);
    },
    stop,
  };
}

/**
 * nginx as a zero-logic reverse proxy: one worker, keep-alive to the upstream, no access log, all
 * its files in a temp dir. A string (why) instead when the nginx binary is not installed.
 */
export async function startNginx(upstream: string): Promise<BenchServer | string> {
  if (!existsSync(NGINX_BINARY)) {
    return `${NGINX_BINARY} is not installed (Debian package nginx)`;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-bench-nginx-'));
  const port = await freePort();
  const up = new URL(upstream);
  // Directives: https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive (keep-alive
  // to the upstream needs HTTP/1.1 and an empty Connection header).
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream prometheus { server ${up.host}; keepalive 64; keepalive_requests 100000; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://prometheus;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`
  );
  // The master and its worker share the watchdog's process group: stopped, and counted, together.
  const spawned = spawnGuarded('bench-nginx', NGINX_BINARY, [
    '-p',
    dir,
    '-c',
    path.join(dir, 'nginx.conf'),
    '-e',
    path.join(dir, 'error.log'),
  ]);
  const stop = () => stopGuarded(spawned, STOP_GRACE_MS).then(() => rmSync(dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(spawned, `${url}/-/ready`, 'nginx');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    cpuSeconds: () => Promise.resolve(groupCpuSeconds(spawned.child.pid!)),
    residentBytes: () => Promise.resolve(NaN),
    stop,
  };
}

/** CPU seconds of a process group (nginx master and worker) from /proc. */
function groupCpuSeconds(pgid: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // Fields after "(comm) ": state=0, ppid=1, pgrp=2, ..., utime=11, stime=12.
      if (Number(stat[2]) === pgid) {
        ticks += Number(stat[11]) + Number(stat[12]);
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / ticksPerSecond;
}

async function waitUntilAnswering(spawned: GuardedProcess, url: string, what: string): Promise<void> {
  let exitCode: number | null | undefined;
  spawned.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${what} exited with ${exitCode} before it was ready:\n${spawned.logs.text()}`);
    }
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s:\n${spawned.logs.text()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
