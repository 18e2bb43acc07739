/**
 * The harness HTTP server (node:http, 127.0.0.1, free port). It serves
 * - `/` : the HTML page; `window.grafanaBootData` is built here (query `orgId`, `grafanaAdmin`,
 *   `login`, `orgRole` override the signed-in user, e.g. `/?page=tenants&grafanaAdmin=false`);
 * - `/harness/*` : the esbuild bundle;
 * - `/api/*` : reverse proxy to a Grafana (normally `startFakeGrafanaServer(fake).url`). The
 *   browser's session is simulated by adding `grafanaAuth` when the request carries neither an
 *   `Authorization` header nor a `grafana_session` cookie;
 * - `/prom/*` : optional reverse proxy to a Prometheus (data source tests);
 * - `/loki/*` : optional reverse proxy to a Loki (the fake of tests/wrapper/support/fakeLoki.ts), and
 *   `GET /api/datasources/uid/<lokiDataSourceUid>/resources/<path>` → `<loki>/loki/api/v1/<path>`:
 *   the resource calls Grafana's Loki backend forwards (grafana/grafana pkg/tsdb/loki, callResource),
 *   which the fake Grafana does not serve. Like Grafana, nothing here adds a tenant;
 * - `/public/build/img/icons/*` : @grafana/ui's icon SVGs (its Icon fetches them from Grafana's
 *   public path, `getIconRoot` in @grafana/ui Icon/utils);
 * - `/public/plugins/<plugin id>/*` : the built plugin (`dist/`, from `npm run build`), where
 *   Grafana serves an installed plugin's files; the `dist-plugin` page loads it from there.
 */
import { createReadStream, existsSync, statSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import pluginJson from '../../../src/plugin.json';
import type { HarnessBootData } from './types';

export interface HarnessServerOptions {
  bundleDir: string;
  /** Base URL of the Grafana (fake) that `/api/*` is forwarded to. */
  grafanaUrl?: string;
  /** The signed-in browser user: a header value (`Basic …`) or a session cookie (`grafana_session=…`). */
  grafanaAuth?: { authorization?: string; cookie?: string };
  prometheusUrl?: string;
  /** A Loki (normally the fake Loki) behind `/loki/*` and behind the resource calls of `lokiDataSourceUid`. */
  lokiUrl?: string;
  /** uid of the Grafana Loki data source whose resource calls go to `lokiUrl`; default `loki`. */
  lokiDataSourceUid?: string;
  /** Defaults for `grafanaBootData.user` (query parameters still win). */
  user?: Partial<HarnessBootData['user']>;
  /** The built plugin served under `/public/plugins/<plugin id>/`; default `<repo>/dist`. */
  pluginDistDir?: string;
}

export interface HarnessServer {
  url: string;
  /** URL of a registered page, e.g. `pageUrl('tenants', { grafanaAdmin: 'false' })`. */
  pageUrl(page: string, params?: Record<string, string>): string;
  stop(): Promise<void>;
}

const ICONS_DIR = path.join(
  path.dirname(require.resolve('@grafana/ui/package.json')),
  'dist',
  'public',
  'img',
  'icons'
);
const ICONS_PATH = '/public/build/img/icons/';
export const PLUGIN_PUBLIC_PATH = `/public/plugins/${pluginJson.id}/`;
export const DEFAULT_PLUGIN_DIST_DIR = path.resolve(__dirname, '..', '..', '..', 'dist');

const DEFAULT_AUTH = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export function bootDataFor(query: URLSearchParams, defaults: Partial<HarnessBootData['user']> = {}): HarnessBootData {
  const orgId = Number(query.get('orgId') ?? defaults.orgId ?? 1);
  const login = query.get('login') ?? defaults.login ?? 'admin';
  return {
    settings: {
      appSubUrl: '',
      buildInfo: { version: '12.4.10', env: 'production' },
      featureToggles: {},
      datasources: {},
      panels: {},
    },
    user: {
      id: defaults.id ?? 1,
      login,
      name: defaults.name ?? login,
      email: defaults.email ?? `${login}@localhost`,
      orgId,
      orgName: defaults.orgName ?? (orgId === 1 ? 'Main Org.' : `org ${orgId}`),
      orgRole: (query.get('orgRole') as HarnessBootData['user']['orgRole']) ?? defaults.orgRole ?? 'Admin',
      isGrafanaAdmin: query.has('grafanaAdmin')
        ? query.get('grafanaAdmin') === 'true'
        : (defaults.isGrafanaAdmin ?? true),
      isSignedIn: true,
      theme: query.get('theme') ?? 'dark',
      timezone: 'utc',
      locale: 'en-US',
      language: 'en-US',
      regionalFormat: 'en-US',
    },
    navTree: [],
    assets: { dark: '', light: '' },
  };
}

function html(boot: HarnessBootData, hasCss: boolean, hasGrafana: boolean): string {
  // `<` is escaped so a login like `</script>` cannot break out of the inline script.
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>harness</title>
${hasCss ? '<link rel="stylesheet" href="/harness/entry.css">' : ''}
<script>window.grafanaBootData = ${json}; window.__harnessHasGrafana = ${hasGrafana}; window.process = { env: { NODE_ENV: 'production' } }; window.global = window;</script>
</head><body><div id="root"></div><script type="module" src="/harness/entry.js"></script></body></html>`;
}

function proxy(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: string,
  stripPrefix: string,
  auth?: HarnessServerOptions['grafanaAuth'],
  /** The upstream path + query, when it is not the request's minus `stripPrefix`. */
  upstreamPath?: string
) {
  const base = new URL(target);
  const rest = upstreamPath ?? (req.url ?? '/').slice(stripPrefix.length);
  const url = new URL(base.pathname.replace(/\/$/, '') + rest, base);
  const headers = { ...req.headers, host: url.host };
  delete headers.connection;
  if (auth) {
    const hasSession = /(^|;\s*)grafana_session=/.test(String(headers.cookie ?? ''));
    if (!headers.authorization && !hasSession) {
      if (auth.authorization) {
        headers.authorization = auth.authorization;
      }
      if (auth.cookie) {
        headers.cookie = headers.cookie ? `${headers.cookie}; ${auth.cookie}` : auth.cookie;
      }
    }
  }
  const upstream = http.request(url, { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `harness proxy to ${target} failed: ${error.message}` }));
  });
  req.pipe(upstream);
}

function serveStatic(res: http.ServerResponse, root: string, rel: string, missingHint = 'not found in the bundle') {
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decodeURIComponent(rel)));
  if (!file.startsWith(path.resolve(root) + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`harness: ${rel} ${missingHint}`);
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(res);
}

export async function startHarnessServer(options: HarnessServerOptions): Promise<HarnessServer> {
  const hasCss = existsSync(path.join(options.bundleDir, 'entry.css'));
  const auth = options.grafanaAuth ?? DEFAULT_AUTH;
  const pluginDist = options.pluginDistDir ?? DEFAULT_PLUGIN_DIST_DIR;
  const lokiResources = `/api/datasources/uid/${encodeURIComponent(options.lokiDataSourceUid ?? 'loki')}/resources/`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness.invalid');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': CONTENT_TYPES['.html'], 'cache-control': 'no-store' });
      res.end(html(bootDataFor(url.searchParams, options.user), hasCss, Boolean(options.grafanaUrl)));
    } else if (url.pathname.startsWith('/harness/')) {
      serveStatic(res, options.bundleDir, url.pathname.slice('/harness/'.length));
    } else if (url.pathname.startsWith(lokiResources) && options.lokiUrl && req.method === 'GET') {
      const rest = (req.url ?? '/').slice(lokiResources.length);
      proxy(req, res, options.lokiUrl, '', undefined, `/loki/api/v1/${rest}`);
    } else if (url.pathname.startsWith('/api/') && options.grafanaUrl) {
      proxy(req, res, options.grafanaUrl, '', auth);
    } else if (url.pathname.startsWith('/prom/') && options.prometheusUrl) {
      proxy(req, res, options.prometheusUrl, '/prom');
    } else if (url.pathname.startsWith('/loki/') && options.lokiUrl) {
      proxy(req, res, options.lokiUrl, '/loki');
    } else if (url.pathname.startsWith(PLUGIN_PUBLIC_PATH)) {
      // The query string (webpack's `?_cache=<contenthash>` on chunks) is ignored, as Grafana does.
      serveStatic(
        res,
        pluginDist,
        url.pathname.slice(PLUGIN_PUBLIC_PATH.length),
        `not found in ${pluginDist}: run npm run build first`
      );
    } else if (url.pathname.startsWith(ICONS_PATH)) {
      serveStatic(res, ICONS_DIR, url.pathname.slice(ICONS_PATH.length));
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `harness: nothing serves ${url.pathname} (grafanaUrl/prometheusUrl/lokiUrl not given?)`,
        })
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    pageUrl: (page, params = {}) => `${base}/?${new URLSearchParams({ page, ...params }).toString()}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
