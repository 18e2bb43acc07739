import type { IncomingHttpHeaders, ServerResponse } from 'http';
import { Readable } from 'stream';
import { Pool } from 'undici';
import { gunzipSync, inflateSync } from 'zlib';
import { encodeParams, type Params } from './params';
import { ProxyRejection } from './rejection';
import { UpstreamExchange } from './upstreamExchange';

/** One request to the upstream, always rebuilt from parsed parameters (never the client's bytes). */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query: Params;
  /** POST form body; null sends no body (unless `json` is given). */
  form: Params | null;
  /** A JSON POST body the proxy built (Alertmanager silences); only when `form` is null. */
  json?: string;
  headers: Record<string, string | string[]>;
}

/** Hop-by-hop headers (RFC 9110 section 7.6.1): meaningful for one connection only, never forwarded. */
export const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
] as const;
/** Credentials between the client and this proxy (RFC 9110 section 11.7): never sent upstream. */
export const PROXY_AUTH_HEADERS = ['proxy-authenticate', 'proxy-authorization'] as const;
// Hop-by-hop headers, proxy credentials and headers the proxy sets itself.
const NOT_FORWARDED_REQUEST = new Set<string>([
  ...HOP_BY_HOP_HEADERS,
  ...PROXY_AUTH_HEADERS,
  'host',
  'content-length',
  'content-type',
  'expect',
  'cookie',
]);
const NOT_FORWARDED_RESPONSE = new Set<string>(HOP_BY_HOP_HEADERS);

/**
 * Client headers that may travel upstream; `dropped` names extra headers to remove (the tenant
 * header), lower case.
 */
export function forwardableHeaders(
  headers: IncomingHttpHeaders,
  dropped: ReadonlySet<string>
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_FORWARDED_REQUEST.has(name) || dropped.has(name)) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** An upstream answer whose status and headers arrived. */
export interface UpstreamResponse {
  statusCode: number;
  /** Header lines as received, flat: name, value, name, value, ... (node's rawHeaders layout). */
  rawHeaders: string[];
  /**
   * The whole body when it arrived in the same socket read as the headers (the usual small API
   * answer), else a stream, so large or slow answers are relayed as they come.
   */
  body: Buffer | Readable;
}

/** A header's first value in flat raw headers; `name` in lower case. */
export function rawHeaderValue(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === name.length && rawHeaders[i].toLowerCase() === name) {
      return rawHeaders[i + 1];
    }
  }
  return undefined;
}

// Errors of a pooled keep-alive connection the upstream closed meanwhile (undici's SocketError is
// "other side closed").
const DROPPED_CONNECTION = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

const CLIENT_CLOSED = () =>
  new ProxyRejection(499, 'client-closed', 'the client closed the connection before the upstream answered');

export class Upstream {
  private readonly pool: Pool;
  /** The upstream URL's path prefix without a trailing slash, e.g. `/prometheus` or ''. */
  private readonly basePath: string;

  constructor(
    readonly base: URL,
    readonly timeoutMs: number,
    private readonly observeLatency: (route: string, seconds: number) => void
  ) {
    this.basePath = base.pathname.replace(/\/+$/, '');
    // undici rather than node:http's Agent: its client costs markedly less CPU per request, which
    // is most of the proxy's own cost (benchmarks/proxy.bench.ts). Idle pooled connections are
    // closed after 30 s, well before Prometheus drops idle connections (--web.read-timeout, 5m by
    // default), which keeps the reused-connection race rare. bodyTimeout cuts a body that stalls
    // after the headers; the wait for the headers is timed below, connecting included.
    this.pool = new Pool(base.origin, {
      connections: 256,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 30_000,
      headersTimeout: 0,
      bodyTimeout: timeoutMs,
    });
  }

  /**
   * Sends the request; resolves when the upstream's status and headers arrived.
   *
   * @param client the response to the client: when the client leaves before the upstream has
   *   answered, the upstream request is cancelled.
   */
  send(req: UpstreamRequest, route: string, client?: ServerResponse): Promise<UpstreamResponse> {
    const body = req.form ? encodeParams(req.form) : (req.json ?? null);
    const search = encodeParams(req.query);
    const headers: Record<string, string | string[]> = { ...req.headers };
    if (body !== null) {
      headers['content-type'] = req.form ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    // Prometheus requests are all reads, and an Alertmanager DELETE (expire) is idempotent; a JSON
    // POST creates or changes a silence, which must not happen twice.
    const retryable = req.json === undefined || req.form !== null;
    const path = `${this.basePath}${req.path}${search ? `?${search}` : ''}`;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let timedOut = false;
      let clientGone = false;
      let current: UpstreamExchange | null = null;
      // Both answer at once: a request still queued for a connection (or connecting) has no socket
      // to abort yet, and is only dropped once it gets one.
      const timer = setTimeout(() => {
        timedOut = true;
        current?.cancel();
        reject(this.timeoutRejection());
      }, this.timeoutMs);
      client?.once('close', () => {
        if (!client.writableFinished) {
          clientGone = true;
          current?.cancel();
          clearTimeout(timer);
          reject(CLIENT_CLOSED());
        }
      });

      const attempt = (mayRetry: boolean) => {
        current = new UpstreamExchange(
          (res) => {
            clearTimeout(timer);
            this.observeLatency(route, (performance.now() - started) / 1000);
            resolve(res);
          },
          (err: NodeJS.ErrnoException) => {
            // A pooled keep-alive connection the upstream closed meanwhile: the request most likely
            // never got there, so one retry is safe for reads and idempotent requests.
            if (mayRetry && !timedOut && !clientGone && DROPPED_CONNECTION.has(err.code ?? '')) {
              attempt(false);
              return;
            }
            clearTimeout(timer);
            reject(
              clientGone
                ? CLIENT_CLOSED()
                : timedOut
                  ? this.timeoutRejection()
                  : new ProxyRejection(
                      502,
                      'upstream-unreachable',
                      `the upstream ${this.base.origin} is unreachable (${err.code ?? err.message}); check that Prometheus is running and --upstream is right`
                    )
            );
          }
        );
        this.pool.dispatch({ origin: this.base.origin, method: req.method, path, headers, body }, current);
      };
      attempt(retryable);
    });
  }

  private timeoutRejection(): ProxyRejection {
    return new ProxyRejection(
      504,
      'upstream-timeout',
      `the upstream ${this.base.origin} did not answer within ${this.timeoutMs} ms (--upstream-timeout); try a cheaper query or a shorter range`
    );
  }

  /** Reads a whole upstream answer (decompressed) for the routes that filter responses. */
  async readBody(res: UpstreamResponse, limitBytes: number): Promise<Buffer> {
    const tooLarge = () =>
      new ProxyRejection(502, 'upstream-invalid-response', `the upstream answer is larger than ${limitBytes} bytes`);
    let raw: Buffer;
    if (Buffer.isBuffer(res.body)) {
      if (res.body.length > limitBytes) {
        throw tooLarge();
      }
      raw = res.body;
    } else {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limitBytes) {
          res.body.destroy();
          throw tooLarge();
        }
        chunks.push(chunk);
      }
      raw = Buffer.concat(chunks);
    }
    const encoding = (rawHeaderValue(res.rawHeaders, 'content-encoding') ?? '').toLowerCase();
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') {
        return gunzipSync(raw);
      }
      if (encoding === 'deflate') {
        return inflateSync(raw);
      }
    } catch {
      throw new ProxyRejection(502, 'upstream-invalid-response', `the upstream answer is not valid ${encoding}`, true);
    }
    return raw;
  }

  close(): void {
    this.pool.destroy().catch(() => {});
  }
}

/** Relays an upstream answer to the client unchanged (status, headers, body). */
export async function streamResponse(upstreamRes: UpstreamResponse, res: ServerResponse): Promise<void> {
  const raw = upstreamRes.rawHeaders;
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!NOT_FORWARDED_RESPONSE.has(raw[i].toLowerCase())) {
      headers.push(raw[i], raw[i + 1]);
    }
  }
  res.writeHead(upstreamRes.statusCode, headers);
  const body = upstreamRes.body;
  if (Buffer.isBuffer(body)) {
    // Complete already: one write, no stream machinery (most API answers; a profile showed the
    // Readable, pipe() and their listeners as a visible share of the proxy's CPU per request).
    res.end(body);
    return;
  }
  // pipe() rather than stream.pipeline(): pipeline allocates and aborts an AbortController (a
  // DOMException) per call, a measurable share of the proxy's CPU per request.
  await new Promise<void>((resolve) => {
    let complete = false;
    body.once('end', () => (complete = true));
    body.once('error', () => {
      // The upstream broke mid-body: the status line is sent, so cut the client connection.
      res.destroy();
      resolve();
    });
    body.once('close', () => {
      if (!complete) {
        res.destroy();
        resolve();
      }
    });
    res.once('close', () => {
      if (!complete) {
        body.destroy();
      }
      resolve();
    });
    body.pipe(res);
  });
}
