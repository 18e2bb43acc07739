/**
 * The fixed data behind `startTenantFixture()`: which series exist (label sets), and their values.
 *
 * Everything is deterministic: a series' values depend only on its label set (and the optional
 * reseed), so tenant "a"'s series are identical in a mixed-tenant TSDB and in an "a only" TSDB —
 * the differential test relies on that.
 *
 * Series per tenant and cluster (FIXTURE_CLUSTERS), every one carrying `tenant` and `cluster`:
 * - `up`, `scrape_samples_scraped`, `scrape_samples_post_metric_relabeling`, `scrape_series_added`,
 *   `scrape_duration_seconds` for the targets `{job="prometheus-agent", instance="agent:9090"}`,
 *   `{job="node", instance="node-1:9100"|"node-2:9100"}`, `{job="cadvisor", instance="cadvisor:8080"}`
 *   and `{job="api", instance="api:8080"}`. `up` is 1 except node-2 of the second cluster (0: a down target).
 * - Agent self-metrics on `{job="prometheus-agent", instance="agent:9090"}`: REMOTE_STORAGE_METRICS
 *   (the ones with queue labels carry `remote_name="central", url="http://central:9090/api/v1/write"`),
 *   `prometheus_agent_active_series`, `prometheus_build_info{version="2.42.0"}`.
 * - node exporter on job "node", both instances: `node_cpu_seconds_total{cpu="0"|"1", mode=CPU_MODES}`,
 *   `node_memory_MemAvailable_bytes`, `node_memory_MemTotal_bytes`, `node_load1`,
 *   `node_network_receive_bytes_total{device="eth0"}`, `node_network_transmit_bytes_total{device="eth0"}`,
 *   `node_filesystem_avail_bytes` / `node_filesystem_size_bytes{device="/dev/sda1", mountpoint="/", fstype="ext4"}`.
 * - cAdvisor on job "cadvisor": `container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`
 *   for `{namespace, pod, container}` in CONTAINERS.
 * - An API on job "api": `http_requests_total{handler="/api/items"|"/api/users", method="GET", code="200"|"500"}`,
 *   `http_request_duration_seconds_bucket{handler, le=HISTOGRAM_BUCKETS}` with `_sum` and `_count`.
 * Series WITHOUT a tenant label (what the central Prometheus scrapes for itself — never any tenant's):
 * `up`, scrape_* and `prometheus_tsdb_head_series` on `{job="prometheus", instance="central:9090"}`,
 * and node-exporter series (`node_cpu_seconds_total`, memory, network) on
 * `{job="node", instance="central-node:9100"}` with no cluster label either.
 *
 * Variants (FixtureDataOptions): `tenants: ['a'], untenanted: false` is the "tenant a alone" TSDB;
 * `reseed` changes every value except one tenant's; `extra` adds metrics (e.g. from PromQL, see
 * tenantFixtureCorpus.ts) for every tenant/cluster; `step` thins the samples.
 */

import { matcherMatches, type LabelMatcher } from '../../src/promql/matchers';

export const FIXTURE_CLUSTERS: Readonly<Record<string, readonly string[]>> = {
  a: ['a-1', 'a-2'],
  b: ['b-1', 'b-2'],
};
export const FIXTURE_TENANTS: readonly string[] = Object.keys(FIXTURE_CLUSTERS);

/** 2024-01-01T00:00:00Z; one hour of samples every 15 s. Fixed so results are reproducible. */
export const FIXTURE_START = 1_704_067_200;
export const FIXTURE_END = FIXTURE_START + 3600;
export const FIXTURE_STEP = 15;

export const CPU_MODES = ['idle', 'user', 'system', 'iowait'] as const;
export const HISTOGRAM_BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'] as const;
export const CONTAINERS = [
  { namespace: 'default', pod: 'web-0', container: 'web' },
  { namespace: 'default', pod: 'web-1', container: 'web' },
  { namespace: 'monitoring', pod: 'agent-0', container: 'prometheus' },
] as const;
export const REMOTE_WRITE_QUEUE = { remote_name: 'central', url: 'http://central:9090/api/v1/write' } as const;

export type Labels = Readonly<Record<string, string>>;
type ValueKind = 'counter' | 'gauge' | 'constant';

export interface FixtureSeries {
  name: string;
  labels: Labels;
  kind: ValueKind;
  /** Counters: increase per second. Gauges: mean value. Constants: the value. */
  scale: number;
  /** When set, the value at unix time t (used for "timestamp" gauges). */
  valueAt?: (t: number) => number;
  /** Skip the per-series random factor (histogram buckets must stay cumulative). */
  exact?: boolean;
}

/** Agent remote-write metrics: [name, kind, scale, carries queue labels]. */
const REMOTE_STORAGE_METRICS: ReadonlyArray<[string, ValueKind, number, boolean]> = [
  ['prometheus_remote_storage_samples_total', 'counter', 120, true],
  ['prometheus_remote_storage_samples_failed_total', 'counter', 0.2, true],
  ['prometheus_remote_storage_samples_retried_total', 'counter', 0.5, true],
  ['prometheus_remote_storage_samples_dropped_total', 'counter', 0.1, true],
  ['prometheus_remote_storage_samples_pending', 'gauge', 40, true],
  ['prometheus_remote_storage_samples_in_total', 'counter', 121, false],
  ['prometheus_remote_storage_bytes_total', 'counter', 9000, true],
  ['prometheus_remote_storage_shards', 'gauge', 2, true],
  ['prometheus_remote_storage_shards_desired', 'gauge', 2, true],
  ['prometheus_remote_storage_shards_max', 'constant', 200, true],
  ['prometheus_remote_storage_shards_min', 'constant', 1, true],
  ['prometheus_remote_storage_shard_capacity', 'constant', 2500, true],
];
export const REMOTE_STORAGE_METRIC_NAMES: readonly string[] = [
  ...REMOTE_STORAGE_METRICS.map(([name]) => name),
  'prometheus_remote_storage_highest_timestamp_in_seconds',
  'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
];

interface Target {
  job: string;
  instance: string;
}

function scrapeSeries(base: Labels, target: Target, up: number): FixtureSeries[] {
  const labels = { ...base, job: target.job, instance: target.instance };
  return [
    { name: 'up', labels, kind: 'constant', scale: up },
    { name: 'scrape_samples_scraped', labels, kind: 'gauge', scale: up * 800 },
    { name: 'scrape_samples_post_metric_relabeling', labels, kind: 'gauge', scale: up * 780 },
    { name: 'scrape_series_added', labels, kind: 'gauge', scale: up * 3 },
    { name: 'scrape_duration_seconds', labels, kind: 'gauge', scale: 0.02 },
  ];
}

function nodeSeries(base: Labels, instance: string): FixtureSeries[] {
  const labels = { ...base, job: 'node', instance };
  const cpu = ['0', '1'].flatMap((c) =>
    CPU_MODES.map((mode): FixtureSeries => ({
      name: 'node_cpu_seconds_total',
      labels: { ...labels, cpu: c, mode },
      kind: 'counter',
      scale: mode === 'idle' ? 0.7 : 0.1,
    }))
  );
  const fs = { ...labels, device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
  return [
    ...cpu,
    { name: 'node_memory_MemTotal_bytes', labels, kind: 'constant', scale: 8 * 2 ** 30 },
    { name: 'node_memory_MemAvailable_bytes', labels, kind: 'gauge', scale: 3 * 2 ** 30 },
    { name: 'node_load1', labels, kind: 'gauge', scale: 0.8 },
    { name: 'node_network_receive_bytes_total', labels: { ...labels, device: 'eth0' }, kind: 'counter', scale: 50_000 },
    {
      name: 'node_network_transmit_bytes_total',
      labels: { ...labels, device: 'eth0' },
      kind: 'counter',
      scale: 20_000,
    },
    { name: 'node_filesystem_size_bytes', labels: fs, kind: 'constant', scale: 100 * 2 ** 30 },
    { name: 'node_filesystem_avail_bytes', labels: fs, kind: 'gauge', scale: 40 * 2 ** 30 },
  ];
}

function tenantClusterSeries(tenant: string, cluster: string, clusterIndex: number): FixtureSeries[] {
  const base = { tenant, cluster };
  const agent = { ...base, job: 'prometheus-agent', instance: 'agent:9090' };
  const queue = { ...agent, ...REMOTE_WRITE_QUEUE };
  const series: FixtureSeries[] = [
    ...scrapeSeries(base, { job: 'prometheus-agent', instance: 'agent:9090' }, 1),
    ...scrapeSeries(base, { job: 'node', instance: 'node-1:9100' }, 1),
    ...scrapeSeries(base, { job: 'node', instance: 'node-2:9100' }, clusterIndex === 0 ? 1 : 0),
    ...scrapeSeries(base, { job: 'cadvisor', instance: 'cadvisor:8080' }, 1),
    ...scrapeSeries(base, { job: 'api', instance: 'api:8080' }, 1),
    ...REMOTE_STORAGE_METRICS.map(([name, kind, scale, queued]): FixtureSeries => ({
      name,
      labels: queued ? queue : agent,
      kind,
      scale,
    })),
    // Timestamps: the newest sample appended, and the newest one sent (lagging by a few seconds).
    {
      name: 'prometheus_remote_storage_highest_timestamp_in_seconds',
      labels: agent,
      kind: 'gauge',
      scale: 0,
      valueAt: (t) => t,
    },
    {
      name: 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
      labels: queue,
      kind: 'gauge',
      scale: 0,
      valueAt: (t) => t - 3 - clusterIndex,
    },
    { name: 'prometheus_agent_active_series', labels: agent, kind: 'gauge', scale: 2500 },
    { name: 'prometheus_build_info', labels: { ...agent, version: '2.42.0' }, kind: 'constant', scale: 1 },
    ...nodeSeries(base, 'node-1:9100'),
    ...nodeSeries(base, 'node-2:9100'),
  ];
  for (const c of CONTAINERS) {
    const labels = { ...base, job: 'cadvisor', instance: 'cadvisor:8080', ...c };
    series.push(
      { name: 'container_cpu_usage_seconds_total', labels, kind: 'counter', scale: 0.25 },
      { name: 'container_memory_working_set_bytes', labels, kind: 'gauge', scale: 300 * 2 ** 20 }
    );
  }
  const api = { ...base, job: 'api', instance: 'api:8080' };
  for (const handler of ['/api/items', '/api/users']) {
    for (const code of ['200', '500']) {
      series.push({
        name: 'http_requests_total',
        labels: { ...api, handler, method: 'GET', code },
        kind: 'counter',
        scale: code === '200' ? 10 : 0.3,
      });
    }
    HISTOGRAM_BUCKETS.forEach((le, i) =>
      series.push({
        name: 'http_request_duration_seconds_bucket',
        labels: { ...api, handler, le },
        kind: 'counter',
        // Cumulative buckets: each one at least as large as the previous; +Inf equals _count.
        scale: 10 * Math.min(1, (i + 1) / (HISTOGRAM_BUCKETS.length - 1)),
        exact: true,
      })
    );
    series.push(
      { name: 'http_request_duration_seconds_sum', labels: { ...api, handler }, kind: 'counter', scale: 2.5 },
      {
        name: 'http_request_duration_seconds_count',
        labels: { ...api, handler },
        kind: 'counter',
        scale: 10,
        exact: true,
      }
    );
  }
  return series;
}

function untenantedSeries(): FixtureSeries[] {
  const central = { job: 'prometheus', instance: 'central:9090' };
  const node = nodeSeries({}, 'central-node:9100').filter((s) => !s.name.startsWith('node_filesystem'));
  return [
    ...scrapeSeries({}, central, 1),
    ...scrapeSeries({}, { job: 'node', instance: 'central-node:9100' }, 1),
    { name: 'prometheus_tsdb_head_series', labels: central, kind: 'gauge', scale: 12_000 },
    ...node,
  ];
}

/**
 * An extra metric to generate for every tenant/cluster (labels + tenant + cluster) and, with
 * `untenanted`, once without tenant and cluster; without an `instance` label it gets one per cluster. Counter or gauge by its name (`*_total`, `*_count`,
 * `*_sum`, `*_bucket` are counters). See tenantFixtureCorpus.ts, which derives them from PromQL.
 */
export interface ExtraMetric {
  name: string;
  labels: Labels;
}

function extraSeries(extra: ExtraMetric, base: Labels): FixtureSeries {
  const counter = /_(total|count|sum|bucket)$/.test(extra.name);
  const bucket = extra.name.endsWith('_bucket') && extra.labels.le !== undefined;
  const le = bucket ? Number(extra.labels.le) : 0;
  // A default instance per cluster, so `on(instance)` joins stay one-to-one within a tenant.
  const instance = extra.labels.instance ?? `${base.cluster ?? 'central'}-host:9100`;
  return {
    name: extra.name,
    labels: { ...extra.labels, instance, ...base },
    kind: extra.name.endsWith('_info') ? 'constant' : counter ? 'counter' : 'gauge',
    // Buckets stay cumulative: the rate grows with `le` and is the same for every bucket set.
    scale: bucket ? (Number.isFinite(le) ? Math.min(10, 2 + 4 * Math.log10(1 + le)) : 10) : 1,
    exact: bucket,
  };
}

export interface FixtureDataOptions {
  /** Extra metrics (label sets without tenant/cluster) to generate besides the built-in series. */
  extra?: readonly ExtraMetric[];
  /** Seconds between samples (default FIXTURE_STEP); larger keeps big `extra` sets quick to build. */
  step?: number;
  /** Tenants to include (default: all of FIXTURE_TENANTS). */
  tenants?: readonly string[];
  /** Include the series without a tenant label (default: true). */
  untenanted?: boolean;
  /**
   * Change the values of every series that does not belong to `keepTenant` (other tenants and
   * untenanted series), keeping `keepTenant`'s values bit-identical. For "the answer must not depend
   * on other tenants' values" tests.
   */
  reseed?: { keepTenant: string; seed: number };
  /**
   * Keep only the series a label policy allows: rules of label matchers, AND inside a rule, OR
   * across rules (src/policy). For "the original query over only the allowed series" TSDBs.
   */
  allow?: ReadonlyArray<readonly LabelMatcher[]>;
}

/** All series of the fixture for the given options, in a stable order. */
export function fixtureSeries(opts: FixtureDataOptions = {}): FixtureSeries[] {
  const tenants = opts.tenants ?? FIXTURE_TENANTS;
  for (const t of tenants) {
    if (!FIXTURE_CLUSTERS[t]) {
      throw new Error(`Unknown fixture tenant "${t}"; use one of ${FIXTURE_TENANTS.join(', ')}.`);
    }
  }
  const extra = opts.extra ?? [];
  const series = tenants.flatMap((tenant) =>
    FIXTURE_CLUSTERS[tenant].flatMap((cluster, i) => [
      ...tenantClusterSeries(tenant, cluster, i),
      ...extra.map((m) => extraSeries(m, { tenant, cluster })),
    ])
  );
  const all =
    opts.untenanted === false ? series : [...series, ...untenantedSeries(), ...extra.map((m) => extraSeries(m, {}))];
  // An extra metric may repeat a built-in series (or another extra): keep the first of each.
  const seen = new Set<string>();
  const allow = opts.allow;
  return all.filter((s) => {
    const key = labelsKey(s.name, s.labels);
    if (allow && !allow.some((rule) => rule.every((m) => matcherMatches(m, s.labels[m.name] ?? '')))) {
      return false;
    }
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** FNV-1a, 32 bit: a stable per-series number to derive values from. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function labelsKey(name: string, labels: Labels): string {
  const inner = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${name}{${inner}}`;
}

/** Round to 3 decimals so the text stays short and the values exact in both TSDBs. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The value of `s` at unix time `t` (seconds); `seed` varies the values of reseeded series. */
export function seriesValue(s: FixtureSeries, t: number, seed = 0): number {
  if (s.valueAt) {
    return s.valueAt(t);
  }
  const h = hash(labelsKey(s.name, s.labels) + (seed ? `#${seed}` : ''));
  // Per series 0.5 .. 1.5; exact series keep their ratios (a reseed scales them all alike).
  const factor = s.exact ? 1 + (seed % 5) / 10 : 0.5 + (h % 1000) / 1000;
  const elapsed = t - FIXTURE_START;
  switch (s.kind) {
    case 'constant':
      return s.scale;
    case 'counter':
      return round(s.scale * factor * (1000 + elapsed));
    case 'gauge': {
      const phase = (h % 360) * (Math.PI / 180);
      return round(s.scale * factor * (1 + 0.2 * Math.sin(phase + elapsed / 600)));
    }
  }
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The fixture as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: samples of one
 * metric name stay together (OpenMetrics wants a family's samples contiguous), timestamps in seconds,
 * no TYPE lines (every family "unknown", so names like `*_total` need no counter family), `# EOF` last.
 */
export function renderOpenMetrics(opts: FixtureDataOptions = {}): string {
  const series = fixtureSeries(opts);
  const step = opts.step ?? FIXTURE_STEP;
  if (!(step > 0 && 3600 % step === 0)) {
    throw new Error(`Fixture step ${step} must be a positive divisor of 3600 seconds (e.g. 15, 30, 60).`);
  }
  const byName = new Map<string, FixtureSeries[]>();
  for (const s of series) {
    byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  }
  const out: string[] = [];
  for (const [name, members] of byName) {
    for (const s of members) {
      const seed = opts.reseed && s.labels.tenant !== opts.reseed.keepTenant ? opts.reseed.seed : 0;
      const labelText = Object.keys(s.labels)
        .sort()
        .map((k) => `${k}="${escapeLabelValue(s.labels[k])}"`)
        .join(',');
      const prefix = `${name}{${labelText}} `;
      for (let t = FIXTURE_START; t <= FIXTURE_END; t += step) {
        out.push(`${prefix}${seriesValue(s, t, seed)} ${t}`);
      }
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}
