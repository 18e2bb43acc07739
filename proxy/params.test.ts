/** @jest-environment node */
/**
 * The request parameters the proxy rebuilds upstream requests from: strict form decoding (as Go's
 * url.ParseQuery, which Prometheus uses) and Go's url.Values.Encode order and escaping.
 */
import { encodeParams, parseFormEncoded } from './params';
import { ProxyRejection } from './rejection';

describe('parseFormEncoded', () => {
  it.each([
    ['', []],
    ['query=up', [['query', 'up']]],
    [
      'a=1&&b=2&',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      'flag&=v&k=',
      [
        ['flag', ''],
        ['', 'v'],
        ['k', ''],
      ],
    ],
    [
      'q=a+b%2Bc&q=%E2%82%AC',
      [
        ['q', 'a b+c'],
        ['q', '€'],
      ],
    ],
    ['x=a=b', [['x', 'a=b']]],
    ['match%5B%5D=%7Bjob%3D%22x%22%7D', [['match[]', '{job="x"}']]],
  ])('%j', (text, pairs) => {
    expect([...parseFormEncoded(text, 'URL query')]).toEqual(pairs);
  });

  it.each([
    ['query=%ZZ', /bad %-escape or invalid UTF-8 near "query=%ZZ"/],
    ['a=1&query=%E2%82', /near "query=%E2%82"/],
    ['query=%ED%A0%80', /invalid UTF-8/], // an encoded surrogate is not UTF-8
    ['a=1;b=2', /contains ";"/],
  ])('%j is refused', (text, message) => {
    let caught: unknown;
    try {
      parseFormEncoded(text, 'URL query');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProxyRejection);
    expect((caught as ProxyRejection).status).toBe(400);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('encodeParams', () => {
  // Expected strings as Go's url.Values{...}.Encode() writes them: keys sorted, values of a key in
  // order, unreserved characters kept, space as '+', everything else %XX (upper case).
  it.each([
    [[], ''],
    [
      [
        ['time', '1700000000.5'],
        ['query', 'up'],
      ],
      'query=up&time=1700000000.5',
    ],
    [
      [
        ['b', '2'],
        ['a', 'x y'],
        ['b', '1'],
      ],
      'a=x+y&b=2&b=1',
    ],
    [[['q', "!'()*~-_."]], 'q=%21%27%28%29%2A~-_.'],
    [[['match[]', '{job="a b"}']], 'match%5B%5D=%7Bjob%3D%22a+b%22%7D'],
    [
      [['q', 'sum(rate(http_requests_total{code=~"5.."}[5m])) by (job)']],
      'q=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29+by+%28job%29',
    ],
    [[['é', '€']], '%C3%A9=%E2%82%AC'],
  ])('%j', (pairs, encoded) => {
    expect(encodeParams(new URLSearchParams(pairs as string[][]))).toBe(encoded);
  });
});
