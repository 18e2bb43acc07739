/**
 * Before planning, one unauthenticated look at the Grafana URL, so that "cannot connect" says
 * why (no scheme, DNS, refused, TLS, timeout) and a URL that answers but is not Grafana (a proxy,
 * a login page, Prometheus) is named as such instead of failing later with a confusing status.
 */
import { CliFailure } from './exitCodes';

type ProbeFetch = (url: string, init: { signal: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export async function probeGrafana(
  rawUrl: string,
  fetchImpl: ProbeFetch = globalThis.fetch as unknown as ProbeFetch,
  timeoutMs = 10_000
): Promise<{ version?: string }> {
  const url = checkUrl(rawUrl);
  const health = `${url.replace(/\/+$/, '')}/api/health`;
  let status: number;
  let text: string;
  try {
    const res = await fetchImpl(health, { signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    throw new CliFailure('unreachable', `cannot reach Grafana at ${url}: ${connectionCause(err, timeoutMs)}`, {
      url,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // Grafana's /api/health always answers {"database": ..., "version": ...} (pkg/api/health.go).
  if (!body || typeof body !== 'object' || !('database' in body)) {
    const snippet = text.replace(/\s+/g, ' ').slice(0, 80);
    throw new CliFailure(
      'unreachable',
      `${url} answers, but it is not Grafana: GET /api/health gave HTTP ${status} "${snippet}"; check --grafana-url (Grafana's root URL, including any sub-path)`,
      { url, status }
    );
  }
  const version = (body as { version?: unknown }).version;
  return typeof version === 'string' ? { version } : {};
}

function checkUrl(raw: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new CliFailure(
      'unreachable',
      `--grafana-url "${raw}" has no scheme; use e.g. http://${raw.replace(/^\/+/, '') || 'localhost:3000'}`,
      { url: raw }
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliFailure('unreachable', `--grafana-url "${raw}" is not a URL; use e.g. http://localhost:3000`, {
      url: raw,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliFailure('unreachable', `--grafana-url "${raw}" must be http:// or https://`, { url: raw });
  }
  return raw;
}

/** Node's fetch (undici) puts the system error in `cause`; name it in words an operator acts on. */
export function connectionCause(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; hostname?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `no answer within ${timeoutMs / 1000} s (a firewall dropping packets, or the wrong host)`;
  }
  const code = e?.cause?.code ?? '';
  const detail = e?.cause?.message ?? e?.message ?? String(err);
  if (code === 'ECONNREFUSED') {
    return `connection refused (${detail}): is Grafana running and listening on that port?`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `DNS could not resolve the host (${detail}): check the host name`;
  }
  if (/^(CERT_|ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code) || code === 'EPROTO') {
    return `TLS failed (${code}: ${detail}): check the certificate, or use http:// if Grafana serves plain HTTP`;
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return `the connection was closed (${detail}): is this a TLS port spoken to with http://, or a proxy refusing it?`;
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `connecting timed out (${detail}): check the host, the port and any firewall`;
  }
  return detail;
}
