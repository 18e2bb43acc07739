/** @jest-environment node */
/**
 * The version-dependent routes in front of a real Prometheus 2.42 (the Debian package), with the
 * version read from its /api/v1/status/buildinfo rather than pinned: buildinfo is served,
 * format_query (2.38.0) answers the enforced query as 2.42 formats it, parse_query (3.x) is a
 * 404, a query route without `query` answers 400 as Prometheus itself does.
 */
import { promApi, startPrometheus, type RunningPrometheus } from '../tests/support/prometheus';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';

let prometheus: RunningPrometheus;
let proxy: StartedProxy;

beforeAll(async () => {
  prometheus = await startPrometheus();
  proxy = await startTestProxy(testProxyOptions(prometheus.url, { upstreamVersion: undefined }));
  await proxy.proxy.upstreamVersion.current();
}, 60_000);

afterAll(async () => {
  await proxy?.proxy.close();
  await prometheus?.stop();
});

async function viaProxy(pathAndQuery: string): Promise<{ status: number; body: { status: string; data?: unknown } }> {
  const res = await fetch(`${proxy.url}${pathAndQuery}`, { headers: { 'X-Tenant': 'a' } });
  return { status: res.status, body: (await res.json()) as { status: string; data?: unknown } };
}

it('reads the upstream version from buildinfo', () => {
  expect(proxy.proxy.upstreamVersion.known()).toMatchObject({ product: 'prometheus', source: 'buildinfo' });
  expect(proxy.proxy.upstreamVersion.known().release?.slice(0, 2)).toEqual([2, 42]);
  expect(proxy.logs).toContainEqual(expect.objectContaining({ msg: 'upstream version detected' }));
});

it('serves /api/v1/status/buildinfo as Prometheus answers it', async () => {
  const [proxied, direct] = await Promise.all([
    viaProxy('/api/v1/status/buildinfo'),
    promApi(prometheus.url, '/api/v1/status/buildinfo'),
  ]);
  expect(proxied).toEqual({ status: 200, body: direct.body });
});

it('/api/v1/format_query formats the enforced query', async () => {
  const { status, body } = await viaProxy(`/api/v1/format_query?query=${encodeURIComponent('sum(rate(x[5m]))')}`);
  expect(status).toBe(200);
  expect(body.data).toBe('sum(rate(x{tenant="a"}[5m]))');
});

it('/api/v1/parse_query is a 404 naming the version it needs', async () => {
  const { status, body } = await viaProxy('/api/v1/parse_query?query=up');
  expect(status).toBe(404);
  expect(JSON.stringify(body)).toMatch(/needs Prometheus >= 3\.0 upstream, and the upstream is prometheus 2\.42/);
});

it.each(['/api/v1/query', '/api/v1/query_range'])(
  '%s without a query parameter is a 400, as Prometheus answers',
  async (path) => {
    const [proxied, direct] = await Promise.all([viaProxy(path), promApi(prometheus.url, path)]);
    expect(direct.httpStatus).toBe(400);
    expect(proxied.status).toBe(400);
  }
);
