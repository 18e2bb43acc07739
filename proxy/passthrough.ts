import http, { type IncomingMessage, type ServerResponse } from 'http';
import https from 'https';
import { pipeline } from 'stream/promises';
import { ProxyRejection } from './rejection';
import { HOP_BY_HOP_HEADERS, PROXY_AUTH_HEADERS, streamResponse, type Upstream } from './upstream';

// Proxy credentials are meant for this hop only (RFC 9110 section 11.7); dropped as on enforced routes.
const NOT_PASSED_THROUGH = new Set<string>([...HOP_BY_HOP_HEADERS, ...PROXY_AUTH_HEADERS, 'host']);

/**
 * --unsafe-passthrough-paths: the request goes upstream as sent (method, path, query, body),
 * without a tenant. Only paths the operator listed reach here; enforced routes cannot be listed.
 */
export async function forwardPassthrough(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  pathAndQuery: string,
  /** Identity headers (tenant header, credentials): never passed through either. */
  identityHeaders: ReadonlySet<string>
): Promise<void> {
  const base = upstream.base;
  const client = base.protocol === 'https:' ? https : http;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !NOT_PASSED_THROUGH.has(name) && !identityHeaders.has(name)) {
      headers[name] = value;
    }
  }
  const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
    const upstreamReq = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: req.method,
        path: base.pathname.replace(/\/+$/, '') + pathAndQuery,
        headers,
        timeout: upstream.timeoutMs,
      },
      resolve
    );
    upstreamReq.on('timeout', () => {
      upstreamReq.destroy();
      reject(
        new ProxyRejection(
          504,
          'upstream-timeout',
          `the upstream ${base.origin} did not answer within ${upstream.timeoutMs} ms`
        )
      );
    });
    upstreamReq.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ProxyRejection(
          502,
          'upstream-unreachable',
          `the upstream ${base.origin} is unreachable (${err.code ?? err.message})`
        )
      )
    );
    pipeline(req, upstreamReq).catch(() => upstreamReq.destroy());
  });
  await streamResponse(
    { statusCode: upstreamRes.statusCode ?? 502, rawHeaders: upstreamRes.rawHeaders, body: upstreamRes },
    res
  );
}
