/** @jest-environment node */
import { createProxy, parseProxyArgs, type Proxy } from '../../proxy';
import { silentLogger } from '../../proxy/log';
import { freePort, promApi, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { REMOTE_STORAGE_METRIC_NAMES } from '../support/tenantFixture';
import {
  CADVISOR_CONTAINERS,
  cadvisorContainerId,
  cadvisorExposition,
  startStandInExporter,
  type StandInExporter,
} from './exporterStandIns';
import { loadPrometheusConfig, rewriteForTest, writeTempConfigs, type PrometheusConfig } from './prometheusConfigs';

/**
 * Two real Prometheus 2.42 agents (provisioning/prometheus/agent-{a,b}.yml) remote-write to a real
 * central Prometheus (central.yml). Each agent scrapes itself, an in-process exporter at the
 * node-exporter target that exposes `go_*` metrics and series spoofing `tenant="evil"` /
 * `cluster="evil-1"`, and a cAdvisor stand-in at the cadvisor target (both agents the same one, as
 * in docker-compose.yaml). Then tenants read the central Prometheus through our enforcing proxy
 * (proxy/, prom-label-proxy's flags).
 */

const EXPORTER_METRICS = [
  '# TYPE go_goroutines gauge',
  'go_goroutines 7',
  '# TYPE go_memstats_alloc_bytes gauge',
  'go_memstats_alloc_bytes 123456',
  '# TYPE demo_requests_total counter',
  'demo_requests_total{path="/"} 5',
  'demo_requests_total{path="/spoof-tenant",tenant="evil"} 1',
  'demo_requests_total{path="/spoof-cluster",cluster="evil-1"} 2',
  '',
].join('\n');

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(prom: RunningPrometheus, expr: string): Promise<Sample[]> {
  const { body } = await promApi<{ result: Sample[] }>(prom.url, '/api/v1/query', { query: expr });
  if (body.status !== 'success' || !body.data) {
    throw new Error(`query ${expr} on ${prom.url} failed: ${body.error}`);
  }
  return body.data.result;
}

/** Polls `expr` until `done(result)` holds; the deadline keeps a broken pipeline from hanging CI. */
async function eventually(prom: RunningPrometheus, expr: string, done: (r: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 30_000;
  let last: Sample[] = [];
  while (Date.now() < deadline) {
    last = await query(prom, expr);
    if (done(last)) {
      return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${expr} on ${prom.url} never satisfied the test within 30s; last result: ${JSON.stringify(last)}`);
}

/** agent-a.yml without its forcing write_relabel rules: the control showing why they exist. */
function withoutForcingRules(config: PrometheusConfig): PrometheusConfig {
  const copy = structuredClone(config);
  for (const rw of copy.remote_write ?? []) {
    rw.write_relabel_configs = rw.write_relabel_configs?.filter((r) => r.action === 'drop');
  }
  return copy;
}

const TEST_SPEED = { scrapeInterval: '1s', batchSendDeadline: '500ms' };

/** The proxy in-process, configured by prom-label-proxy style flags as in docker-compose.yaml. */
async function startProxy(flags: string[]): Promise<{ url: string; proxy: Proxy }> {
  const proxy = createProxy(parseProxyArgs([...flags, '--insecure-listen-address', '127.0.0.1:0']), {
    logger: silentLogger,
  });
  const { url } = await proxy.listen();
  return { url, proxy };
}

/** Central's own count of /api/v1/query requests, read from its /metrics (not via a query). */
async function upstreamQueryCount(prom: RunningPrometheus): Promise<number> {
  const text = await (await fetch(`${prom.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('prometheus_http_requests_total{') && l.includes('handler="/api/v1/query"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('agents → central pipeline (real Prometheus 2.42, provisioning/prometheus configs)', () => {
  const running: RunningPrometheus[] = [];
  let central: RunningPrometheus;
  let controlCentral: RunningPrometheus;
  let exporter: StandInExporter | undefined;
  let cadvisor: StandInExporter | undefined;
  let removeConfigs = () => {};

  beforeAll(async () => {
    exporter = await startStandInExporter(() => EXPORTER_METRICS);
    cadvisor = await startStandInExporter(() => cadvisorExposition());
    const [centralPort, controlPort, agentAPort, agentBPort, agentControlPort] = await Promise.all(
      Array.from({ length: 5 }, () => freePort())
    );
    const addr = (port: number) => `127.0.0.1:${port}`;
    const agentHosts = (self: number, centralAt: number) => ({
      'localhost:9090': addr(self),
      'node-exporter:9100': exporter!.address,
      'cadvisor:8080': cadvisor!.address,
      'central:9090': addr(centralAt),
    });
    const agentA = loadPrometheusConfig('agent-a.yml');
    const configs = writeTempConfigs({
      'central.yml': rewriteForTest(loadPrometheusConfig('central.yml'), {
        hosts: { 'localhost:9090': addr(centralPort) },
        ...TEST_SPEED,
      }),
      'control-central.yml': { global: {} },
      'agent-a.yml': rewriteForTest(agentA, { hosts: agentHosts(agentAPort, centralPort), ...TEST_SPEED }),
      'agent-b.yml': rewriteForTest(loadPrometheusConfig('agent-b.yml'), {
        hosts: agentHosts(agentBPort, centralPort),
        ...TEST_SPEED,
      }),
      'agent-control.yml': rewriteForTest(withoutForcingRules(agentA), {
        hosts: agentHosts(agentControlPort, controlPort),
        ...TEST_SPEED,
      }),
    });
    removeConfigs = configs.remove;
    const receiver = ['--web.enable-remote-write-receiver'];
    const agent = ['--enable-feature=agent'];
    const started = await Promise.allSettled([
      startPrometheus({ configFile: configs.paths['central.yml'], port: centralPort, args: receiver }),
      startPrometheus({ configFile: configs.paths['control-central.yml'], port: controlPort, args: receiver }),
      startPrometheus({ configFile: configs.paths['agent-a.yml'], port: agentAPort, args: agent }),
      startPrometheus({ configFile: configs.paths['agent-b.yml'], port: agentBPort, args: agent }),
      startPrometheus({ configFile: configs.paths['agent-control.yml'], port: agentControlPort, args: agent }),
    ]);
    for (const s of started) {
      if (s.status === 'fulfilled') {
        running.push(s.value);
      }
    }
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    [central, controlCentral] = running;
    // Both tenants' exporter, cAdvisor and agent self-scrapes have arrived.
    await eventually(central, 'count by (tenant, cluster, job) (up{tenant!=""})', (r) => r.length >= 6);
    await eventually(controlCentral, 'demo_requests_total', (r) => r.length >= 3);
  }, 60_000);

  afterAll(async () => {
    // Agents first: an agent stopping while its central is gone waits for its remote-write flush.
    const centrals = running.filter((p) => p === central || p === controlCentral);
    await Promise.all(running.filter((p) => !centrals.includes(p)).map((p) => p.stop()));
    await Promise.all(centrals.map((p) => p.stop()));
    await exporter?.close();
    await cadvisor?.close();
    removeConfigs();
  }, 30_000);

  it('delivers both tenants with tenant and cluster labels', async () => {
    const up = await query(central, 'count by (tenant, cluster, job) (up{tenant!=""})');
    expect(up.map((s) => s.metric).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { tenant: 'a', cluster: 'a-1', job: 'cadvisor' },
      { tenant: 'a', cluster: 'a-1', job: 'node' },
      { tenant: 'a', cluster: 'a-1', job: 'prometheus-agent' },
      { tenant: 'b', cluster: 'b-1', job: 'cadvisor' },
      { tenant: 'b', cluster: 'b-1', job: 'node' },
      { tenant: 'b', cluster: 'b-1', job: 'prometheus-agent' },
    ]);
    // Every series at central is either a tenant's (with its cluster) or central's own (job="prometheus").
    expect(await query(central, 'count({__name__=~".+", tenant="", job!="prometheus"})')).toEqual([]);
    expect(await query(central, 'count({__name__=~".+", tenant!="", cluster=""})')).toEqual([]);
  });

  it('drops go_* from the agents (central keeps only its own, untenanted ones)', async () => {
    expect(await query(central, '{__name__=~"go_.*", tenant!=""}')).toEqual([]);
    // The control: go_* exist where nobody drops them, so the assertion above can fail.
    expect((await query(central, '{__name__=~"go_.*", job="prometheus"}')).length).toBeGreaterThan(0);
  });

  it.each([
    ['tenant', '/spoof-tenant'],
    ['cluster', '/spoof-cluster'],
  ])('overwrites a scraped %s label with the agent’s own', async (_label, path) => {
    const spoofed = await query(central, `demo_requests_total{path="${path}"}`);
    expect(spoofed.map((s) => [s.metric.tenant, s.metric.cluster]).sort()).toEqual([
      ['a', 'a-1'],
      ['b', 'b-1'],
    ]);
    expect(await query(central, '{tenant="evil"}')).toEqual([]);
    expect(await query(central, '{cluster="evil-1"}')).toEqual([]);
  });

  it('control: without the forcing rules, external_labels lose to the scraped tenant', async () => {
    const spoofed = await query(controlCentral, 'demo_requests_total{path="/spoof-tenant"}');
    expect(spoofed.map((s) => s.metric.tenant)).toEqual(['evil']);
    const plain = await query(controlCentral, 'demo_requests_total{path="/"}');
    expect(plain.map((s) => s.metric.tenant)).toEqual(['a']);
  });

  it('labels cAdvisor’s containers `container` from their name, one copy per tenant', async () => {
    // Four cgroups (the root and three containers) per tenant: both agents scrape the one cAdvisor.
    const memory = await eventually(central, 'container_memory_working_set_bytes', (r) => r.length >= 8);
    const rows = memory
      .map((s) => [s.metric.tenant, s.metric.cluster, s.metric.id, s.metric.container ?? '(none)'].join(' '))
      .sort();
    const expected = ['a a-1', 'b b-1'].flatMap((tc) => [
      `${tc} / (none)`,
      ...CADVISOR_CONTAINERS.map((c) => `${tc} ${cadvisorContainerId(c.name)} ${c.name}`),
    ]);
    expect(rows).toEqual(expected.sort());
    // What the resource overview's CPU panel selects: containers only, cAdvisor's cpu="total" each.
    const cpu = await query(central, 'container_cpu_usage_seconds_total{tenant="a", container!=""}');
    expect(cpu.map((s) => [s.metric.container, s.metric.cpu]).sort()).toEqual(
      CADVISOR_CONTAINERS.map((c) => [c.name, 'total']).sort()
    );
  });

  it('carries the agents’ remote-write metrics that the fixture and dashboards use', async () => {
    const missing = (r: Sample[]) => {
      const present = new Set(r.map((s) => s.metric.__name__));
      return REMOTE_STORAGE_METRIC_NAMES.filter((n) => !present.has(n));
    };
    const names = await eventually(
      central,
      'count by (__name__) ({__name__=~"prometheus_remote_storage_.+", tenant="a"})',
      (r) => missing(r).length === 0
    ).catch(() => query(central, 'count by (__name__) ({__name__=~"prometheus_remote_storage_.+", tenant="a"})'));
    expect(missing(names)).toEqual([]);
  });

  describe('through the enforcing proxy', () => {
    const proxies: Proxy[] = [];
    let fixedA: string;
    let byHeader: string;

    beforeAll(async () => {
      const a = await startProxy([
        '--upstream',
        central.url,
        '--label',
        'tenant',
        '--label-value',
        'a',
        '--enable-label-apis',
      ]);
      const h = await startProxy(['--upstream', central.url, '--label', 'tenant', '--header-name', 'X-Tenant']);
      proxies.push(a.proxy, h.proxy);
      fixedA = a.url;
      byHeader = h.url;
    });

    afterAll(async () => {
      await Promise.all(proxies.map((p) => p.close()));
    });

    const tenantsIn = (result: Sample[]) => [...new Set(result.map((s) => s.metric.tenant))].sort();

    it('answers a query with the tenant’s series only', async () => {
      const { body } = await promApi<{ result: Sample[] }>(fixedA, '/api/v1/query', { query: 'demo_requests_total' });
      expect(body.status).toBe('success');
      expect(body.data!.result.length).toBe(3);
      expect(tenantsIn(body.data!.result)).toEqual(['a']);
      // Even an aggregation over everything, untenanted central series included, sees tenant a only.
      const time = String(Date.now() / 1000 - 5); // one instant for both, a little in the past
      const all = await promApi<{ result: Sample[] }>(fixedA, '/api/v1/query', {
        query: 'count({__name__=~".+"})',
        time,
      });
      const direct = await promApi<{ result: Sample[] }>(central.url, '/api/v1/query', {
        query: 'count({__name__=~".+", tenant="a"})',
        time,
      });
      expect(all.body.data!.result.map((s) => s.value[1])).toEqual(direct.body.data!.result.map((s) => s.value[1]));
    });

    it('lists only the tenant’s series and label values', async () => {
      const series = await promApi<Array<Record<string, string>>>(fixedA, '/api/v1/series', { 'match[]': 'up' });
      expect(series.body.status).toBe('success');
      expect([...new Set(series.body.data!.map((s) => s.tenant))]).toEqual(['a']);
      const values = await promApi<string[]>(fixedA, '/api/v1/label/tenant/values');
      expect(values.body.data).toEqual(['a']);
    });

    it('takes the tenant from the header and answers 400 without one, sending nothing upstream', async () => {
      const res = await fetch(`${byHeader}/api/v1/query?query=up`, { headers: { 'X-Tenant': 'b' } });
      const body = (await res.json()) as { data: { result: Sample[] } };
      expect(tenantsIn(body.data.result)).toEqual(['b']);

      const before = await upstreamQueryCount(central);
      expect(before).toBeGreaterThan(0); // the counter is read, not defaulted
      const missingTenant: Array<Record<string, string>> = [{}, { 'X-Tenant': '' }];
      for (const headers of missingTenant) {
        const rejected = await fetch(`${byHeader}/api/v1/query?query=up`, { headers });
        expect(rejected.status).toBe(400);
        expect(await rejected.json()).toMatchObject({ status: 'error' });
      }
      expect(await upstreamQueryCount(central)).toBe(before);
    });
  });
});
