/** node:http adapter over FakeGrafana.handle, for the browser harness and HTTP-level tests. */
import { createServer, IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { FakeGrafana } from './fakeGrafana';

export interface FakeGrafanaServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface FakeGrafanaServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serves everything outside `/api/` and `/login` (e.g. the plugin's static files), same origin. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) {
      out[k] = Array.isArray(v) ? v.join(', ') : v;
    }
  }
  return out;
}

export async function startFakeGrafanaServer(
  fake: FakeGrafana,
  opts: FakeGrafanaServerOptions = {}
): Promise<FakeGrafanaServer> {
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/api/') && !url.startsWith('/login') && opts.fallback) {
      opts.fallback(req, res);
      return;
    }
    try {
      const text = await readBody(req);
      let body: unknown;
      if (text !== '') {
        const isProxy = url.startsWith('/api/datasources/proxy/');
        try {
          body = isProxy ? text : JSON.parse(text);
        } catch {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ message: 'bad request data' }));
          return;
        }
      }
      const out = await fake.handle({ method: req.method ?? 'GET', url, headers: flatHeaders(req), body });
      const isText = typeof out.body === 'string';
      res.writeHead(out.status, {
        'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
        ...out.headers,
      });
      res.end(out.body === undefined ? '' : isText ? out.body : JSON.stringify(out.body));
    } catch (e) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: `fake Grafana crashed: ${(e as Error).message}` }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
