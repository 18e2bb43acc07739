/** Raw-request helpers for table-driven checks against FakeGrafana. */
import { authHeaders, FakeAuth, FakeGrafana, FakeResponse } from '../fakes/grafana-api';
import { contractProblems } from './schema';

export const ADMIN: FakeAuth = { basic: { user: 'admin', password: 'admin' } };

export interface CallOpts {
  auth?: FakeAuth;
  /** Sent as X-Grafana-Org-Id. */
  org?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(fake: FakeGrafana, method: string, url: string, opts: CallOpts = {}): Promise<FakeResponse> {
  return fake.handle({
    method,
    url,
    headers: {
      ...authHeaders(opts.auth ?? ADMIN),
      ...(opts.org !== undefined ? { 'X-Grafana-Org-Id': String(opts.org) } : {}),
      ...opts.headers,
    },
    body: opts.body,
  });
}

/** Calls and fails the test with the full answer when the status is not 2xx. */
export async function must(fake: FakeGrafana, method: string, url: string, opts: CallOpts = {}): Promise<any> {
  const res = await call(fake, method, url, opts);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** A fake with org 2 `tenant-a` (admin is Admin there) and users alice (Viewer in 2), ed (Editor in 2), oa (Admin in 2). */
export async function world() {
  const fake = new FakeGrafana();
  const { orgId } = await must(fake, 'POST', '/api/orgs', { body: { name: 'tenant-a' } });
  const alice = fake.createUser({ login: 'alice', email: 'alice@example.com', password: 'pw' });
  const ed = fake.createUser({ login: 'ed', password: 'pw' });
  const oa = fake.createUser({ login: 'oa', password: 'pw' });
  await must(fake, 'POST', `/api/orgs/${orgId}/users`, { body: { loginOrEmail: 'alice', role: 'Viewer' } });
  await must(fake, 'POST', `/api/orgs/${orgId}/users`, { body: { loginOrEmail: 'ed', role: 'Editor' } });
  await must(fake, 'POST', `/api/orgs/${orgId}/users`, { body: { loginOrEmail: 'oa', role: 'Admin' } });
  const as = (login: string): FakeAuth => ({ basic: { user: login, password: 'pw' } });
  return { fake, orgId: orgId as number, alice, ed, oa, as };
}

/** Like `must`, and the answer must conform to openapi-subset.json for its path + status. */
export async function mustConform(fake: FakeGrafana, method: string, url: string, opts: CallOpts = {}): Promise<any> {
  const res = await call(fake, method, url, opts);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  }
  const problems = contractProblems(method, url, res.status, res.body);
  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
  return res.body;
}
