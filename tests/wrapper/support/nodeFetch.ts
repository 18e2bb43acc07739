import http from 'http';

/**
 * jest's jsdom environment has no global fetch, and the node environment cannot load the
 * scaffolded jest-setup (it patches HTMLCanvasElement). tests/support/prometheus.ts needs fetch for
 * GETs to 127.0.0.1 only; this installs a minimal GET-only fetch over node's http module when none
 * exists. Remove once jest-setup works under `@jest-environment node`.
 */
export function ensureFetch(): void {
  if (typeof globalThis.fetch === 'function') {
    return;
  }
  const minimalFetch = (input: string | URL, init?: { method?: string }) =>
    new Promise((resolve, reject) => {
      if (init?.method && init.method !== 'GET') {
        reject(new Error(`minimal test fetch supports GET only, got ${init.method} ${String(input)}`));
        return;
      }
      http
        .get(String(input), (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({
              status,
              ok: status >= 200 && status < 300,
              text: async () => body,
              json: async () => JSON.parse(body),
            });
          });
        })
        .on('error', reject);
    });
  (globalThis as { fetch?: unknown }).fetch = minimalFetch;
  if (typeof AbortSignal.timeout !== 'function') {
    (AbortSignal as unknown as { timeout: () => undefined }).timeout = () => undefined;
  }
}
