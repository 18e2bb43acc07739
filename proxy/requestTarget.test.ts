/** @jest-environment node */
/**
 * The server splits plain request paths itself and sends every other path through the WHATWG URL
 * parser (a per-request saving). Both ways must read the same parameters: each case sends one
 * query string once after a plain path and once after an equivalent path that needs the parser
 * (`qu%65ry` decodes to `query`), and the upstream must receive identical requests.
 */
import http from 'http';
import { proxyOverFakeUpstream } from './testing/suiteProxy';

/** Sends a raw request target (no client-side normalisation or escaping). */
function get(base: string, target: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: target, headers: { 'x-tenant': 'a' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const p = proxyOverFakeUpstream();

const cases: Array<[string, string, string]> = [
  ['escaped query', '/api/v1/query', `query=${encodeURIComponent('sum(up{job="x y"})')}&time=1`],
  ['raw quotes and angle brackets', '/api/v1/query', 'query=up{job="<a\'b>"}&time=1'],
  ['plus and %20 as spaces', '/api/v1/query', 'query=sum+by+(job)%20(up)'],
  ['literal percent sign after a valid escape', '/api/v1/query', 'query=up%7Bjob%3D%22100%25%22%7D'],
  ['empty query string', '/api/v1/query', ''],
  ['match[] on label values', '/api/v1/label/job/values', 'match[]=up&match[]=%7Bjob%3D%22x%22%7D'],
];

describe('plain paths and URL-parsed paths read the same parameters', () => {
  it.each(cases)('%s', async (_name, path, query) => {
    const viaParser = path.replace(/e/, '%65');
    const suffix = query === '' ? '' : `?${query}`;
    const plainStatus = await get(p.url, `${path}${suffix}`);
    const parsedStatus = await get(p.url, `${viaParser}${suffix}`);
    expect(parsedStatus).toBe(plainStatus);
    const seen = p.upstream.requests.map((r) => ({ path: r.path, query: [...r.query.entries()] }));
    if (query === '') {
      // Prometheus' answer to a query route without a query parameter: 400, nothing sent upstream.
      expect(plainStatus).toBe(400);
      expect(seen).toEqual([]);
      return;
    }
    expect(plainStatus).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0].query.some(([k, v]) => (k === 'query' || k === 'match[]') && v.includes('tenant="a"'))).toBe(true);
  });
});
