import { startPrometheus, type RunningPrometheus } from '../../support/prometheus';

/**
 * One real Prometheus 2.42 for the enclosing describe block (or test file): started in beforeAll,
 * always stopped in afterAll. Call it at the top of the block; read `url` inside tests.
 */
export function prometheusForSuite(): { readonly url: string } {
  let prom: RunningPrometheus | undefined;
  beforeAll(async () => {
    prom = await startPrometheus();
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
  });
  return {
    get url(): string {
      if (prom === undefined) {
        throw new Error('prometheusForSuite: Prometheus is not running; see the beforeAll failure above');
      }
      return prom.url;
    },
  };
}

/** A Prometheus HTTP API answer envelope. */
export interface PromAnswer<T = unknown> {
  status: string;
  data?: T;
  error?: string;
}

/** POSTs `params` as a form to the Prometheus HTTP API at `url` + `path` and returns the JSON envelope. */
export async function postPromForm<T = unknown>(
  url: string,
  path: string,
  params: Record<string, string>,
  signal?: AbortSignal
): Promise<PromAnswer<T>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal,
  });
  return (await res.json()) as PromAnswer<T>;
}

/**
 * Prometheus' own reading of `expr` (/api/v1/format_query: comments dropped, strings re-quoted);
 * status is not 'success' when Prometheus refuses the expression.
 */
export function formatQuery(url: string, expr: string): Promise<PromAnswer<string>> {
  return postPromForm<string>(url, '/api/v1/format_query', { query: expr });
}
