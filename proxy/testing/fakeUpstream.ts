import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/** One request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  /** The body parsed as a form when it was sent as one, else null. */
  form: URLSearchParams | null;
  headers: http.IncomingHttpHeaders;
}

export type Responder = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the answer logic (default: 200 "ok"). */
  respond(responder: Responder): void;
  reset(): void;
  stop(): Promise<void>;
}

/** An in-process HTTP server standing in for Prometheus that records every request it gets. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = defaultResponder;
  const server = http.createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      body,
      form: isForm ? new URLSearchParams(body) : null,
      headers: req.headers,
    };
    requests.push(recorded);
    try {
      await responder(recorded, res);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500);
      }
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(r) {
      responder = r;
    },
    reset() {
      requests.length = 0;
      responder = defaultResponder;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const defaultResponder: Responder = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('ok');
};
