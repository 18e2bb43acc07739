/**
 * A `getBackendSrv()` stand-in for frontend tests. Like Grafana's `parseRequestOptions`
 * (public/app/core/services/backend_srv.ts, CONTRACT §2.3) it, for every local `/api/…` URL:
 * - OVERWRITES `X-Grafana-Org-Id` with the current UI org, whatever the caller set;
 * - moves an `Authorization` header to `X-DS-Authorization`.
 * So code that passes its own org header through this object is tested the way it really runs.
 */
import { lastValueFrom, Observable } from 'rxjs';
import type { FakeGrafana } from './fakeGrafana';

export interface FakeFetchOptions {
  url: string;
  method?: string;
  data?: unknown;
  params?: Record<string, string | number | boolean | string[] | undefined>;
  headers?: Record<string, string>;
  [k: string]: unknown;
}

export interface FakeFetchResponse<T = unknown> {
  status: number;
  statusText: string;
  ok: boolean;
  data: T;
  headers: Record<string, string>;
  config: FakeFetchOptions;
  url: string;
}

/** Rejection value, shaped like Grafana's FetchError. */
export interface FakeFetchError {
  status: number;
  statusText: string;
  data: unknown;
  config: FakeFetchOptions;
}

export interface FakeBackendSrvOptions {
  /** The org selected in the UI (the signed-in user's `orgId`). Mutable via `setOrgId`. */
  orgId: number;
  /** In-process mode: whose session to use (default `admin`). */
  login?: string;
  /** HTTP mode: the `grafana_session` cookie value (from `fake.sessionFor` or POST /login). */
  session?: string;
}

function withParams(url: string, params: FakeFetchOptions['params']): string {
  if (!params) {
    return url;
  }
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) {
      continue;
    }
    for (const item of Array.isArray(v) ? v : [v]) {
      q.append(k, String(item));
    }
  }
  const s = q.toString();
  return s === '' ? url : url + (url.includes('?') ? '&' : '?') + s;
}

export function fakeBackendSrv(target: FakeGrafana | string, opts: FakeBackendSrvOptions) {
  let orgId = opts.orgId;
  const session = typeof target === 'string' ? opts.session : target.sessionFor(opts.login ?? 'admin');
  const sent: Array<{ method: string; url: string; headers: Record<string, string> }> = [];

  async function send(options: FakeFetchOptions): Promise<FakeFetchResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const url = withParams(options.url, options.params);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (k.toLowerCase() === 'authorization') {
        headers['X-DS-Authorization'] = v; // renamed, as parseRequestOptions does
      } else if (k.toLowerCase() !== 'x-grafana-org-id') {
        headers[k] = v;
      }
    }
    const isLocal = url.startsWith('/api/') || url.startsWith('api/');
    if (isLocal) {
      headers['X-Grafana-Org-Id'] = String(orgId); // overwrites any caller value
    }
    if (session) {
      headers.Cookie = 'grafana_session=' + session;
    }
    const path = url.startsWith('/') ? url : '/' + url;
    sent.push({ method, url: path, headers });
    let status: number;
    let data: unknown;
    if (typeof target === 'string') {
      const res = await fetch(target + path, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: options.data === undefined ? undefined : JSON.stringify(options.data),
      });
      status = res.status;
      const text = await res.text();
      try {
        data = text === '' ? undefined : JSON.parse(text);
      } catch {
        data = text;
      }
    } else {
      const res = await target.handle({ method, url: path, headers, body: options.data });
      status = res.status;
      data = res.body;
    }
    const ok = status >= 200 && status < 300;
    if (!ok) {
      const err: FakeFetchError = { status, statusText: String(status), data, config: options };
      throw err;
    }
    return { status, statusText: 'OK', ok, data, headers: {}, config: options, url: path };
  }

  const fetchObservable = <T = unknown>(options: FakeFetchOptions): Observable<FakeFetchResponse<T>> =>
    new Observable((subscriber) => {
      send(options).then(
        (r) => {
          subscriber.next(r as FakeFetchResponse<T>);
          subscriber.complete();
        },
        (e) => subscriber.error(e)
      );
    });

  const data = async <T>(options: FakeFetchOptions): Promise<T> =>
    (await lastValueFrom(fetchObservable<T>(options))).data;

  return {
    fetch: fetchObservable,
    get: <T = any>(
      url: string,
      params?: FakeFetchOptions['params'],
      _requestId?: string,
      options: Partial<FakeFetchOptions> = {}
    ) => data<T>({ ...options, url, params, method: 'GET' }),
    post: <T = any>(url: string, body?: unknown, options: Partial<FakeFetchOptions> = {}) =>
      data<T>({ ...options, url, data: body, method: 'POST' }),
    put: <T = any>(url: string, body?: unknown, options: Partial<FakeFetchOptions> = {}) =>
      data<T>({ ...options, url, data: body, method: 'PUT' }),
    patch: <T = any>(url: string, body?: unknown, options: Partial<FakeFetchOptions> = {}) =>
      data<T>({ ...options, url, data: body, method: 'PATCH' }),
    delete: <T = any>(url: string, body?: unknown, options: Partial<FakeFetchOptions> = {}) =>
      data<T>({ ...options, url, data: body, method: 'DELETE' }),
    datasourceRequest: (options: FakeFetchOptions) => lastValueFrom(fetchObservable(options)),
    /** Simulates switching org in the UI. */
    setOrgId: (id: number) => {
      orgId = id;
    },
    /** Every request as sent, after the header rewriting (for assertions). */
    sent,
  };
}

export type FakeBackendSrv = ReturnType<typeof fakeBackendSrv>;
