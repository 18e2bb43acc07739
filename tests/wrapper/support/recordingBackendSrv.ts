import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { urlUtil } from '@grafana/data';
import { Observable, from } from 'rxjs';

/** One request the code under test sent through getBackendSrv(). */
export interface RecordedRequest {
  method: string;
  /** Path without query string. */
  path: string;
  /** Query parameters as Grafana's backendSrv serialises them (arrays → repeated keys). */
  query: URLSearchParams;
  data?: unknown;
}

export type Route = (req: RecordedRequest) => unknown | Promise<unknown>;

/** A FetchError as getBackendSrv rejects with (status + parsed body). */
export function fetchError(status: number, data: unknown, config: BackendSrvRequest = { url: '' }): FetchError {
  return { status, statusText: String(status), data, config };
}

/**
 * A getBackendSrv() stand-in that records every request and answers from `route`. The query
 * string is built with @grafana/data's urlUtil.serializeParams, as Grafana's backend_srv does,
 * so `match[]` arrays become repeated `match[]=` keys exactly as on the wire.
 */
export class RecordingBackendSrv implements BackendSrv {
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly route: Route) {}

  /** Requests whose path starts with `prefix`. */
  to(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  async request<T>(options: BackendSrvRequest): Promise<T> {
    const qs = options.params ? urlUtil.serializeParams(options.params) : '';
    const [path, inline] = options.url.split('?');
    const query = new URLSearchParams([inline, qs].filter(Boolean).join('&'));
    const rec: RecordedRequest = { method: (options.method ?? 'GET').toUpperCase(), path, query, data: options.data };
    this.requests.push(rec);
    return (await this.route(rec)) as T;
  }

  get<T>(url: string, params?: unknown, _requestId?: string, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, params: params as Record<string, unknown>, method: 'GET' });
  }
  post<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'POST' });
  }
  put<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PUT' });
  }
  patch<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'PATCH' });
  }
  delete<T>(url: string, data?: unknown, options?: Partial<BackendSrvRequest>): Promise<T> {
    return this.request<T>({ ...options, url, data, method: 'DELETE' });
  }
  async datasourceRequest<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    const data = await this.request<T>(options);
    return {
      data,
      status: 200,
      statusText: 'OK',
      ok: true,
      headers: new Headers(),
      redirected: false,
      type: 'basic',
      url: options.url,
      config: options,
    };
  }
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return from(this.datasourceRequest<T>(options));
  }
  chunked(): Observable<FetchResponse<Uint8Array | undefined>> {
    throw new Error('RecordingBackendSrv.chunked is not used by the wrapper');
  }
}
