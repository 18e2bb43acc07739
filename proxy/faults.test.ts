/** @jest-environment node */
/**
 * Fault handling: a dead or slow upstream, hostile request bodies and parameters. Every case
 * gets a clear status and Prometheus API error, nothing unenforced reaches the upstream, and the
 * proxy keeps serving afterwards (checked through /healthz after every case).
 */
import http from 'http';
import net, { type AddressInfo } from 'net';
import { startTestProxy, testProxyOptions } from './testing/proxyHarness';
import { proxyOverFakeUpstream } from './testing/suiteProxy';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string; path?: string } = {}
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection per request, so a closed proxy shows as refused.
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers })
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'x-tenant': 'a' };

const p = proxyOverFakeUpstream({ maxBodyBytes: 4096, upstreamTimeoutMs: 400 });
afterEach(async () => {
  expect((await request(`${p.url}/healthz`)).status).toBe(200);
});

function errorOf(a: Answer): { status: string; errorType: string; error: string } {
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(a.body);
}

describe('request faults answer a clear 4xx and send nothing upstream', () => {
  const cases: Array<[string, () => Promise<Answer>, number, RegExp]> = [
    ['no tenant header', () => request(`${p.url}/api/v1/query?query=up`), 400, /Missing HTTP header "X-Tenant"/],
    [
      'empty tenant header',
      () => request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': '' } }),
      400,
      /Missing HTTP header/,
    ],
    [
      'bad %-escape in the body',
      () => request(`${p.url}/api/v1/query`, { method: 'POST', headers: FORM, body: 'query=up%zz' }),
      400,
      /not valid form encoding/,
    ],
    [
      'percent-encoded invalid UTF-8 in the body',
      () => request(`${p.url}/api/v1/query`, { method: 'POST', headers: FORM, body: 'query=up%FF%FE' }),
      400,
      /invalid UTF-8/,
    ],
    [
      'raw invalid UTF-8 bytes in the body',
      () =>
        request(`${p.url}/api/v1/query`, {
          method: 'POST',
          headers: FORM,
          body: Buffer.from([0x71, 0x3d, 0xc3, 0x28]),
        }),
      400,
      /not valid UTF-8/,
    ],
    [
      'percent-encoded invalid UTF-8 in the URL',
      () => request(`${p.url}/api/v1/query?query=up%C0%AF`, { headers: { 'x-tenant': 'a' } }),
      400,
      /invalid UTF-8/,
    ],
    [
      'body larger than --max-body-bytes (Content-Length)',
      () => request(`${p.url}/api/v1/query`, { method: 'POST', headers: FORM, body: 'query=' + 'x'.repeat(10_000) }),
      413,
      /larger than 4096 bytes/,
    ],
    [
      'body larger than --max-body-bytes (chunked)',
      () =>
        request(`${p.url}/api/v1/query`, {
          method: 'POST',
          headers: { ...FORM, 'transfer-encoding': 'chunked' },
          body: 'query=' + 'x'.repeat(10_000),
        }),
      413,
      /larger than 4096 bytes/,
    ],
    [
      'query twice in the URL',
      () => request(`${p.url}/api/v1/query?query=up&query=down`, { headers: { 'x-tenant': 'a' } }),
      400,
      /2 "query" parameters/,
    ],
    [
      'query twice in the body',
      () => request(`${p.url}/api/v1/query_range`, { method: 'POST', headers: FORM, body: 'query=up&query=down' }),
      400,
      /2 "query" parameters/,
    ],
    [
      'semicolon separator',
      () => request(`${p.url}/api/v1/query?query=up;x=1`, { headers: { 'x-tenant': 'a' } }),
      400,
      /";"/,
    ],
    [
      'JSON body instead of a form',
      () =>
        request(`${p.url}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tenant': 'a' },
          body: '{"query":"up"}',
        }),
      415,
      /application\/x-www-form-urlencoded/,
    ],
    [
      'unparsable PromQL',
      () => request(`${p.url}/api/v1/query?query=${encodeURIComponent('sum(up')}`, { headers: { 'x-tenant': 'a' } }),
      400,
      /./,
    ],
    [
      'match[] that is not a selector',
      () =>
        request(`${p.url}/api/v1/series?match[]=${encodeURIComponent('rate(up[5m])')}`, {
          headers: { 'x-tenant': 'a' },
        }),
      400,
      /./,
    ],
    [
      'dot segments hidden from URL normalisation',
      () => request(`${p.url}/api/v1/status/buildinfo/..%2F..%2Fquery?query=up`, { headers: { 'x-tenant': 'a' } }),
      400,
      /"\.\."/,
    ],
    [
      'empty path segment',
      () => request(`${p.url}/api/v1//query?query=up`, { headers: { 'x-tenant': 'a' } }),
      400,
      /empty segments/,
    ],
    [
      'unknown path',
      () => request(`${p.url}/api/v1/status/config`, { headers: { 'x-tenant': 'a' } }),
      404,
      /not served by this proxy/,
    ],
    [
      'admin API',
      () => request(`${p.url}/api/v1/admin/tsdb/delete_series`, { method: 'POST', headers: FORM }),
      404,
      /not served/,
    ],
    [
      'PUT on the query route',
      () => request(`${p.url}/api/v1/query?query=up`, { method: 'PUT', headers: { 'x-tenant': 'a' } }),
      404,
      /PUT is not allowed/,
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, message) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    const err = errorOf(answer);
    expect(err.status).toBe('error');
    expect(err.error).toMatch(message);
    expect(p.upstream.requests).toEqual([]);
  });

  it('logs one line per rejection naming path, tenant and reason, never the query', async () => {
    const before = p.logs.length;
    await request(`${p.url}/api/v1/query?query=${encodeURIComponent('secret_metric{')}`, {
      headers: { 'x-tenant': 'tenant-a' },
    });
    // The access line is written when the response closes, just after the client has read it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = p.logs.slice(before);
    const rejections = lines.filter((l) => l.msg === 'request rejected');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({
      level: 'warn',
      msg: 'request rejected',
      reason: 'query-parse',
      status: 400,
      route: 'query',
      path: '/api/v1/query',
      tenant: 'tenant-a',
    });
    expect(lines.filter((l) => l.msg === 'request')).toEqual([
      expect.objectContaining({ method: 'GET', route: 'query', tenant: 'tenant-a', status: 400, upstreamMs: 0 }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });
});

describe('upstream faults', () => {
  it('upstream down → 502 naming the upstream', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const dead = await startTestProxy(testProxyOptions(`http://127.0.0.1:${port}`));
    try {
      const answer = await request(`${dead.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
      expect(answer.status).toBe(502);
      expect(errorOf(answer).error).toMatch(
        new RegExp(`upstream http://127.0.0.1:${port} is unreachable \\(ECONNREFUSED\\)`)
      );
      expect((await request(`${dead.url}/healthz`)).status).toBe(200);
    } finally {
      await dead.proxy.close();
    }
  });

  it('a pooled connection the upstream dropped is retried once on a fresh one', async () => {
    const served = new WeakMap<object, number>();
    p.upstream.respond((req, res) => {
      const socket = res.socket!;
      const count = (served.get(socket) ?? 0) + 1;
      served.set(socket, count);
      if (count > 1) {
        socket.destroy(); // as if the upstream had closed the idle connection just now
        return;
      }
      res.end('fresh');
    });
    const first = await request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
    const second = await request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
    expect([first.status, second.status, second.body]).toEqual([200, 200, 'fresh']);
    expect(p.upstream.requests).toHaveLength(3);
  });

  it('upstream slower than --upstream-timeout → 504', async () => {
    p.upstream.respond((_req, res) => {
      setTimeout(() => res.end('late'), 1500).unref();
    });
    const started = Date.now();
    const answer = await request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
    expect(answer.status).toBe(504);
    expect(errorOf(answer).error).toMatch(/did not answer within 400 ms/);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('streams a large answer: the client gets the first bytes before the upstream has finished', async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    p.upstream.respond(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first-chunk\n');
      await finished;
      res.end('x'.repeat(8 * 1024 * 1024));
    });
    const total = await new Promise<number>((resolve, reject) => {
      http
        .get(`${p.url}/federate?match[]=up`, { headers: { 'x-tenant': 'a' } }, (res) => {
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size === 0) {
              expect(c.toString()).toMatch(/^first-chunk/);
              finish(); // only now may the upstream complete: a buffering proxy would hang here
            }
            size += c.length;
          });
          res.on('end', () => resolve(size));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    expect(total).toBe('first-chunk\n'.length + 8 * 1024 * 1024);
  });

  it('an upstream that dies mid-body cuts the client connection instead of leaving it hanging', async () => {
    p.upstream.respond((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 50).unref();
    });
    const outcome = await request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } }).then(
      () => 'completed',
      (err: Error) => err.message
    );
    expect(outcome).toMatch(/aborted|socket hang up|ECONNRESET/);
  });

  it('a client that leaves before the upstream answered cancels the upstream request', async () => {
    // A long --upstream-timeout, so only the cancellation can close the upstream connection in time.
    const patient = await startTestProxy(testProxyOptions(p.upstream.url, { upstreamTimeoutMs: 60_000 }));
    try {
      let arrived: () => void = () => {};
      const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
      const upstreamClosed = new Promise<void>((resolve) => {
        p.upstream.respond((_req, res) => {
          res.socket!.once('close', () => resolve());
          arrived(); // and never answer
        });
      });
      const req = http.get(`${patient.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
      req.on('error', () => {});
      await requestArrived;
      req.destroy();
      await upstreamClosed;
      expect((await request(`${patient.url}/healthz`)).status).toBe(200);
    } finally {
      await patient.proxy.close();
    }
  });

  it('a client that disconnects mid-answer does not break the proxy', async () => {
    p.upstream.respond((_req, res) => {
      res.writeHead(200);
      res.write('partial');
      setTimeout(() => res.end('rest'), 300).unref();
    });
    await new Promise<void>((resolve) => {
      const req = http.get(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 400));
  });
});

describe('tenant source hygiene', () => {
  it('header mode: the tenant header is not forwarded and a tenant query parameter is ignored', async () => {
    const answer = await request(`${p.url}/api/v1/query?query=up&tenant=b`, { headers: { 'x-tenant': 'a' } });
    expect(answer.status).toBe(200);
    const [forwarded] = p.upstream.requests;
    expect(forwarded.query.get('query')).toBe('up{tenant="a"}');
    expect(forwarded.headers['x-tenant']).toBeUndefined();
  });

  it('static mode: a client-sent tenant header changes nothing', async () => {
    const fixed = await startTestProxy(testProxyOptions(p.upstream.url, { tenant: { kind: 'static', values: ['a'] } }));
    try {
      const answer = await request(`${fixed.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'b', tenant: 'b' } });
      expect(answer.status).toBe(200);
      expect(p.upstream.requests[0].query.get('query')).toBe('up{tenant="a"}');
    } finally {
      await fixed.proxy.close();
    }
  });

  it('two tenant header lines are refused, never merged (issue #14)', async () => {
    const res = await request(`${p.url}/api/v1/query?query=up`, { headers: { 'x-tenant': ['a', 'b,c'] } });
    expect(res.status).toBe(400);
    expect(p.upstream.requests).toHaveLength(0);
  });
});

describe('operations', () => {
  it('serves /healthz and prom-client metrics with rejections by reason on the internal address', async () => {
    const ops = await startTestProxy(testProxyOptions(p.upstream.url, { internalListenAddress: '127.0.0.1:0' }));
    try {
      await request(`${ops.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
      await request(`${ops.url}/api/v1/query?query=up`);
      expect((await request(`${ops.internalUrl}/healthz`)).body).toBe('{"ok":true}\n');
      const metrics = (await request(`${ops.internalUrl}/metrics`)).body;
      expect(metrics).toMatch(/tenancy_proxy_requests_total\{route="query",code="200"\} 1/);
      expect(metrics).toMatch(/tenancy_proxy_requests_total\{route="query",code="400"\} 1/);
      expect(metrics).toMatch(/tenancy_proxy_rejections_total\{reason="missing-tenant"\} 1/);
      expect(metrics).toMatch(/tenancy_proxy_upstream_duration_seconds_count\{route="query"\} 1/);
    } finally {
      await ops.proxy.close();
    }
  });

  it('close() lets an in-flight request finish, then refuses new connections', async () => {
    const draining = await startTestProxy(testProxyOptions(p.upstream.url));
    p.upstream.respond((_req, res) => {
      setTimeout(() => res.end('slow but fine'), 300).unref();
    });
    const inFlight = request(`${draining.url}/api/v1/query?query=up`, { headers: { 'x-tenant': 'a' } });
    await new Promise((r) => setTimeout(r, 100));
    const closed = draining.proxy.close();
    const answer = await inFlight;
    await closed;
    expect(answer).toMatchObject({ status: 200, body: 'slow but fine' });
    await expect(request(`${draining.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('passes listed passthrough paths through untouched, without a tenant', async () => {
    const pass = await startTestProxy(
      testProxyOptions(p.upstream.url, { passthroughPaths: ['/api/v1/status/buildinfo'] })
    );
    try {
      const answer = await request(`${pass.url}/api/v1/status/buildinfo?x=1`);
      expect(answer).toMatchObject({ status: 200, body: 'ok' });
      expect(p.upstream.requests[0].path).toBe('/api/v1/status/buildinfo');
    } finally {
      await pass.proxy.close();
    }
  });

  it('drops proxy credentials on passthrough paths, as on enforced routes', async () => {
    const pass = await startTestProxy(
      testProxyOptions(p.upstream.url, { passthroughPaths: ['/api/v1/status/buildinfo'] })
    );
    try {
      const answer = await request(`${pass.url}/api/v1/status/buildinfo`, {
        headers: {
          'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==',
          'proxy-authenticate': 'Basic realm="proxy"',
          'x-kept': 'yes',
        },
      });
      expect(answer.status).toBe(200);
      const sent = p.upstream.requests[0].headers;
      expect(sent['x-kept']).toBe('yes');
      expect(sent).not.toHaveProperty('proxy-authorization');
      expect(sent).not.toHaveProperty('proxy-authenticate');
    } finally {
      await pass.proxy.close();
    }
  });
});
