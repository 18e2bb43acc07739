import { createHash } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * In-process stand-ins for the exporters the compose stack runs (node-exporter, cAdvisor), which are
 * not installed here. The agents scrape them at the addresses the tests map the compose targets to.
 */

export interface StandInExporter {
  /** `127.0.0.1:<port>`, to map a compose target such as `cadvisor:8080` to. */
  address: string;
  close(): Promise<void>;
}

/** Serves `render()` (Prometheus text format 0.0.4) at /metrics on a free 127.0.0.1 port. */
export async function startStandInExporter(render: () => string): Promise<StandInExporter> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? render() : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Docker containers of the compose stack as cAdvisor reports them. */
export const CADVISOR_CONTAINERS: ReadonlyArray<{ name: string; image: string; cpuShare: number; memory: number }> = [
  { name: 'mtlabs-tenancy-central-1', image: 'prom/prometheus:v2.42.0', cpuShare: 0.05, memory: 180 * 2 ** 20 },
  { name: 'mtlabs-tenancy-grafana-1', image: 'grafana/grafana:12.4.10', cpuShare: 0.02, memory: 120 * 2 ** 20 },
  { name: 'mtlabs-tenancy-cadvisor-1', image: 'ghcr.io/google/cadvisor:v0.60.5', cpuShare: 0.01, memory: 40 * 2 ** 20 },
];

/** The cgroup id cAdvisor reports for a Docker container under systemd's cgroup v2 driver. */
export function cadvisorContainerId(name: string): string {
  return `/system.slice/docker-${createHash('sha256').update(name).digest('hex')}.scope`;
}

/**
 * What cAdvisor (run as in docker-compose.yaml: --docker_only, --enable_metrics=cpu,memory,
 * --store_container_labels=false) exposes for the two metrics the dashboards read. Facts from
 * cadvisor metrics/prometheus.go: container labels are only `id` (cgroup), `name` (first alias) and
 * `image`, missing ones exported empty; `container_cpu_usage_seconds_total` carries `cpu="total"`
 * without per-CPU stats; every sample has the stats' timestamp. With --docker_only the root cgroup
 * `/` is still reported (no name): the aggregate the dashboards exclude with `container!=""`.
 * There is no `container` label: the agents' cadvisor job derives it from `name`.
 */
export function cadvisorExposition(nowMs: number = Date.now()): string {
  const t = nowMs / 1000;
  const ts = Math.floor(nowMs);
  const rows = [
    { id: '/', name: '', image: '', cpuShare: 0.3, memory: 2 * 2 ** 30 },
    ...CADVISOR_CONTAINERS.map((c) => ({ ...c, id: cadvisorContainerId(c.name) })),
  ];
  const labels = (r: (typeof rows)[number]) => `id="${r.id}",image="${r.image}",name="${r.name}"`;
  return [
    '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...rows.map(
      (r) => `container_cpu_usage_seconds_total{cpu="total",${labels(r)}} ${(t * r.cpuShare).toFixed(3)} ${ts}`
    ),
    '# HELP container_memory_working_set_bytes Current working set in bytes.',
    '# TYPE container_memory_working_set_bytes gauge',
    ...rows.map(
      (r) => `container_memory_working_set_bytes{${labels(r)}} ${r.memory + Math.round(1e6 * Math.sin(t))} ${ts}`
    ),
    '',
  ].join('\n');
}
