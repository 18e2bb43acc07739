/** @jest-environment node */
/**
 * What this proxy enforces beyond prom-label-proxy, through the HTTP layer with a recording fake
 * upstream: selectors inside aggregation parameters (prom-label-proxy's enforce.go walks only
 * the aggregated expression, BEHAVIOUR.md 3.2), /api/v1/metadata, and POST match[] without the
 * extra tenant-wide URL selector (prom-label-proxy issue #134).
 */
import { normaliseQuery } from './testing/promqlCompare';
import { proxyOverFakeUpstream } from './testing/suiteProxy';

const p = proxyOverFakeUpstream();

/** Every selector of the forwarded query carries exactly one tenant matcher, tenant="a". */
function expectFullyEnforced(query: string, selectorCount: number) {
  const { selectors } = normaliseQuery(query);
  expect(selectors).toHaveLength(selectorCount);
  for (const matchers of selectors) {
    expect(matchers.filter((m) => m.startsWith('tenant'))).toEqual(['tenant="a"']);
  }
}

describe('aggregation parameters are enforced (prom-label-proxy leaves them open)', () => {
  const cases: Array<[string, number]> = [
    ['topk(scalar(sum(other_metric) > bool 1000), up)', 2],
    ['bottomk(scalar(count(other_metric{tenant="b"})), up)', 2],
    ['quantile(scalar(avg(other_metric)), rate(http_requests_total[5m]))', 2],
    ['topk by (job) (scalar(max_over_time(other_metric[1h])), up)', 2],
    ['count_values("v", up) + on() group_left topk(scalar(sum(x)), y)', 3],
    ['sum(topk(scalar(sum(other_metric) > bool 1000), up)) by (job)', 2],
    ['limitk(scalar(sum(other_metric)), up)', 2],
    ['topk(scalar(sum(other_metric{tenant=~".+"}) > bool 1000), up{tenant="b"})', 2],
  ];

  it.each(cases)('%s', async (query, selectorCount) => {
    for (const method of ['GET', 'POST'] as const) {
      p.upstream.reset();
      const res =
        method === 'GET'
          ? await fetch(`${p.url}/api/v1/query?query=${encodeURIComponent(query)}`, { headers: { 'x-tenant': 'a' } })
          : await fetch(`${p.url}/api/v1/query_range`, {
              method: 'POST',
              headers: { 'x-tenant': 'a', 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ query, start: '1', end: '2', step: '1' }),
            });
      expect(res.status).toBe(200);
      const [forwarded] = p.upstream.requests;
      const sent = method === 'GET' ? forwarded.query.get('query')! : forwarded.form!.get('query')!;
      expectFullyEnforced(sent, selectorCount);
      if (method === 'POST') {
        expect(forwarded.form!.get('step')).toBe('1');
      }
    }
  });
});

describe("/api/v1/metadata is answered from the tenant's metric names only", () => {
  beforeEach(() => {
    p.upstream.respond((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.path === '/api/v1/label/__name__/values') {
        res.end(JSON.stringify({ status: 'success', data: ['a_metric', 'up', 'z_metric'] }));
      } else {
        const entry = [{ type: 'gauge', help: 'h', unit: '' }];
        res.end(
          JSON.stringify({
            status: 'success',
            data: { up: entry, a_metric: entry, b_secret_metric: entry, z_metric: entry },
          })
        );
      }
    });
  });

  it("drops other tenants' metric names and asks for names under the tenant selector", async () => {
    const body = await (await fetch(`${p.url}/api/v1/metadata`, { headers: { 'x-tenant': 'a' } })).json();
    expect(Object.keys(body.data).sort()).toEqual(['a_metric', 'up', 'z_metric']);
    const lookup = p.upstream.requests.find((r) => r.path === '/api/v1/label/__name__/values')!;
    expect(lookup.query.getAll('match[]')).toEqual(['{tenant="a"}']);
  });

  it('applies limit after filtering and never forwards it', async () => {
    const body = await (await fetch(`${p.url}/api/v1/metadata?limit=2`, { headers: { 'x-tenant': 'a' } })).json();
    expect(Object.keys(body.data)).toHaveLength(2);
    expect(Object.keys(body.data)).not.toContain('b_secret_metric');
    expect(p.upstream.requests.find((r) => r.path === '/api/v1/metadata')!.query.has('limit')).toBe(false);
  });

  it('a foreign metric asked for by name looks unknown', async () => {
    const body = await (
      await fetch(`${p.url}/api/v1/metadata?metric=b_secret_metric`, { headers: { 'x-tenant': 'a' } })
    ).json();
    expect(body).toEqual({ status: 'success', data: {} });
  });
});

describe('enforced-query cache', () => {
  it('never hands one tenant the text enforced for another', async () => {
    const query = 'sum(rate(http_requests_total[5m]))';
    for (const tenant of ['a', 'b', 'a', 'b|c']) {
      p.upstream.reset();
      await fetch(`${p.url}/api/v1/query?query=${encodeURIComponent(query)}`, { headers: { 'x-tenant': tenant } });
      const sent = normaliseQuery(p.upstream.requests[0].query.get('query')!);
      const expected = tenant === 'b|c' ? 'tenant="b|c"' : `tenant="${tenant}"`;
      expect(sent.selectors[0].filter((m) => m.startsWith('tenant'))).toEqual([expected]);
    }
  });
});

describe('match[] routes', () => {
  it('POST with match[] only in the body adds no tenant-wide URL selector (prom-label-proxy #134)', async () => {
    await fetch(`${p.url}/api/v1/series`, {
      method: 'POST',
      headers: { 'x-tenant': 'a', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'match[]': 'up{job="x"}' }),
    });
    const [forwarded] = p.upstream.requests;
    expect(forwarded.query.has('match[]')).toBe(false);
    expect(forwarded.form!.getAll('match[]')).toHaveLength(1);
    expect(normaliseQuery(forwarded.form!.get('match[]')!).selectors[0]).toEqual([
      '__name__="up"',
      'job="x"',
      'tenant="a"',
    ]);
  });

  it.each([
    ['/api/v1/labels', '{tenant="a"}'],
    ['/api/v1/label/job/values', '{tenant="a"}'],
    ['/federate', '{tenant="a"}'],
  ])('%s without match[] gets the tenant selector', async (path, selector) => {
    await fetch(`${p.url}${path}`, { headers: { 'x-tenant': 'a' } });
    expect(p.upstream.requests[0].query.getAll('match[]')).toEqual([selector]);
  });

  it('a label name needing escapes reaches the upstream re-encoded', async () => {
    await fetch(`${p.url}/api/v1/label/${encodeURIComponent('weird name')}/values`, { headers: { 'x-tenant': 'a' } });
    expect(p.upstream.requests[0].path).toBe('/api/v1/label/weird%20name/values');
  });
});
