/** @jest-environment node */
/**
 * --upstream-kind=loki against a recording fake Loki: every read route of the issue enforced (what
 * reaches Loki is re-parsed and every stream selector checked pinned to the tenant, independently
 * of the engine), X-Scope-OrgID always the configured one, and push, delete, ruler and unknown paths
 * refused before Loki sees anything. Spoofing attempts — a client X-Scope-OrgID, `query` twice, a
 * query in both URL and body, `match` beside `match[]`, unknown parameters — are refused or pinned.
 * No Loki binary exists in this environment: the fake stands in for it.
 */
import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { unpinnedSelectors } from '../src/logql/testing/selectorWalk';
import type { RecordedRequest } from './testing/fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from './testing/proxyHarness';
import { proxyOverFakeUpstream } from './testing/suiteProxy';

const LOKI = { upstreamKind: 'loki', lokiOrgId: 'shared-loki' } as const;
const suite = proxyOverFakeUpstream(LOKI);

async function send(
  path: string,
  opts: { method?: string; form?: string; headers?: Record<string, string>; tenant?: string | null } = {}
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.tenant !== null) {
    headers['X-Tenant'] = opts.tenant ?? 'a';
  }
  if (opts.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(suite.url + path, { method: opts.method ?? 'GET', headers, body: opts.form });
  return { status: res.status, body: await res.text() };
}

function only(): RecordedRequest {
  expect(suite.upstream.requests).toHaveLength(1);
  return suite.upstream.requests[0];
}

/** Every LogQL value that reached Loki (URL and body), each checked pinned with the independent walk. */
function expectPinned(req: RecordedRequest, names: readonly string[]): string[] {
  const seen: string[] = [];
  for (const params of [req.query, req.form ?? new URLSearchParams()]) {
    for (const name of names) {
      for (const value of params.getAll(name)) {
        seen.push(value);
        expect({ value, unpinned: unpinnedSelectors(value, 'tenant', '=', 'a') }).toEqual({ value, unpinned: [] });
      }
    }
  }
  expect(seen.length).toBeGreaterThan(0);
  expect(req.headers['x-scope-orgid']).toBe('shared-loki');
  expect(req.headers['x-tenant']).toBeUndefined();
  return seen;
}

const q = (s: string) => encodeURIComponent(s);
const METRIC = 'sum by (level) (count_over_time({app="api", tenant!="a"} |= "err" [5m])) / sum(rate({app="api"}[5m]))';

describe('every Loki read route reaches Loki only with the tenant pinned', () => {
  it.each([
    ['/loki/api/v1/query', `query=${q(METRIC)}&limit=10&time=1&direction=forward`],
    ['/loki/api/v1/query_range', `query=${q('{app="api"} | json | tenant="b"')}&start=1&end=2&step=60&limit=5`],
    ['/loki/api/v1/index/stats', `query=${q('{app="api"}')}&start=1&end=2`],
    ['/loki/api/v1/index/volume', `query=${q('{app=~".+"}')}&targetLabels=app&aggregateBy=labels`],
    ['/loki/api/v1/index/volume_range', `query=${q('{app="x"}')}&step=60`],
    ['/loki/api/v1/patterns', `query=${q('{app="x"}')}&step=60`],
    ['/loki/api/v1/detected_fields', `query=${q('{app="x"} | logfmt')}&line_limit=10`],
    ['/loki/api/v1/detected_field/level/values', `query=${q('{app="x"}')}`],
    ['/loki/api/v1/format_query', `query=${q('{app="x"}|="a"')}`],
    ['/api/prom/query', `query=${q('{app="x"}')}&regexp=err&limit=10`],
    // no query given: the whole tenant, never every stream
    ['/loki/api/v1/labels', 'start=1&end=2'],
    ['/loki/api/v1/label/app/values', ''],
    ['/loki/api/v1/detected_labels', 'start=1'],
    ['/api/prom/label', ''],
    ['/api/prom/label/app/values', ''],
    // a query given is pinned too
    ['/loki/api/v1/labels', `query=${q('{app="x", tenant="b"}')}`],
  ])('GET %s?%s', async (path, search) => {
    const res = await send(`${path}?${search}`);
    expect(res.status).toBe(200);
    const req = only();
    expect(req.path).toBe(path);
    expectPinned(req, ['query']);
  });

  it.each([
    ['/loki/api/v1/query_range', `query=${q(METRIC)}&start=1&end=2`],
    ['/loki/api/v1/series', `match[]=${q('{app="x"}')}`],
    ['/loki/api/v1/labels', 'start=1'],
  ])('POST %s (form body)', async (path, form) => {
    const res = await send(path, { method: 'POST', form });
    expect(res.status).toBe(200);
    expectPinned(only(), ['query', 'match[]', 'match']);
  });

  it('series: every match[] and Loki’s older match are pinned; none given selects the tenant', async () => {
    await send(`/loki/api/v1/series?match[]=${q('{app="x"}')}&match[]=${q('{tenant="b"}')}&match=${q('{job="j"}')}`);
    expect(expectPinned(only(), ['match[]', 'match'])).toHaveLength(3);
    suite.upstream.reset();
    await send('/api/prom/series?start=1');
    expect(only().query.getAll('match[]')).toEqual(['{tenant="a"}']);
  });

  it('a tenant header value with a comma is one tenant (no --header-uses-list-syntax)', async () => {
    await send(`/loki/api/v1/query?query=${q('{app="x"}')}`, { tenant: 'a,b', headers: {} });
    expect(only().query.get('query')).toBe('{app="x",tenant="a,b"}');
  });
});

describe('spoofing and everything else is refused before Loki sees it', () => {
  it.each([
    ['a client X-Scope-OrgID', `/loki/api/v1/query?query=${q('{app="x"}')}`, { 'X-Scope-OrgID': 'other-org' }, 400],
    ['query twice', `/loki/api/v1/query?query=${q('{app="x"}')}&query=${q('{app="y"}')}`, {}, 400],
    ['an unknown parameter', `/loki/api/v1/query_range?query=${q('{app="x"}')}&shards=0_of_2`, {}, 400],
    ['a parameter with another spelling', `/loki/api/v1/query?Query=${q('{app="x"}')}&query=${q('{a="b"}')}`, {}, 400],
    ['no query where one is needed', '/loki/api/v1/query_range?start=1', {}, 400],
    ['an invalid query', `/loki/api/v1/query?query=${q('{app="x"} or {app="y"}')}`, {}, 400],
    [
      'a query the grammar lacks',
      `/loki/api/v1/query?query=${q('variants(count_over_time({a="b"}[1m])) of ({a="b"}[1m])')}`,
      {},
      400,
    ],
    ['a series match[] that is not a bare selector', `/loki/api/v1/series?match[]=${q('{app="x"} |= "a"')}`, {}, 400],
  ])('%s', async (_what, path, headers, status) => {
    const res = await send(path, { headers });
    expect(res.status).toBe(status);
    expect(suite.upstream.requests).toHaveLength(0);
  });

  it('a request without a tenant', async () => {
    expect((await send(`/loki/api/v1/query?query=${q('{app="x"}')}`, { tenant: null })).status).toBe(400);
    expect(suite.upstream.requests).toHaveLength(0);
  });

  it('a query in both the URL and the body: both pinned (Loki reads the body first)', async () => {
    const res = await send(`/loki/api/v1/query_range?query=${q('{app="url"}')}`, {
      method: 'POST',
      form: `query=${q('{app="body"}')}`,
    });
    expect(res.status).toBe(200);
    expect(expectPinned(only(), ['query'])).toEqual(['{app="url",tenant="a"}', '{app="body",tenant="a"}']);
  });

  it.each([
    ['POST', '/loki/api/v1/push'],
    ['POST', '/api/prom/push'],
    ['POST', '/otlp/v1/logs'],
    ['POST', '/loki/api/v1/delete'],
    ['PUT', '/loki/api/v1/delete'],
    ['GET', '/loki/api/v1/delete'],
    ['DELETE', '/loki/api/v1/delete'],
    ['POST', '/loki/api/v1/rules/ns'],
    ['DELETE', '/loki/api/v1/rules/ns/group'],
    ['GET', '/loki/api/v1/rules'],
    ['POST', '/api/prom/rules/ns'],
    ['GET', '/prometheus/api/v1/rules'],
    ['POST', '/config/v1/rules/ns'],
    ['GET', '/loki/api/v1/status/buildinfo'],
    ['GET', '/api/v1/query'],
    ['GET', '/loki/api/v1/query/../../loki/api/v1/push'],
    ['DELETE', '/loki/api/v1/query'],
  ])('%s %s', async (method, path) => {
    const res = await send(path, { method, form: method === 'GET' || method === 'DELETE' ? undefined : 'x=1' });
    expect([400, 404]).toContain(res.status);
    expect(suite.upstream.requests).toHaveLength(0);
  });
});

describe('a path of another upstream kind: 404 naming the proxy kind that serves it, nothing forwarded', () => {
  const prometheusProxy = proxyOverFakeUpstream();

  it('a Prometheus query sent to the Loki proxy', async () => {
    const res = await send(`/api/v1/query?query=${q('up')}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/is a Prometheus API and this proxy guards Loki.*--upstream-kind=prometheus/);
    expect(suite.upstream.requests).toHaveLength(0);
  });

  it('a Loki query sent to the Prometheus proxy', async () => {
    const res = await fetch(`${prometheusProxy.url}/loki/api/v1/query_range?query=${q('{app="x"}')}`, {
      headers: { 'X-Tenant': 'a' },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(
      /is a Loki API and this proxy guards Prometheus.*--upstream-kind=loki --loki-org-id=ORG/
    );
    expect(prometheusProxy.upstream.requests).toHaveLength(0);
  });

  it('a path no kind serves keeps the plain answer', async () => {
    const res = await send('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/only enforced Loki APIs are/);
  });
});

describe('options', () => {
  it('--upstream-kind=loki needs --loki-org-id, and only loki takes it', async () => {
    await expect(startTestProxy(testProxyOptions('http://127.0.0.1:1', { upstreamKind: 'loki' }))).rejects.toThrow(
      /needs --loki-org-id/
    );
    await expect(startTestProxy(testProxyOptions('http://127.0.0.1:1', { lokiOrgId: 'x' }))).rejects.toThrow(
      /only applies with --upstream-kind=loki/
    );
  });
});

/** A fake Loki answering the tail upgrade with 101 and one text frame, recording the upgrade request. */
async function startTailLoki(): Promise<{ url: string; seen: http.IncomingMessage[]; stop(): Promise<void> }> {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((_req, res) => res.end('no'));
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req, socket) => {
    seen.push(req);
    sockets.add(socket);
    const accept = crypto
      .createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    const payload = Buffer.from('{"streams":[]}');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`
    );
    socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        sockets.forEach((socket) => socket.destroy()); // upgraded sockets are not the server's any more
        server.close(() => resolve());
      }),
  };
}

function upgrade(
  base: string,
  path: string,
  headers: Record<string, string>
): Promise<{ status: number; data: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket, head: Buffer) => {
      const done = (frame: Buffer) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, data: frame.subarray(2).toString() });
      };
      if (head.length > 0) {
        done(head);
      } else {
        socket.once('data', done);
      }
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, data: body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tail over WebSocket', () => {
  let loki: Awaited<ReturnType<typeof startTailLoki>>;
  let proxy: StartedProxy;
  beforeAll(async () => {
    loki = await startTailLoki();
    proxy = await startTestProxy(testProxyOptions(loki.url, LOKI));
  });
  afterAll(async () => {
    await proxy.proxy.close();
    await loki.stop();
  });
  beforeEach(() => (loki.seen.length = 0));

  it.each(['/loki/api/v1/tail', '/api/prom/tail'])(
    '%s: upgraded with the query pinned and the configured org',
    async (path) => {
      const res = await upgrade(proxy.url, `${path}?query=${q('{app="x", tenant="b"} |= "e"')}&delay_for=1`, {
        'X-Tenant': 'a',
      });
      expect(res).toEqual({ status: 101, data: '{"streams":[]}' });
      expect(loki.seen).toHaveLength(1);
      const url = new URL(loki.seen[0].url ?? '', 'http://x');
      expect(url.pathname).toBe(path);
      expect(unpinnedSelectors(url.searchParams.get('query') ?? '', 'tenant', '=', 'a')).toEqual([]);
      expect(loki.seen[0].headers['x-scope-orgid']).toBe('shared-loki');
      expect(loki.seen[0].headers['x-tenant']).toBeUndefined();
    }
  );

  it.each([
    ['a client X-Scope-OrgID', `/loki/api/v1/tail?query=${q('{app="x"}')}`, { 'X-Tenant': 'a', 'X-Scope-OrgID': 'o' }],
    ['no tenant', `/loki/api/v1/tail?query=${q('{app="x"}')}`, {}],
    ['no query', '/loki/api/v1/tail?delay_for=1', { 'X-Tenant': 'a' }],
    ['an unknown parameter', `/loki/api/v1/tail?query=${q('{app="x"}')}&x=1`, { 'X-Tenant': 'a' }],
    ['another path', `/loki/api/v1/push?query=${q('{app="x"}')}`, { 'X-Tenant': 'a' }],
  ])('refused: %s', async (_what, path, headers) => {
    const res = await upgrade(proxy.url, path, headers);
    expect([400, 404]).toContain(res.status);
    expect(loki.seen).toHaveLength(0);
  });
});

describe('other identity sources apply to Loki too', () => {
  const byParam = proxyOverFakeUpstream({ ...LOKI, tenant: { kind: 'queryParam', name: 'tenant' } });

  it('--query-param: the tenant parameter is consumed, never forwarded nor refused as unknown', async () => {
    const res = await fetch(`${byParam.url}/loki/api/v1/query_range?tenant=b&query=${q('{app="x"}')}&start=1`);
    expect(res.status).toBe(200);
    expect(byParam.upstream.requests).toHaveLength(1);
    const req = byParam.upstream.requests[0];
    expect(req.query.get('query')).toBe('{app="x",tenant="b"}');
    expect(req.query.has('tenant')).toBe(false);
    expect(req.headers['x-scope-orgid']).toBe('shared-loki');
  });
});
