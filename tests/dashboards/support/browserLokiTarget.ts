import { LokiHttpTarget } from '../../wrapper/support/lokiHttpTarget';

async function fetchJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    throw new Error(`GET ${url} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * The wrapper's Loki target in the browser harness: what the jest tests' ForwardingLokiTarget does
 * (Grafana's Loki second variable pass and macros, then query / query_range), over the page's
 * fetch to `basePath` (the harness' same-origin `/loki` proxy to the fake Loki).
 */
export class BrowserLokiTarget extends LokiHttpTarget {
  constructor(basePath: string, uid = 'loki') {
    super(basePath, fetchJson, uid);
  }
}
