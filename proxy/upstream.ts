import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'http';
import https from 'https';
import { gunzipSync, inflateSync } from 'zlib';
import { encodeParams, type Params } from './params';
import { ProxyRejection } from './rejection';

/** One request to the upstream, always rebuilt from parsed parameters (never the client's bytes). */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query: Params;
  /** POST form body; null sends no body. */
  form: Params | null;
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
// Hop-by-hop headers, proxy credentials and headers the proxy sets itself.
const NOT_FORWARDED_REQUEST = new Set<string>([
  ...HOP_BY_HOP_HEADERS,
  'proxy-authenticate',
  'proxy-authorization',
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

export class Upstream {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;
  /** The upstream URL's path prefix without a trailing slash, e.g. `/prometheus` or ''. */
  private readonly basePath: string;

  constructor(
    readonly base: URL,
    readonly timeoutMs: number,
    private readonly observeLatency: (route: string, seconds: number) => void
  ) {
    this.client = base.protocol === 'https:' ? https : http;
    this.basePath = base.pathname.replace(/\/+$/, '');
    // Idle pooled sockets are closed after 30 s, well before Prometheus drops idle connections
    // (--web.read-timeout, 5m by default), which keeps the reused-socket race rare.
    this.agent = new this.client.Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo', timeout: 30_000 });
  }

  /**
   * Sends the request; resolves when the upstream's status and headers arrived.
   *
   * @param client the response to the client: when the client leaves before the upstream has
   *   answered, the upstream request is cancelled.
   */
  send(req: UpstreamRequest, route: string, client?: ServerResponse): Promise<IncomingMessage> {
    const body = req.form ? encodeParams(req.form) : null;
    const search = encodeParams(req.query);
    const headers: Record<string, string | string[] | number> = { ...req.headers };
    if (body !== null) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let timedOut = false;
      let clientGone = false;
      let current: http.ClientRequest | null = null;
      const timer = setTimeout(() => {
        timedOut = true;
        current?.destroy();
      }, this.timeoutMs);
      client?.once('close', () => {
        if (!client.writableFinished) {
          clientGone = true;
          current?.destroy();
        }
      });

      const attempt = (mayRetry: boolean) => {
        const upstreamReq = this.client.request(
          {
            protocol: this.base.protocol,
            hostname: this.base.hostname,
            port: this.base.port,
            method: req.method,
            path: `${this.basePath}${req.path}${search ? `?${search}` : ''}`,
            headers,
            agent: this.agent,
            // Idle limit on the socket while this request owns it: cuts a body that stalls after
            // the headers (node resets it when the socket returns to the pool).
            timeout: this.timeoutMs,
          },
          (res) => {
            clearTimeout(timer);
            this.observeLatency(route, (performance.now() - started) / 1000);
            resolve(res);
          }
        );
        current = upstreamReq;
        upstreamReq.on('timeout', () => {
          timedOut = true;
          upstreamReq.destroy();
        });
        upstreamReq.on('error', (err: NodeJS.ErrnoException) => {
          // A pooled keep-alive connection the upstream closed meanwhile: the request never got
          // there, and every request the proxy sends is a read, so one retry on a fresh socket is safe
          // (https://nodejs.org/api/http.html#requestreusedsocket).
          if (mayRetry && upstreamReq.reusedSocket && err.code === 'ECONNRESET' && !timedOut && !clientGone) {
            attempt(false);
            return;
          }
          clearTimeout(timer);
          reject(
            clientGone
              ? new ProxyRejection(
                  499,
                  'client-closed',
                  'the client closed the connection before the upstream answered'
                )
              : timedOut
                ? new ProxyRejection(
                    504,
                    'upstream-timeout',
                    `the upstream ${this.base.origin} did not answer within ${this.timeoutMs} ms (--upstream-timeout); try a cheaper query or a shorter range`
                  )
                : new ProxyRejection(
                    502,
                    'upstream-unreachable',
                    `the upstream ${this.base.origin} is unreachable (${err.code ?? err.message}); check that Prometheus is running and --upstream is right`
                  )
          );
        });
        upstreamReq.end(body ?? undefined);
      };
      attempt(true);
    });
  }

  /** Reads a whole upstream answer (decompressed) for the routes that filter responses. */
  async readBody(res: IncomingMessage, limitBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) {
        res.destroy();
        throw new ProxyRejection(
          502,
          'upstream-invalid-response',
          `the upstream answer is larger than ${limitBytes} bytes`
        );
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
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
    this.agent.destroy();
  }
}

/** Streams an upstream answer to the client unchanged (status, headers, body). */
export async function streamResponse(upstreamRes: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstreamRes.headers)) {
    if (value !== undefined && !NOT_FORWARDED_RESPONSE.has(name)) {
      headers[name] = value;
    }
  }
  res.writeHead(upstreamRes.statusCode ?? 502, headers);
  // pipe() rather than stream.pipeline(): pipeline allocates and aborts an AbortController (a
  // DOMException) per call, a measurable share of the proxy's CPU per request.
  await new Promise<void>((resolve) => {
    upstreamRes.once('error', () => {
      // The upstream broke mid-body: the status line is sent, so cut the client connection.
      res.destroy();
      resolve();
    });
    upstreamRes.once('close', () => {
      if (!upstreamRes.complete) {
        res.destroy();
        resolve();
      }
    });
    res.once('close', () => {
      if (!upstreamRes.complete) {
        upstreamRes.destroy();
      }
      resolve();
    });
    upstreamRes.pipe(res);
  });
}
