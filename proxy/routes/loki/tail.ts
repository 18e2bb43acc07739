/**
 * Loki's live tail (`/loki/api/v1/tail`, legacy `/api/prom/tail`) is a WebSocket: the query comes
 * in the upgrade request's URL, then frames flow both ways. The upgrade is checked like any route
 * (tenant, known parameters, `query` enforced with src/logql, client X-Scope-OrgID refused), sent
 * to Loki rebuilt from the parsed parameters with the configured X-Scope-OrgID, and only Loki's
 * 101 answer connects the two sockets. Loki never reads the client's frames (the tail handler only
 * writes), so nothing after the upgrade can change the query.
 */
import http, { type IncomingMessage } from 'http';
import https from 'https';
import type { Duplex } from 'stream';
import type { ProxyOptions } from '../../options';
import { encodeParams, parseFormEncoded } from '../../params';
import { ProxyRejection } from '../../rejection';
import type { IdentitySource } from '../../identity';
import { checkTenantValues } from '../../tenant';
import { forwardableHeaders } from '../../upstream';
import { logqlEnforcementFor } from './enforcement';
import { enforceLokiParams } from './handler';
import { LOKI_SPECS, LOKI_TAIL_PATHS } from './table';

/** WebSocket handshake headers that must reach Loki (RFC 6455 section 4.1). */
const HANDSHAKE = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions'];

export interface TailDeps {
  options: ProxyOptions;
  /** Who is asking (proxy/identity): the same source as every other request. */
  identity: IdentitySource;
  /** Lower-case client headers never forwarded (the tenant header). */
  notForwarded: ReadonlySet<string>;
  onRejection(rejection: ProxyRejection): void;
}

/** Handles an HTTP upgrade on a --upstream-kind=loki proxy: the tail route, or a refusal. */
export function handleLokiUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: TailDeps): void {
  socket.on('error', () => socket.destroy());
  checkTail(req, deps)
    .then((target) => connectTail(socket, head, target, deps))
    .catch((err: unknown) => {
      const rejection =
        err instanceof ProxyRejection
          ? err
          : new ProxyRejection(500, 'enforcement-failed', `internal error: ${String(err)}`);
      deps.onRejection(rejection);
      writeRawRejection(socket, rejection);
    });
}

interface TailTarget {
  path: string;
  search: string;
  headers: Record<string, string | string[]>;
}

function connectTail(socket: Duplex, head: Buffer, target: TailTarget, deps: TailDeps): void {
  if (socket.destroyed) {
    return; // the client left while its identity was being checked
  }
  const base = new URL(deps.options.upstream);
  const client = base.protocol === 'https:' ? https : http;
  const upstreamReq = client.request({
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    method: 'GET',
    path: `${base.pathname.replace(/\/+$/, '')}${target.path}${target.search ? `?${target.search}` : ''}`,
    headers: target.headers,
  });
  upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    let answer = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`;
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      answer += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
    }
    socket.write(answer + '\r\n');
    if (upstreamHead.length > 0) {
      socket.write(upstreamHead);
    }
    if (head.length > 0) {
      upstreamSocket.write(head);
    }
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
  });
  upstreamReq.on('response', (res) => {
    // Loki refused the upgrade (a bad query, no such tenant): relay its answer and close.
    let answer = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\nConnection: close\r\n`;
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      const name = res.rawHeaders[i].toLowerCase();
      if (name !== 'connection' && name !== 'transfer-encoding' && name !== 'content-length') {
        answer += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
      }
    }
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      socket.end(Buffer.concat([Buffer.from(`${answer}Content-Length: ${body.length}\r\n\r\n`), body]));
    });
  });
  upstreamReq.on('error', (err) => {
    const rejection = new ProxyRejection(
      502,
      'upstream-unreachable',
      `Loki could not be reached for the tail: ${err.message}`
    );
    deps.onRejection(rejection);
    writeRawRejection(socket, rejection);
  });
  socket.on('close', () => upstreamReq.destroy());
  upstreamReq.end();
}

async function checkTail(req: IncomingMessage, deps: TailDeps): Promise<TailTarget> {
  const { options } = deps;
  const raw = req.url ?? '/';
  if (/[^\x21-\x7e]/.test(raw)) {
    throw new ProxyRejection(
      400,
      'bad-request',
      'the request URL contains raw spaces, control or non-ASCII characters'
    );
  }
  const queryStart = raw.indexOf('?');
  const path = queryStart < 0 ? raw : raw.slice(0, queryStart);
  if (!LOKI_TAIL_PATHS.includes(path)) {
    throw new ProxyRejection(404, 'not-found', `${path} is not a WebSocket route of this proxy; only the Loki tail is`);
  }
  if (req.headers['x-scope-orgid'] !== undefined) {
    throw spoofedOrgId();
  }
  const url = parseFormEncoded(queryStart < 0 ? '' : raw.slice(queryStart + 1), 'URL query');
  // Identity first, from headers and parameters only (a parameter source removes its parameter).
  const who = await deps.identity.resolve({ headers: req.headersDistinct, url, form: null });
  if (who instanceof ProxyRejection) {
    throw who;
  }
  if (who.policy || req.headers['x-prom-label-policy'] !== undefined) {
    // The Loki routes enforce one label's values; a policy's rules are never silently dropped.
    throw new ProxyRejection(
      403,
      'forbidden',
      'this identity has a label policy (rules), which the Loki proxy does not enforce; give the identity tenant values (values:) instead of rules'
    );
  }
  const values = who.values;
  checkTenantValues(values, options);
  enforceLokiParams(LOKI_SPECS.tail, path, url, null, logqlEnforcementFor(values, options));
  const headers = forwardableHeaders(req.headers, deps.notForwarded);
  for (const name of HANDSHAKE) {
    const value = req.headers[name];
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  headers['connection'] = 'Upgrade';
  headers['upgrade'] = 'websocket';
  headers['x-scope-orgid'] = options.lokiOrgId!;
  return { path, search: encodeParams(url), headers };
}

/** A client that sends its own X-Scope-OrgID is trying to choose the Loki tenant: refused. */
export function spoofedOrgId(): ProxyRejection {
  return new ProxyRejection(
    400,
    'forbidden',
    'the X-Scope-OrgID header is set by this proxy from its configuration; remove it from the request'
  );
}

function writeRawRejection(socket: Duplex, r: ProxyRejection): void {
  if (socket.destroyed) {
    return;
  }
  const body = JSON.stringify({ error: r.message, errorType: 'prom-label-proxy', status: 'error' }) + '\n';
  socket.end(
    `HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
