import http, { type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { accessRecord, newRequestLogState, tenantForLog, timedUpstream, type RequestLogState } from './accessLog';
import { EnforcedQueryCache, TenantEnforcement, type Enforcement } from './enforcement';
import { PolicyEnforcement, policyKey } from './policyEnforcement';
import { applyLbacHeader, LBAC_HEADER } from './identity/lbacHeader';
import type { Policy } from '../src/policy';
import { jsonStderrLogger, type Logger } from './log';
import { createProxyMetrics, type ProxyMetrics } from './metrics';
import { parseHostPort, validateOptions, type ProxyOptions } from './options';
import { mediaType, parseFormEncoded, readBoundedBody, type Params } from './params';
import { forwardPassthrough } from './passthrough';
import { ProxyRejection, writeApiError, writeRejection } from './rejection';
import { resolveAlertmanagerRoute } from './routes/alertmanager/table';
import { handleLokiUpgrade, spoofedOrgId } from './routes/loki/tail';
import { resolveLokiRoute } from './routes/loki/table';
import type { RouteContext, ServedMethod } from './routes/context';
import { isPassthrough, resolveRoute } from './routes/table';
import { notServedMessage } from './routes/upstreamRoutes';
import { createIdentitySource, type IdentitySource, type IdentityTuning } from './identity';
import { checkTenantValues } from './tenant';
import { Upstream, forwardableHeaders, streamResponse } from './upstream';
import { startUpstreamVersion, type UpstreamVersion } from './upstreamVersion';

export interface ProxyRuntime {
  logger?: Logger;
  /** Node process metrics (CPU, memory, event loop) on /metrics; off by default for tests. */
  processMetrics?: boolean;
  /** Timings of the tokens-file and Grafana ID-token sources (tests shorten them). */
  identity?: IdentityTuning;
}

export interface RunningProxy {
  /** Base URL of the enforced API, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Base URL of /healthz and /metrics, when --internal-listen-address is set. */
  internalUrl: string | null;
}

export interface Proxy {
  listen(): Promise<RunningProxy>;
  /** Stops accepting, lets in-flight requests finish (up to shutdownGraceMs), then closes. */
  close(): Promise<void>;
  /** Re-reads the identity source's files (SIGHUP); a broken file keeps the last good one. */
  reload(): Promise<void>;
  readonly metrics: ProxyMetrics;
  /** What the upstream is (read from its buildinfo, or pinned). */
  readonly upstreamVersion: UpstreamVersion;
}

export function createProxy(options: ProxyOptions, runtime: ProxyRuntime = {}): Proxy {
  validateOptions(options);
  const logger = runtime.logger ?? jsonStderrLogger;
  const metrics = createProxyMetrics({ processMetrics: runtime.processMetrics ?? false });
  const upstream = new Upstream(new URL(options.upstream), options.upstreamTimeoutMs, (route, s) =>
    metrics.upstreamLatency.observe({ route }, s)
  );
  const upstreamVersion = startUpstreamVersion(upstream, options, logger);
  // Enforcers are pure values per tenant-value set: reuse them (bounded, as header values are client
  // input). One value (the usual case) is its own key, so no key is built per request; sets of
  // several values are keyed by their JSON in a map of their own, so the two kinds never collide.
  const enforcements = { single: new Map<string, TenantEnforcement>(), several: new Map<string, TenantEnforcement>() };
  const queryCache = new EnforcedQueryCache();
  const enforcementFor = (values: readonly string[]): TenantEnforcement => {
    const [map, key] =
      values.length === 1 ? [enforcements.single, values[0]] : [enforcements.several, JSON.stringify(values)];
    let found = map.get(key);
    if (!found) {
      found = new TenantEnforcement(values, options, queryCache);
      if (map.size >= 256) {
        map.clear();
      }
      map.set(key, found);
    }
    return found;
  };
  // Policies are keyed by their canonical rule texts, in a map of their own.
  const policyEnforcements = new Map<string, PolicyEnforcement>();
  const policyEnforcementFor = (policy: Policy): PolicyEnforcement => {
    const key = policyKey(policy);
    let found = policyEnforcements.get(key);
    if (!found) {
      found = new PolicyEnforcement(policy, options, queryCache);
      if (policyEnforcements.size >= 256) {
        policyEnforcements.clear();
      }
      policyEnforcements.set(key, found);
    }
    return found;
  };
  const identity: IdentitySource = createIdentitySource(options.tenant, logger, runtime.identity, {
    label: options.label,
    regexMatch: options.regexMatch,
  });
  // The tenant header and identity credentials (bearer tokens, ID tokens) are never forwarded:
  // the upstream must not see a client-chosen tenant nor a secret.
  // X-Prom-Label-Policy never goes upstream either: a Mimir or Loki upstream would honour it.
  const notForwarded: ReadonlySet<string> = new Set([...identity.consumedHeaders, LBAC_HEADER]);
  const loki = options.upstreamKind === 'loki';
  const accessLog = options.accessLog !== false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const server = http.createServer((req, res) => {
    inFlight++;
    const state = newRequestLogState();
    res.on('close', () => {
      metrics.requests.inc({ route: state.route, code: String(res.statusCode) });
      if (accessLog) {
        logger(accessRecord(req, res, state));
      }
      if (upstreamVersion.needsDetection && res.statusCode < 500) {
        // The upstream answers again after an outage: it may have been upgraded meanwhile.
        void upstreamVersion.detect();
      }
      if (--inFlight === 0 && drained) {
        drained();
      }
    });
    handle(req, res, state).catch((err: unknown) => {
      const rejection =
        err instanceof ProxyRejection
          ? err
          : new ProxyRejection(500, 'enforcement-failed', `internal error: ${(err as Error).message}`);
      metrics.rejections.inc({ reason: rejection.reason });
      if (rejection.reason === 'upstream-unreachable') {
        upstreamVersion.markUnreachable();
      }
      logger({
        level: rejection.status >= 500 ? 'error' : 'warn',
        msg: 'request rejected',
        route: state.route,
        method: req.method,
        path: pathForLog(req.url),
        tenant: state.tenant,
        status: rejection.status,
        reason: rejection.reason,
      });
      if (!(err instanceof ProxyRejection)) {
        logger({ level: 'error', msg: 'unexpected error', route: state.route, stack: (err as Error).stack });
      }
      if (res.headersSent) {
        res.destroy();
      } else {
        writeRejection(res, rejection);
      }
    });
  });
  // Upgraded sockets leave the HTTP server's bookkeeping: close() ends them itself.
  const upgraded = new Set<Duplex>();
  if (loki) {
    // Loki's tail is a WebSocket (routes/loki/tail.ts); any other upgrade is refused there.
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      socket.on('close', () => upgraded.delete(socket));
      handleLokiUpgrade(req, socket, head, {
        options,
        identity,
        notForwarded,
        onRejection: (r) => metrics.rejections.inc({ reason: r.reason }),
      });
    });
  }
  // Slow-loris bounds: the whole request (headers + body) must arrive in time.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse, state: RequestLogState): Promise<void> {
    const setRoute = (name: string) => (state.route = name);
    const rawUrl = req.url ?? '/';
    if (/[^\x21-\x7e]/.test(rawUrl)) {
      throw new ProxyRejection(
        400,
        'bad-request',
        'the request URL contains raw spaces, control or non-ASCII characters; percent-encode them'
      );
    }
    const { path, search } = splitRequestTarget(rawUrl);
    if (path === '/healthz') {
      setRoute('healthz');
      return writeHealthz(res);
    }
    if (isPassthrough(path, options)) {
      setRoute('passthrough');
      const parsedUrl = new URL(rawUrl, 'http://proxy.invalid');
      return forwardPassthrough(
        req,
        res,
        timedUpstream(upstream, state),
        parsedUrl.pathname + parsedUrl.search,
        notForwarded
      );
    }
    const alertmanager = options.upstreamKind === 'alertmanager';
    const resolved = alertmanager
      ? resolveAlertmanagerRoute(path)
      : loki
        ? resolveLokiRoute(path)
        : resolveRoute(path, options);
    if (!resolved) {
      setRoute('not_found');
      req.resume();
      throw new ProxyRejection(
        404,
        'not-found',
        notServedMessage(path, alertmanager ? 'Alertmanager' : loki ? 'Loki' : 'Prometheus', apiServing(path, options))
      );
    }
    if (loki && req.headers['x-scope-orgid'] !== undefined) {
      // The Loki tenant is --loki-org-id; a client naming its own is trying to choose it.
      req.resume();
      throw spoofedOrgId();
    }
    setRoute(resolved.route.name);

    const url = parseFormEncoded(search.slice(1), 'URL query');
    let form: Params | null = null;
    let jsonBody: string | null = null;
    if (req.method === 'POST') {
      const body = await readBoundedBody(req, options.maxBodyBytes);
      const type = mediaType(req);
      if (resolved.route.body === 'json') {
        if (type !== '' && type !== 'application/json') {
          throw new ProxyRejection(
            415,
            'unsupported-media-type',
            `POST bodies of ${path} must be application/json, got "${type}"`
          );
        }
        jsonBody = body;
      } else if (type === 'application/x-www-form-urlencoded') {
        form = parseFormEncoded(body, 'form body');
      } else if (body.length === 0) {
        form = new URLSearchParams();
      } else if (resolved.route.methods.includes('POST')) {
        throw new ProxyRejection(
          415,
          'unsupported-media-type',
          `POST bodies must be application/x-www-form-urlencoded, got "${type || 'no Content-Type'}"`
        );
      }
      // Otherwise the route takes no POST at all: the method check below answers 404.
    } else {
      // A GET body is never read (Go's ParseForm ignores it, so Prometheus would too).
      req.resume();
    }

    // prom-label-proxy order (BEHAVIOUR.md section 10): tenant (400), then method (404).
    // Identity first, from headers and parameters only (a parameter source removes its parameter).
    let who = identity.resolve({ headers: req.headersDistinct, url, form });
    if (who instanceof Promise) {
      who = await who;
    }
    if (who instanceof ProxyRejection) {
      throw who;
    }
    who = applyLbacHeader(who, req.headersDistinct, {
      accept: options.acceptLbacHeader === true,
      label: options.label,
      regexMatch: options.regexMatch,
    });
    const values = who.values;
    const policy = who.policy ?? null;
    state.tenant = policy ? 'policy' : tenantForLog(values);
    if (policy && (alertmanager || loki)) {
      // These route tables enforce one label's values; dropping rules would change access silently.
      throw new ProxyRejection(
        403,
        'forbidden',
        `this identity has a label policy (rules), which the ${alertmanager ? 'Alertmanager' : 'Loki'} proxy does not enforce; give the identity tenant values (values:) instead of rules`
      );
    }
    if (resolved.route.singleTenantValue && options.regexMatch) {
      throw new ProxyRejection(
        501,
        'not-implemented',
        `${path} does not support --regex-match: a silence belongs to one exact tenant value`
      );
    }
    const method = req.method as ServedMethod;
    if (!resolved.route.methods.includes(method)) {
      throw new ProxyRejection(
        404,
        'not-found',
        `${method} is not allowed on ${path}; use ${resolved.route.methods.join(' or ')} (404 page not found)`
      );
    }
    if (resolved.route.singleTenantValue && values.length > 1) {
      // prom-label-proxy's assertSingleLabelValue: 422 with this message.
      throw new ProxyRejection(422, 'several-tenant-values', 'Multiple label matchers not supported');
    }
    if (resolved.route.checkTenantFirst && !policy) {
      checkTenantValues(values, options);
    }
    let enforcement: Enforcement | null = null;
    const ctx: RouteContext = {
      req,
      res,
      method,
      path: resolved.path,
      route: resolved.route.name,
      options,
      url,
      form: method === 'POST' ? form : null,
      body: jsonBody,
      tenantValues: values,
      policy,
      enforcement: () => (enforcement ??= policy ? policyEnforcementFor(policy) : enforcementFor(values)),
      policyEnforcement: () => {
        if (!policy) {
          throw new Error('policyEnforcement() needs a policy identity');
        }
        return (enforcement ??= policyEnforcementFor(policy)) as PolicyEnforcement;
      },
      headers: loki
        ? { ...forwardableHeaders(req.headers, notForwarded), 'x-scope-orgid': options.lokiOrgId! }
        : forwardableHeaders(req.headers, notForwarded),
      upstream: timedUpstream(upstream, state),
      upstreamVersion,
      forward: async (request) => {
        const upstreamRes = await ctx.upstream.send(request, resolved.route.name, res);
        await streamResponse(upstreamRes, res);
      },
    };
    await resolved.route.handler(ctx);
  }

  const internal = options.internalListenAddress
    ? http.createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === '/healthz') {
          writeHealthz(res);
        } else if (path === '/metrics') {
          metrics.registry.metrics().then(
            (text) => {
              res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
              res.end(text);
            },
            (err: Error) => writeApiError(res, 500, `collecting metrics failed: ${err.message}`)
          );
        } else {
          writeApiError(res, 404, `${path} not found; the internal address serves /healthz and /metrics`);
        }
      })
    : null;

  let closing: Promise<void> | null = null;
  return {
    metrics,
    upstreamVersion,
    async listen() {
      await identity.start?.();
      const url = await listenOn(server, options.listenAddress);
      const internalUrl =
        internal && options.internalListenAddress ? await listenOn(internal, options.internalListenAddress) : null;
      logger({
        level: 'info',
        msg: 'proxy listening',
        url,
        internalUrl: internalUrl ?? undefined,
        upstream: upstream.base.origin,
        tenantSource: identity.kind,
        identity: identity.description,
        upstreamKind: options.upstreamKind,
      });
      upstreamVersion.detectAtStart();
      return { url, internalUrl };
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          const grace = new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs).unref());
          await Promise.race([new Promise<void>((resolve) => (drained = resolve)), grace]);
        }
        server.closeAllConnections();
        upgraded.forEach((socket) => socket.destroy());
        await stopped;
        if (internal?.listening) {
          await new Promise<void>((resolve) => internal.close(() => resolve()));
        }
        upstream.close();
        identity.close?.();
      })();
      return closing;
    },
    reload: async () => {
      await identity.reload?.();
    },
  };
}

/** A plain path: no escapes, dots, backslashes or empty segments, so URL parsing would keep it as is. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)+$|^\/$/;

/**
 * The decoded path and the raw `?query` of a request target. A plain path (every request of the
 * enforced APIs in practice) is split directly; anything else goes through the WHATWG URL parser,
 * and a path that is still not canonical after it is refused.
 */
/** Which API's route table has this path (Prometheus first: Alertmanager also has /api/v1 paths). */
function apiServing(path: string, options: ProxyOptions): 'Prometheus' | 'Loki' | 'Alertmanager' | null {
  if (resolveRoute(path, options)) {
    return 'Prometheus';
  }
  if (resolveLokiRoute(path)) {
    return 'Loki';
  }
  return resolveAlertmanagerRoute(path) ? 'Alertmanager' : null;
}

function splitRequestTarget(rawUrl: string): { path: string; search: string } {
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
  if (PLAIN_PATH.test(rawPath) && !rawUrl.includes('#')) {
    return { path: rawPath, search: queryStart < 0 ? '' : rawUrl.slice(queryStart) };
  }
  const parsedUrl = new URL(rawUrl, 'http://proxy.invalid');
  let path: string;
  try {
    path = decodeURIComponent(parsedUrl.pathname);
  } catch {
    throw new ProxyRejection(400, 'bad-request', 'the request path has an invalid %-escape');
  }
  // Dot segments or empty segments that survive URL normalisation (e.g. `..%2F`) could reach a
  // different upstream route than the one matched here: refuse them instead of guessing.
  if (/(^|\/)\.\.?(\/|$)|\/\//.test(path)) {
    throw new ProxyRejection(
      400,
      'bad-request',
      'the request path contains "..", "." or empty segments; send the canonical path'
    );
  }
  return { path, search: parsedUrl.search };
}

function writeHealthz(res: ServerResponse): void {
  const body = '{"ok":true}\n';
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function listenOn(server: Server, address: string): Promise<string> {
  const { host, port } = parseHostPort('listen-address', address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const info = server.address() as AddressInfo;
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve(`http://${shownHost}:${info.port}`);
    });
  });
}

/** The request path for the rejection log (no query string: it may hold the query or tenant data). */
function pathForLog(rawUrl: string | undefined): string {
  const path = (rawUrl ?? '/').split('?')[0];
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
