/**
 * `ANY /api/datasources/proxy/uid/{uid}/{path…}` (CONTRACT §7.2): the fake forwards to the data
 * source URL with the headers Grafana adds server-side (custom headers from
 * httpHeaderNameN/httpHeaderValueN, X-DS-Authorization → Authorization, basic auth), so the
 * browser never sees secrets.
 */
import type { AuthContext } from './auth';
import { FakeHttpError, FakeResponse, fail } from './http';
import { customHeaders } from './routes/datasources';
import type { FakeState } from './state';

export type Upstream = (req: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}) => Promise<FakeResponse>;

export const fetchUpstream: Upstream = async ({ method, url, headers, body }) => {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return {
    status: res.status,
    body: text,
    headers: { 'content-type': res.headers.get('content-type') ?? 'text/plain' },
  };
};

const SHORT_UID = /^[a-zA-Z0-9\-_]{1,40}$/;

export async function proxyRequest(
  state: FakeState,
  auth: AuthContext,
  req: { method: string; uid: string; rest: string; search: string; headers: Record<string, string>; body?: unknown },
  opts: { upstream: Upstream; prometheusPostRoutes: readonly string[] }
): Promise<FakeResponse> {
  if (!SHORT_UID.test(req.uid)) {
    fail(400, 'UID is invalid');
  }
  const ds = state.datasourcesOf(auth.orgId).find((d) => d.uid === req.uid);
  if (!ds) {
    fail(404, 'Unable to find datasource');
  }
  if (auth.role === undefined || auth.role === 'None') {
    fail(403, 'Access denied to datasource');
  }
  const method = req.method.toUpperCase();
  // Prometheus' plugin.json routes decide which non-GET calls pass; which routes it lists is
  // unverified (CONTRACT §7.2, §11.9), so the fake allows none unless a test opts in.
  if (
    ds.type === 'prometheus' &&
    ['POST', 'PUT', 'DELETE'].includes(method) &&
    !opts.prometheusPostRoutes.includes(req.rest)
  ) {
    fail(403, `non allow-listed ${method}s not allowed on proxied Prometheus datasource`);
  }
  let base: URL;
  try {
    base = new URL(ds.url);
  } catch {
    fail(400, `Invalid data source URL: "${ds.url}"`);
  }
  const headers: Record<string, string> = { ...customHeaders(ds) };
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() === 'x-ds-authorization') {
      headers.Authorization = v;
    } else if (k.toLowerCase() === 'content-type' || k.toLowerCase() === 'accept') {
      headers[k] = v;
    }
  }
  if (ds.basicAuth) {
    const password = ds.secureJsonData.basicAuthPassword ?? '';
    headers.Authorization = 'Basic ' + Buffer.from(`${ds.basicAuthUser}:${password}`).toString('base64');
  }
  const target = base.toString().replace(/\/+$/, '') + '/' + req.rest + req.search;
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const res = await opts.upstream({ method, url: target, headers, body });
  if (res.status === 401) {
    throw new FakeHttpError(400, { message: 'Authentication to data source failed' });
  }
  return res;
}
