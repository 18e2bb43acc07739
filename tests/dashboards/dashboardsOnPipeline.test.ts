/** @jest-environment node */
import { createEnforcer, enforceQuery } from '../../src/promql';
import { cadvisorExposition, startStandInExporter, type StandInExporter } from '../integration/exporterStandIns';
import { loadPrometheusConfig, rewriteForTest, writeTempConfigs } from '../integration/prometheusConfigs';
import { freePort, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { contextFor, type Selection } from './support/context';
import { dashboardQueries, loadDashboards, type DashboardQuery } from './support/dashboards';
import { interpolate } from './support/interpolate';
import { agentJobs, fixtureJobsByMetric, SCRAPE_SYNTHETIC } from './support/pipelineMetrics';
import { instantQuery, rangeQuery, type Series } from './support/prometheusApi';
import { parsePromQL } from './support/promqlTree';

/**
 * The bundled dashboards on the live pipeline: real Prometheus 2.42 agents of tenants a and b
 * (provisioning/prometheus/agent-{a,b}.yml, agent mode, self-scrape + "node" and "cadvisor" jobs
 * against in-process stand-ins) remote-writing to a real central Prometheus (central.yml). The agents' own metrics (up, scrape_*,
 * prometheus_remote_storage_*, prometheus_agent_active_series) are what Prometheus 2.42 really
 * exposes, so this checks names, labels and the lag join against the real thing, not the fixture.
 * Every query the agents' jobs can answer, enforced for viewer a, returns data and nothing of b.
 */

jest.setTimeout(120_000);

const SCRAPE_SECONDS = 1;
const TEST_SPEED = { scrapeInterval: `${SCRAPE_SECONDS}s`, batchSendDeadline: '500ms' };
const VIEWER_A = createEnforcer({ label: 'tenant', values: ['a'] });
const RANGE = { rangeSeconds: 20, intervalSeconds: 2, scrapeIntervalSeconds: SCRAPE_SECONDS };

/**
 * Stands in for node-exporter at the agents' `node-exporter:9100` target (node-exporter itself is
 * not installed here): the series the resource overview reads, with node-exporter's names and
 * labels, counters growing with time.
 */
function nodeExposition(): string {
  const t = Date.now() / 1000;
  const lines: string[] = ['# TYPE node_cpu_seconds_total counter'];
  for (const cpu of ['0', '1']) {
    for (const [mode, share] of [
      ['idle', 0.7],
      ['user', 0.2],
      ['system', 0.1],
    ] as const) {
      lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(t * share).toFixed(3)}`);
    }
  }
  lines.push(
    '# TYPE node_memory_MemTotal_bytes gauge',
    'node_memory_MemTotal_bytes 8589934592',
    '# TYPE node_memory_MemAvailable_bytes gauge',
    `node_memory_MemAvailable_bytes ${3221225472 + Math.round(1e6 * Math.sin(t))}`,
    '# TYPE node_network_receive_bytes_total counter',
    `node_network_receive_bytes_total{device="eth0"} ${Math.round(t * 5e4)}`,
    `node_network_receive_bytes_total{device="lo"} ${Math.round(t * 1e3)}`,
    '# TYPE node_network_transmit_bytes_total counter',
    `node_network_transmit_bytes_total{device="eth0"} ${Math.round(t * 2e4)}`,
    `node_network_transmit_bytes_total{device="lo"} ${Math.round(t * 1e3)}`,
    ''
  );
  return lines.join('\n');
}

const dashboards = loadDashboards('prometheus').map((d) => d.json);
const byUid = new Map(dashboards.map((d) => [d.uid, d]));
const jobsByMetric = fixtureJobsByMetric();
const scrapedJobs = agentJobs();

function text(q: DashboardQuery, selection: Selection): string {
  return interpolate(q.expr, contextFor(byUid.get(q.dashboard)!, selection, { tenant: ['a'] }, RANGE));
}

/** True when every metric of the query comes from a job the agents scrape. */
function answerableByAgents(q: DashboardQuery): boolean {
  return parsePromQL(text(q, { tenant: ['a'] })).selectors.every(
    (s) => SCRAPE_SYNTHETIC.has(s.metric!) || [...(jobsByMetric.get(s.metric!) ?? [])].some((j) => scrapedJobs.has(j))
  );
}

const panelQueries = dashboards.flatMap((d) => dashboardQueries(d)).filter((q) => q.kind === 'panel');
const answerable = panelQueries.filter(answerableByAgents);

let running: RunningPrometheus[] = [];
let central: RunningPrometheus;
let nodeExporter: StandInExporter | undefined;
/** cAdvisor as run in docker-compose.yaml (tests/integration/exporterStandIns.ts): no `container` label of its own. */
let cadvisor: StandInExporter | undefined;
let removeConfigs = () => {};

async function evaluate(q: DashboardQuery, promql: string): Promise<Series[]> {
  const now = Math.floor(Date.now() / 1000);
  return q.instant
    ? instantQuery(central.url, promql, now)
    : rangeQuery(central.url, promql, now - RANGE.rangeSeconds, now, RANGE.intervalSeconds);
}

beforeAll(async () => {
  nodeExporter = await startStandInExporter(nodeExposition);
  cadvisor = await startStandInExporter(() => cadvisorExposition());
  const [centralPort, agentAPort, agentBPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const addr = (port: number) => `127.0.0.1:${port}`;
  const agentHosts = (self: number) => ({
    'localhost:9090': addr(self),
    'node-exporter:9100': nodeExporter!.address,
    'cadvisor:8080': cadvisor!.address,
    'central:9090': addr(centralPort),
  });
  const configs = writeTempConfigs({
    'central.yml': rewriteForTest(loadPrometheusConfig('central.yml'), {
      hosts: { 'localhost:9090': addr(centralPort) },
      ...TEST_SPEED,
    }),
    'agent-a.yml': rewriteForTest(loadPrometheusConfig('agent-a.yml'), {
      hosts: agentHosts(agentAPort),
      ...TEST_SPEED,
    }),
    'agent-b.yml': rewriteForTest(loadPrometheusConfig('agent-b.yml'), {
      hosts: agentHosts(agentBPort),
      ...TEST_SPEED,
    }),
  });
  removeConfigs = configs.remove;
  const started = await Promise.allSettled([
    startPrometheus({
      configFile: configs.paths['central.yml'],
      port: centralPort,
      args: ['--web.enable-remote-write-receiver'],
    }),
    startPrometheus({ configFile: configs.paths['agent-a.yml'], port: agentAPort, args: ['--enable-feature=agent'] }),
    startPrometheus({ configFile: configs.paths['agent-b.yml'], port: agentBPort, args: ['--enable-feature=agent'] }),
  ]);
  running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
  central = running[0];
  // Wait until every answerable query has data (rates need a few scrapes; the queue metrics need a
  // send). The deadline keeps a broken pipeline from hanging CI; the tests then name the query.
  const deadline = Date.now() + 45_000;
  let pending = answerable;
  while (pending.length > 0 && Date.now() < deadline) {
    const results = await Promise.all(
      pending.map(async (q) => (await evaluate(q, enforceQuery(text(q, { tenant: ['a'] }), VIEWER_A))).length > 0)
    );
    pending = pending.filter((_, i) => !results[i]);
    if (pending.length > 0) {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}, 90_000);

afterAll(async () => {
  // Agents first: an agent stopping while its central is gone waits for its remote-write flush.
  await Promise.all(running.filter((p) => p !== central).map((p) => p.stop()));
  await central?.stop();
  await nodeExporter?.close();
  await cadvisor?.close();
  removeConfigs();
}, 30_000);

it('the agents can answer every panel, the cAdvisor container panels included', () => {
  const unanswerable = panelQueries.filter((q) => !answerable.includes(q));
  expect(unanswerable.map((q) => q.where)).toEqual([]);
  expect(answerable.filter((q) => /container_/.test(q.expr)).length).toBeGreaterThan(0);
});

describe.each(answerable.map((q) => [q.where, q] as [string, DashboardQuery]))('%s', (_where, q) => {
  it("returns data for viewer a, none of tenant b's, also with var-tenant=b", async () => {
    for (const selection of [{ tenant: ['a'] }, { tenant: ['b'] }]) {
      const result = await evaluate(q, enforceQuery(text(q, selection), VIEWER_A));
      expect({ selection, hasData: result.length > 0 }).toEqual({ selection, hasData: true });
      const leaks = result.filter((s) => s.metric.tenant === 'b' || s.metric.cluster === 'b-1');
      expect(leaks).toEqual([]);
    }
  });
});
