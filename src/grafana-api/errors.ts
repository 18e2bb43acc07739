/** The single error type of the Grafana API client: what failed, where, and what to do. */

export interface GrafanaApiErrorInit {
  status: number;
  method: string;
  path: string;
  orgId?: number;
  body: unknown;
  /** Set for transport failures (status 0). */
  cause?: unknown;
}

/** Grafana's error text: `message` of the plain, status-tagged and errutil bodies (CONTRACT §3). */
export function serverMessage(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

/** Endpoints evaluated with global (Server Admin) permissions (CONTRACT §1). */
function isGlobalPath(path: string): boolean {
  return /^\/api\/(orgs|admin|users)(\/|\?|$)/.test(path) && !/^\/api\/orgs\/\d+\/users/.test(path);
}

function hint(init: GrafanaApiErrorInit): string {
  const { status, path } = init;
  // `/api/orgs/{id}/…` carries the org in the path instead of the header (CONTRACT §2.1).
  const pathOrg = /^\/api\/orgs\/(\d+)/.exec(path)?.[1];
  const orgId = init.orgId ?? (pathOrg !== undefined ? Number(pathOrg) : undefined);
  const inOrg = orgId !== undefined ? ` of org ${orgId}` : ' of the target org';
  if (status === 0) {
    return 'Grafana could not be reached: check its URL and that it is running, then retry.';
  }
  if (status === 401) {
    return 'Authentication failed: sign in again or check the credentials; a service-account token only works in its own org.';
  }
  if (status === 403) {
    if (isGlobalPath(path)) {
      return 'The signed-in user must be a Grafana server admin (service accounts cannot call global endpoints).';
    }
    return `The signed-in user must be a Grafana server admin and Admin${inOrg} (add it with POST /api/orgs/{id}/users).`;
  }
  if (status === 404) {
    return `The object does not exist${inOrg}: it may have been deleted or live in another org; re-read the live state and plan again.`;
  }
  if (status === 409 || status === 412) {
    return 'It already exists or was changed concurrently: re-read the live state, plan again and retry.';
  }
  if (status === 400 || status === 422) {
    return 'Grafana rejected the request data: fix the named field and retry.';
  }
  if (status === 429 || status >= 500) {
    return 'Grafana is overloaded or failing: retry later; the apply is resumable.';
  }
  return 'Unexpected answer from Grafana.';
}

export class GrafanaApiError extends Error {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly orgId: number | undefined;
  readonly body: unknown;
  /** Grafana's own `message` (empty when there was none). */
  readonly serverMessage: string;
  /** What failed, without the advice: `POST /api/datasources (org 6) failed with HTTP 400: …`. */
  readonly summary: string;
  /** What to do about it (the message is `summary. hint`). */
  readonly hint: string;

  constructor(init: GrafanaApiErrorInit) {
    const server =
      init.status === 0 ? String((init.cause as Error)?.message ?? init.cause ?? '') : serverMessage(init.body);
    const where = `${init.method} ${init.path}${init.orgId !== undefined ? ` (org ${init.orgId})` : ''}`;
    const summary = `${where} failed with ${init.status === 0 ? 'a network error' : `HTTP ${init.status}`}${server ? `: ${server.replace(/\.+$/, '')}` : ''}`;
    const advice = hint(init);
    super(`${summary}. ${advice}`);
    this.summary = summary;
    this.hint = advice;
    this.name = 'GrafanaApiError';
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.orgId = init.orgId;
    this.body = init.body;
    this.serverMessage = server;
  }
}

export function isGrafanaApiError(e: unknown, status?: number): e is GrafanaApiError {
  return e instanceof GrafanaApiError && (status === undefined || e.status === status);
}
