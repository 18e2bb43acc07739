/**
 * Browser-side stand-in for Grafana's `getBackendSrv()` that forwards over HTTP to the harness
 * server (which proxies `/api` to a FakeGrafana). It reproduces the two header rewrites of the real
 * service (`public/app/core/services/backend_srv.ts` `parseRequestOptions`, CONTRACT §2.3):
 * for a local `/api/…` URL, `X-Grafana-Org-Id` is OVERWRITTEN with the current UI org, and an
 * `Authorization` header is moved to `X-DS-Authorization`. Code that must target another org
 * therefore cannot rely on this service — exactly as in real Grafana.
 */
import { Observable, lastValueFrom } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

export interface RecordedRequest {
  method: string;
  url: string;
  orgIdHeader: string | null;
  status: number;
}

declare global {
  interface Window {
    /** Every request made through the stand-in, for tests that assert org targeting. */
    __harnessBackendRequests?: RecordedRequest[];
  }
}

function isLocalApi(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('api/');
}

function withParams(url: string, params?: Record<string, unknown>): string {
  if (!params) {
    return url;
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) {
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, String(item));
    }
  }
  const qs = search.toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

/** The header rewrite of the real backend service, applied to a copy of the caller's headers. */
export function rewriteHeaders(url: string, headers: Record<string, unknown> | undefined, uiOrgId: number): Headers {
  const out = new Headers();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) {
      continue;
    }
    if (key.toLowerCase() === 'authorization') {
      out.set('X-DS-Authorization', String(value));
    } else {
      out.set(key, String(value));
    }
  }
  if (isLocalApi(url) && uiOrgId > 0) {
    out.set('X-Grafana-Org-Id', String(uiOrgId));
  }
  return out;
}

async function readBody(res: Response, responseType: BackendSrvRequest['responseType']): Promise<unknown> {
  if (responseType === 'text') {
    return res.text();
  }
  if (responseType === 'arraybuffer') {
    return res.arrayBuffer();
  }
  if (responseType === 'blob') {
    return res.blob();
  }
  const text = await res.text();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createHarnessBackendSrv(getUiOrgId: () => number): BackendSrv {
  const requests: RecordedRequest[] = (window.__harnessBackendRequests = window.__harnessBackendRequests ?? []);

  async function doFetch<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    const method = (options.method ?? 'GET').toUpperCase();
    const path = options.url.startsWith('api/') ? `/${options.url}` : options.url;
    const url = withParams(path, options.params);
    const headers = rewriteHeaders(path, options.headers, getUiOrgId());
    let body: BodyInit | undefined;
    if (options.data !== undefined && method !== 'GET' && method !== 'HEAD') {
      if (typeof options.data === 'string' || options.data instanceof FormData || options.data instanceof Blob) {
        body = options.data;
      } else {
        body = JSON.stringify(options.data);
        if (!headers.has('Content-Type')) {
          headers.set('Content-Type', 'application/json');
        }
      }
    }
    const res = await window.fetch(url, {
      method,
      headers,
      body,
      signal: options.abortSignal,
      credentials: 'same-origin',
    });
    requests.push({ method, url, orgIdHeader: headers.get('X-Grafana-Org-Id'), status: res.status });
    const data = (await readBody(res, options.responseType)) as T;
    const response: FetchResponse<T> = {
      data,
      status: res.status,
      statusText: res.statusText,
      ok: res.ok,
      headers: res.headers,
      redirected: res.redirected,
      type: res.type,
      url: res.url,
      config: options,
    };
    if (!res.ok) {
      const payload = (data ?? {}) as { message?: string };
      const error: FetchError = {
        status: res.status,
        statusText: res.statusText,
        data,
        message: typeof payload.message === 'string' ? payload.message : res.statusText,
        config: options,
      };
      throw error;
    }
    return response;
  }

  const fetchObservable = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      doFetch<T>(options).then(
        (response) => {
          subscriber.next(response);
          subscriber.complete();
        },
        (error) => subscriber.error(error)
      );
    });

  const request = async <T>(options: BackendSrvRequest): Promise<T> => (await doFetch<T>(options)).data;

  return {
    fetch: fetchObservable,
    request,
    datasourceRequest: doFetch,
    get: (url, params, requestId, options) => request({ ...options, url, params, requestId, method: 'GET' }),
    delete: (url, data, options) => request({ ...options, url, data, method: 'DELETE' }),
    post: (url, data, options) => request({ ...options, url, data, method: 'POST' }),
    patch: (url, data, options) => request({ ...options, url, data, method: 'PATCH' }),
    put: (url, data, options) => request({ ...options, url, data, method: 'PUT' }),
    chunked: () => {
      throw new Error('harness backendSrv: chunked() is not implemented; use fetch() in components under test');
    },
  };
}

/** Convenience for pages that want a promise from the observable API. */
export function fetchOnce<T>(srv: BackendSrv, options: BackendSrvRequest): Promise<FetchResponse<T>> {
  return lastValueFrom(srv.fetch<T>(options));
}
