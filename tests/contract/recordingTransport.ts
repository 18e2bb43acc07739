/** A Transport over the fake that checks every response against the OpenAPI subset. */
import type { Transport } from '../../src/grafana-api';
import { type FakeGrafana, fakeTransport, FakeAuth } from '../fakes/grafana-api';
import { contractProblems } from './schema';

export interface CheckedTransport {
  transport: Transport;
  problems: string[];
  calls: Array<{ method: string; path: string; status: number }>;
}

export function checkedTransport(fake: FakeGrafana, auth?: FakeAuth): CheckedTransport {
  const inner = fakeTransport(fake, auth ? { auth } : {});
  const problems: string[] = [];
  const calls: CheckedTransport['calls'] = [];
  const transport: Transport = async (req) => {
    const res = await inner(req);
    calls.push({ method: req.method, path: req.path, status: res.status });
    problems.push(...contractProblems(req.method, req.path, res.status, res.body));
    return res;
  };
  return { transport, problems, calls };
}
