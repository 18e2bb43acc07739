/** Response helpers shared by the fake's route modules. */

export interface FakeRequest {
  method: string;
  /** Path plus query string, e.g. `/api/teams/search?query=a`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers; the router turns it into a response. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>
  ) {
    super(String(body.message ?? status));
  }
}

/** Plain `{"message": …}` error (Swagger ErrorResponseBody), CONTRACT §3. */
export function fail(status: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new FakeHttpError(status, { message, ...extra });
}

/** Status-tagged error `{"status": tag, "message": …}` (dashboards, folders), CONTRACT §3. */
export function failTagged(status: number, tag: string, message: string): never {
  throw new FakeHttpError(status, { status: tag, message });
}

/** errutil error `{"message", "messageId", "statusCode"}`, CONTRACT §3. */
export function failErrutil(status: number, messageId: string, message: string): never {
  throw new FakeHttpError(status, { message, messageId, statusCode: status });
}

/** RBAC denial text, CONTRACT §3 (observed on 10.x; same middleware expected on 12.x). */
export function forbidden(action: string): never {
  fail(403, `You'll need additional permissions to perform this action. Permissions needed: ${action}`);
}

export function ok(body: unknown, status = 200): FakeResponse {
  return { status, body };
}

/** Parses a numeric path parameter or fails with the handler's own "invalid id" text. */
export function numericParam(value: string, invalidMessage: string): number {
  if (!/^-?\d+$/.test(value)) {
    fail(400, invalidMessage);
  }
  return Number(value);
}

/** Reads a JSON object body; a non-object body is Grafana's `bad request data` (CONTRACT §4). */
export function objectBody(body: unknown): Record<string, any> {
  if (body === undefined || body === null) {
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    fail(400, 'bad request data');
  }
  return body as Record<string, any>;
}

export function intQuery(q: URLSearchParams, name: string, fallback: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '' || !/^-?\d+$/.test(raw)) {
    return fallback;
  }
  return Number(raw);
}

/** 1-based paging used by /api/teams/search, /api/serviceaccounts/search, /api/users/search (CONTRACT §5.3, §6). */
export function page1<T>(items: T[], q: URLSearchParams, perPageParam = 'perpage') {
  let perPage = intQuery(q, perPageParam, 1000);
  if (perPage <= 0) {
    perPage = 1000;
  }
  let page = intQuery(q, 'page', 1);
  if (page < 1) {
    page = 1;
  }
  return { page, perPage, totalCount: items.length, items: items.slice((page - 1) * perPage, page * perPage) };
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
}

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
