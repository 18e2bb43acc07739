/** @jest-environment node */
import { promApi, runPromtool, startPrometheus } from '../support/prometheus';
import {
  FIXTURE_CLUSTERS,
  fixtureSeries,
  labelsKey,
  startTenantFixture,
  type TenantFixture,
} from '../support/tenantFixture';

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function instant(f: TenantFixture, query: string): Promise<VectorSample[]> {
  const { body } = await promApi<{ result: VectorSample[] }>(f.url, '/api/v1/query', { query, time: String(f.time) });
  if (body.status !== 'success' || !body.data) {
    throw new Error(`query ${query} failed: ${body.error}`);
  }
  return body.data.result;
}

function byKey(samples: VectorSample[]): Map<string, string> {
  return new Map(samples.map((s) => [labelsKey('', s.metric), s.value[1]]));
}

describe('startTenantFixture', () => {
  let mixed: TenantFixture;
  let aOnly: TenantFixture;
  let reseeded: TenantFixture;

  beforeAll(async () => {
    [mixed, aOnly, reseeded] = await Promise.all([
      startTenantFixture(),
      startTenantFixture({ tenants: ['a'], untenanted: false }),
      startTenantFixture({ reseed: { keepTenant: 'a', seed: 7 } }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([mixed?.stop(), aOnly?.stop(), reseeded?.stop()]);
  });

  it('serves every generated series at `time`, and each tenant/cluster pair', async () => {
    const all = await instant(mixed, 'count({__name__=~".+"})');
    expect(Number(all[0].value[1])).toBe(fixtureSeries().length);
    const pairs = await instant(mixed, 'count by (tenant, cluster) (up)');
    const expected = Object.entries(FIXTURE_CLUSTERS).flatMap(([tenant, clusters]) =>
      clusters.map((cluster) => labelsKey('', { tenant, cluster }))
    );
    expect([...byKey(pairs).keys()].sort()).toEqual([...expected, labelsKey('', {})].sort());
  });

  it.each([
    ['up', 'up{tenant="a"}'],
    ['remote write', 'prometheus_remote_storage_samples_total{tenant="a"}'],
    ['node cpu', 'node_cpu_seconds_total{tenant="a"}'],
    ['containers', 'container_memory_working_set_bytes{tenant="a"}'],
    ['histogram', 'http_request_duration_seconds_bucket{tenant="a"}'],
  ])('tenant a is bit-identical in the mixed, a-only and reseeded TSDBs (%s)', async (_name, query) => {
    const [m, a, r] = await Promise.all([instant(mixed, query), instant(aOnly, query), instant(reseeded, query)]);
    expect(m.length).toBeGreaterThan(0);
    expect(byKey(a)).toEqual(byKey(m));
    expect(byKey(r)).toEqual(byKey(m));
  });

  it('the a-only TSDB holds nothing else; the reseeded one changes the other tenants', async () => {
    expect(await instant(aOnly, '{__name__=~".+", tenant!="a"}')).toEqual([]);
    const query = 'node_memory_MemAvailable_bytes{tenant!="a"}';
    const [m, r] = await Promise.all([instant(mixed, query), instant(reseeded, query)]);
    expect([...byKey(r).keys()]).toEqual([...byKey(m).keys()]);
    expect([...byKey(r).values()]).not.toEqual([...byKey(m).values()]);
  });

  it('has no data before start (so queries must pass time)', async () => {
    const { body } = await promApi(mixed.url, '/api/v1/query', { query: 'up', time: String(mixed.start - 600) });
    expect(body).toMatchObject({ status: 'success', data: { result: [] } });
  });
});

describe('startPrometheus', () => {
  it('stops the process and frees its port', async () => {
    const prom = await startPrometheus({});
    expect((await fetch(`${prom.url}/-/ready`)).ok).toBe(true);
    await prom.stop();
    await expect(fetch(`${prom.url}/-/ready`)).rejects.toThrow();
  });

  it('reports the log of a Prometheus that cannot start', async () => {
    await expect(startPrometheus({ args: ['--no-such-flag'] })).rejects.toThrow(/no-such-flag/);
  });
});

describe('runPromtool', () => {
  it('rejects with promtool output on failure', async () => {
    await expect(runPromtool(['check', 'config', '/nonexistent.yml'])).rejects.toThrow(/nonexistent\.yml/);
  });
});
