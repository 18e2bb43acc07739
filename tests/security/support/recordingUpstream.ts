/**
 * A fake Prometheus that records every request exactly as it arrived, and reads the parameters
 * the way Prometheus (Go's net/http ParseForm) would: URL query plus, for POST/PUT/PATCH with a
 * form content type, the body. Independent of proxy/testing so the proxy is not checked by itself.
 */
import http, { type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';

export interface Seen {
  method: string;
  rawUrl: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Go's r.Form: body values first, then URL values (net/http request.go parsePostForm). */
  form: Map<string, string[]>;
}

export interface RecordingUpstream {
  url: string;
  seen: Seen[];
  stop(): Promise<void>;
}

function addAll(into: Map<string, string[]>, params: URLSearchParams): void {
  for (const [k, v] of params) {
    into.set(k, [...(into.get(k) ?? []), v]);
  }
}

/** Canned answers so that metadata, rules and alerts filtering can be observed. */
function answer(path: string): unknown {
  if (path === '/api/v1/label/__name__/values') {
    return { status: 'success', data: ['up'] };
  }
  if (path === '/api/v1/metadata') {
    return {
      status: 'success',
      data: {
        up: [{ type: 'gauge', help: 'tenant a metric', unit: '' }],
        secret_of_b: [{ type: 'gauge', help: 'tenant b only', unit: '' }],
      },
    };
  }
  if (path === '/api/v1/alerts') {
    return {
      status: 'success',
      data: {
        alerts: [
          { labels: { alertname: 'A', tenant: 'a' }, state: 'firing' },
          { labels: { alertname: 'B', tenant: 'b' }, state: 'firing' },
          { labels: { alertname: 'N' }, state: 'firing' },
        ],
      },
    };
  }
  if (path === '/api/v1/rules') {
    return {
      status: 'success',
      data: {
        groups: [
          {
            name: 'g',
            rules: [
              { type: 'recording', name: 'ra', labels: { tenant: 'a' } },
              { type: 'recording', name: 'rb', labels: { tenant: 'b' } },
              { type: 'alerting', name: 'rn', labels: {}, alerts: [{ labels: { tenant: 'b' }, state: 'firing' }] },
            ],
          },
        ],
      },
    };
  }
  return { status: 'success', data: { resultType: 'vector', result: [] } };
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const seen: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) {
      chunks.push(c);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    const form = new Map<string, string[]>();
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (['POST', 'PUT', 'PATCH'].includes(req.method ?? '') && type === 'application/x-www-form-urlencoded') {
      addAll(form, new URLSearchParams(body));
    }
    addAll(form, url.searchParams);
    seen.push({
      method: req.method ?? '',
      rawUrl: req.url ?? '',
      path: url.pathname,
      headers: req.headers,
      body,
      form,
    });
    const text = JSON.stringify(answer(url.pathname));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** Sends exactly these bytes of path and headers (no URL normalisation, unlike fetch). */
export function rawRequest(
  base: string,
  opts: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string }
): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers:
          opts.body !== undefined &&
          !Object.keys(opts.headers ?? {}).some((h) => /^(content-length|transfer-encoding)$/i.test(h))
            ? { 'Content-Length': Buffer.byteLength(opts.body), ...opts.headers }
            : opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }
    );
    req.on('error', (err) => resolve({ status: -1, body: String(err) }));
    if (opts.body !== undefined) {
      req.write(opts.body);
    }
    req.end();
  });
}
