/** @jest-environment node */
/**
 * The proxy in front of real Prometheus 2.42 (tests/support/tenantFixture: tenants a and b, two
 * clusters each, plus untenanted series). Three TSDBs with identical tenant-a data: mixed, tenant a
 * alone, and mixed with every other series' values changed (reseeded).
 *
 * - metadata APIs through the proxy never show anything but tenant a;
 * - a corpus sample through the proxy (route path: HTTP, form parsing, engine, forwarding) over
 *   mixed data answers exactly what the raw query answers over tenant a alone (the PIPELINE
 *   differential test covers the engine on a bigger sample, without the proxy);
 * - the oracle `topk(scalar(sum(other_metric) > bool T), up)` answers the same whatever the other
 *   tenants' values are, while the prom-label-proxy enforcement (aggregation parameter left
 *   open) provably leaks through it on this data.
 */
import { compareOutcomes, describeOutcome, instantQuery, type QueryOutcome } from '../tests/integration/queryResults';
import { promApi } from '../tests/support/prometheus';
import { startTenantFixture, type TenantFixture, type TenantFixtureOptions } from '../tests/support/tenantFixture';
import { loadPrometheus242Corpus, metricsForQueries, sampleCorpus } from '../tests/support/tenantFixtureCorpus';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';

const SAMPLE_SIZE = Number(process.env.PROXY_CORPUS_SAMPLE ?? 120);
const corpus = sampleCorpus(loadPrometheus242Corpus(), SAMPLE_SIZE);

let mixed: TenantFixture;
let aOnly: TenantFixture;
let reseeded: TenantFixture;
/** Fixed tenant a (one instance per tenant, the simplest deployment); promApi needs no header. */
let overMixed: StartedProxy;
let overReseeded: StartedProxy;
/** Header mode with the label APIs, as the Grafana data sources use it. */
let headerProxy: StartedProxy;

beforeAll(async () => {
  const data: TenantFixtureOptions = {
    extra: [...metricsForQueries(corpus.map((q) => q.expr)), { name: 'other_metric', labels: { job: 'job-1' } }],
    step: 60,
  };
  const started = await Promise.allSettled([
    startTenantFixture(data),
    startTenantFixture({ ...data, tenants: ['a'], untenanted: false }),
    startTenantFixture({ ...data, reseed: { keepTenant: 'a', seed: 11 } }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  [mixed, aOnly, reseeded] = started.map((s) => (s as PromiseFulfilledResult<TenantFixture>).value);
  const fixed = {
    tenant: { kind: 'static', values: ['a'] } as const,
    enableLabelApis: true,
    upstreamTimeoutMs: 30_000,
  };
  overMixed = await startTestProxy(testProxyOptions(mixed.url, fixed));
  overReseeded = await startTestProxy(testProxyOptions(reseeded.url, fixed));
  headerProxy = await startTestProxy(testProxyOptions(mixed.url, { enableLabelApis: true }));
}, 120_000);

afterAll(async () => {
  await Promise.all([overMixed?.proxy.close(), overReseeded?.proxy.close(), headerProxy?.proxy.close()]);
  await Promise.all([mixed?.stop(), aOnly?.stop(), reseeded?.stop()]);
});

async function viaHeader<T>(path: string, params: Record<string, string | string[]>, tenant = 'a'): Promise<T> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    (Array.isArray(v) ? v : [v]).forEach((x) => search.append(k, x));
  }
  const res = await fetch(`${headerProxy.url}${path}?${search}`, { headers: { 'x-tenant': tenant } });
  const body = await res.json();
  expect({ path, status: res.status, apiStatus: body.status }).toEqual({ path, status: 200, apiStatus: 'success' });
  return body.data as T;
}

describe('metadata APIs show tenant a only', () => {
  const range = () => ({ start: String(mixed.start), end: String(mixed.end) });

  it('series: every series carries tenant="a", and they are exactly tenant a\'s', async () => {
    const series = await viaHeader<Array<Record<string, string>>>('/api/v1/series', {
      'match[]': '{__name__=~".+"}',
      ...range(),
    });
    expect(series.length).toBeGreaterThan(10);
    expect(new Set(series.map((s) => s.tenant))).toEqual(new Set(['a']));
    const direct = await promApi<Array<Record<string, string>>>(aOnly.url, '/api/v1/series', {
      'match[]': '{__name__=~".+"}',
      ...range(),
    });
    expect(series.length).toBe(direct.body.data!.length);
  });

  it.each([
    ['/api/v1/labels', {}],
    ['/api/v1/label/tenant/values', {}],
    ['/api/v1/label/cluster/values', {}],
    ['/api/v1/label/__name__/values', {}],
    ['/api/v1/label/instance/values', { 'match[]': 'up' }],
  ])('%s equals the answer over tenant a alone', async (path, params: Record<string, string>) => {
    const proxied = await viaHeader<string[]>(path, { ...params, ...range() });
    const direct = await promApi<string[]>(aOnly.url, path, { ...params, ...range() });
    expect([...proxied].sort()).toEqual([...direct.body.data!].sort());
    if (path.includes('/tenant/')) {
      expect(proxied).toEqual(['a']);
    }
  });

  it('tenant b through the same proxy sees b only (the header decides)', async () => {
    const tenants = await viaHeader<string[]>('/api/v1/label/tenant/values', range(), 'b');
    expect(tenants).toEqual(['b']);
  });

  it('metadata answers only metric names tenant a has', async () => {
    const names = new Set(await viaHeader<string[]>('/api/v1/label/__name__/values', range()));
    const metadata = await viaHeader<Record<string, unknown>>('/api/v1/metadata', {});
    // Blocks built by promtool carry no metadata, so Prometheus may answer {}: the check is that
    // whatever comes back is a subset of tenant a's names.
    for (const name of Object.keys(metadata)) {
      expect(names.has(name)).toBe(true);
    }
  });
});

describe('corpus sample through the proxy over mixed data == raw query over tenant a alone', () => {
  it(`holds for ${corpus.length} sampled corpus queries`, async () => {
    const rows: Array<{ expr: string; verdict: string; detail?: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < corpus.length) {
        const { expr } = corpus[next++];
        const [original, proxied]: QueryOutcome[] = await Promise.all([
          instantQuery(aOnly.url, expr, aOnly.time),
          instantQuery(overMixed.url, expr, mixed.time),
        ]);
        if (!proxied.ok && proxied.errorType === 'prom-label-proxy') {
          rows.push({ expr, verdict: 'rejected', detail: proxied.error });
          continue;
        }
        let verdict: string = compareOutcomes(original, proxied);
        // absent() builds its labels from equality matchers, so the enforced query adds tenant="a".
        if (
          verdict === 'different' &&
          /absent/.test(expr) &&
          compareOutcomes(original, proxied, 'tenant') === 'equal'
        ) {
          verdict = 'explained-absent';
        }
        rows.push({
          expr,
          verdict,
          detail:
            verdict === 'different'
              ? `a-only: ${describeOutcome(original)}\nproxy: ${describeOutcome(proxied)}`
              : undefined,
        });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const count = (v: string) => rows.filter((r) => r.verdict === v).length;
    console.log(
      `proxy corpus sample: ${rows.length} queries, equal ${count('equal')}, both-error ${count('both-error')}, ` +
        `explained-absent ${count('explained-absent')}, rejected by the engine ${count('rejected')}, different ${count('different')}`
    );
    expect(rows).toHaveLength(corpus.length);
    expect(rows.filter((r) => r.verdict === 'different').map((r) => `${r.expr}\n${r.detail}`)).toEqual([]);
    expect(count('equal')).toBeGreaterThan(corpus.length * 0.7);
  }, 180_000);
});

describe("oracle: aggregation parameters cannot leak other tenants' values", () => {
  async function scalarOf(url: string, query: string): Promise<number> {
    const outcome = await instantQuery(url, query, mixed.time);
    if (!outcome.ok || outcome.resultType !== 'scalar') {
      throw new Error(`${query} on ${url}: ${describeOutcome(outcome)}`);
    }
    return Number((outcome.result as [number, string])[1]);
  }

  it('topk(scalar(sum(other_metric) > bool T), up) is the same over mixed and reseeded data', async () => {
    // A threshold between the two all-tenant totals, so the unenforced parameter flips the answer.
    const [mixedTotal, reseededTotal] = await Promise.all([
      scalarOf(mixed.url, 'scalar(sum(other_metric))'),
      scalarOf(reseeded.url, 'scalar(sum(other_metric))'),
    ]);
    expect(mixedTotal).not.toBe(reseededTotal);
    const threshold = (mixedTotal + reseededTotal) / 2;
    const oracle = `topk(scalar(sum(other_metric) > bool ${threshold}), up)`;

    // prom-label-proxy's enforcement: the aggregated expression only (BEHAVIOUR.md 3.2).
    const leaky = `topk(scalar(sum(other_metric) > bool ${threshold}), up{tenant="a"})`;
    const [leakMixed, leakReseeded] = await Promise.all([
      instantQuery(mixed.url, leaky, mixed.time),
      instantQuery(reseeded.url, leaky, mixed.time),
    ]);
    expect(compareOutcomes(leakMixed, leakReseeded)).toBe('different');

    const [viaMixed, viaReseeded] = await Promise.all([
      instantQuery(overMixed.url, oracle, mixed.time),
      instantQuery(overReseeded.url, oracle, mixed.time),
    ]);
    expect(viaMixed.ok).toBe(true);
    expect(compareOutcomes(viaMixed, viaReseeded)).toBe('equal');
  });
});
