/** In-process `Transport` for GrafanaApi unit tests: calls FakeGrafana.handle directly. */
import type { Transport } from '../../../src/grafana-api';
import type { FakeGrafana } from './fakeGrafana';

export type FakeAuth =
  { basic: { user: string; password: string } } | { bearer: string } | { session: string } | { none: true };

export function authHeaders(auth: FakeAuth): Record<string, string> {
  if ('basic' in auth) {
    return { Authorization: 'Basic ' + Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64') };
  }
  if ('bearer' in auth) {
    return { Authorization: 'Bearer ' + auth.bearer };
  }
  if ('session' in auth) {
    return { Cookie: 'grafana_session=' + auth.session };
  }
  return {};
}

/** Default: basic auth as `admin`/`admin`. The org goes out as `X-Grafana-Org-Id`, like the real transports. */
export function fakeTransport(fake: FakeGrafana, opts: { auth?: FakeAuth } = {}): Transport {
  const headers = authHeaders(opts.auth ?? { basic: { user: 'admin', password: 'admin' } });
  return async (req) => {
    const res = await fake.handle({
      method: req.method,
      url: req.path,
      headers: { ...headers, ...(req.orgId !== undefined ? { 'X-Grafana-Org-Id': String(req.orgId) } : {}) },
      body: req.body,
    });
    return { status: res.status, body: res.body };
  };
}
