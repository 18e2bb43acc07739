/** Table runner for CONTRACT §12 checks: exact status and body per case, plus schema validation. */
import { FakeAuth } from '../fakes/grafana-api';
import { call, CallOpts, world } from './helpers';
import { contractProblems } from './schema';

export type World = Awaited<ReturnType<typeof world>>;

export type Req = [method: string, url: string, opts?: CallOpts];

export interface Case {
  name: string;
  /** Runs before the request; may return extra values for `request`. */
  setup?: (w: World) => Promise<Record<string, any> | void>;
  request: (w: World, s: Record<string, any>) => Req | Promise<Req>;
  status: number;
  /** Exact body, or a subset when `partial`. */
  body?: unknown;
  partial?: boolean;
}

/** A token of a fresh SA in the world's tenant org. */
export const SA = async (w: World, role: 'Admin' | 'Viewer' = 'Admin'): Promise<FakeAuth> => ({
  bearer: w.fake.serviceAccountToken(w.orgId, 'sa-' + role, role),
});

export function runCases(title: string, cases: Case[]): void {
  describe(title, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const w = await world();
      const s = (await c.setup?.(w)) ?? {};
      const [method, url, opts] = await c.request(w, s);
      const res = await call(w.fake, method, url, opts);
      const body = c.body === undefined ? {} : { body: c.partial ? expect.objectContaining(c.body as object) : c.body };
      expect({ status: res.status, body: res.body }).toEqual(expect.objectContaining({ status: c.status, ...body }));
      if (!url.startsWith('/api/datasources/proxy/') && res.status !== 401) {
        expect(contractProblems(method, url, res.status, res.body)).toEqual([]);
      }
    });
  });
}
