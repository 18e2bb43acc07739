/**
 * Transports carry one request to Grafana and return status + parsed body; they throw only when
 * Grafana could not be reached. Every org-scoped call names its org, and the transports send it as
 * `X-Grafana-Org-Id`, which Grafana uses to pick the org (after `targetOrgId`) before falling back
 * to the user's stored current org (`orgIDFromRequest` in
 * pkg/services/authn/authnimpl/service.go; ../shared/grafana-api/CONTRACT.md §2.1).
 *
 * Why the browser transport does NOT use `getBackendSrv()`: Grafana's frontend
 * `parseRequestOptions` (public/app/core/services/backend_srv.ts; CONTRACT §2.3) overwrites
 * `X-Grafana-Org-Id` on every `/api/…` request with the org currently selected in the UI, so a
 * cross-org call made through it would silently act on the admin's current org. `window.fetch`
 * with the session cookie (same origin) and an explicit header keeps the org we asked for.
 */

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path with query string, e.g. `/api/teams/search?perpage=1000&page=1`. */
  path: string;
  /** Sent as `X-Grafana-Org-Id`; omitted for global endpoints. */
  orgId?: number;
  body?: unknown;
}

export interface TransportResponse {
  status: number;
  body: unknown;
}

export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials?: 'same-origin' }
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

function parse(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headersFor(req: TransportRequest): Record<string, string> {
  return {
    Accept: 'application/json',
    ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(req.orgId !== undefined ? { 'X-Grafana-Org-Id': String(req.orgId) } : {}),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * For the app page in the browser: same-origin `fetch` authenticated by the signed-in user's
 * session cookie, org chosen per call (see the module comment for why not getBackendSrv).
 */
export function browserFetchTransport(baseUrl = '', fetchImpl?: FetchLike): Transport {
  const base = trimSlash(baseUrl);
  return async (req) => {
    const doFetch = fetchImpl ?? (globalThis.fetch.bind(globalThis) as unknown as FetchLike);
    const res = await doFetch(base + req.path, {
      method: req.method,
      headers: headersFor(req),
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      credentials: 'same-origin',
    });
    return { status: res.status, body: parse(await res.text()) };
  };
}

/** For Node (CLI, GitOps job, tests against a real Grafana): HTTP basic auth as a Server Admin user. */
export function basicAuthTransport(url: string, user: string, password: string, fetchImpl?: FetchLike): Transport {
  let binary = '';
  new TextEncoder().encode(`${user}:${password}`).forEach((b) => (binary += String.fromCharCode(b)));
  return authorizedTransport(url, 'Basic ' + btoa(binary), fetchImpl);
}

/**
 * For Node with a service-account token (`Authorization: Bearer`). Grafana scopes such a token to
 * its own org and never grants it Server Admin rights, so cross-org provisioning needs basic auth;
 * the 403s it gets elsewhere name that (errors.ts).
 */
export function bearerTokenTransport(url: string, token: string, fetchImpl?: FetchLike): Transport {
  return authorizedTransport(url, `Bearer ${token}`, fetchImpl);
}

function authorizedTransport(url: string, authorization: string, fetchImpl?: FetchLike): Transport {
  const base = trimSlash(url);
  return async (req) => {
    const doFetch = fetchImpl ?? (globalThis.fetch.bind(globalThis) as unknown as FetchLike);
    const res = await doFetch(base + req.path, {
      method: req.method,
      headers: { ...headersFor(req), Authorization: authorization },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    return { status: res.status, body: parse(await res.text()) };
  };
}
