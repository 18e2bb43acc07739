import type { IncomingMessage } from 'http';
import { regexTenantProblem, type ProxyOptions, type TenantSource } from './options';
import type { Params } from './params';
import { ProxyRejection } from './rejection';

/**
 * The tenant values of one request, as prom-label-proxy's `ExtractLabel` implementations
 * (injectproxy/routes.go: HTTPFormEnforcer, HTTPHeaderEnforcer, StaticLabelEnforcer) find them.
 * Empty values are dropped; none left is a 400 and nothing reaches the upstream. Values are
 * sorted in byte order as `MustLabelValues` does, which fixes the order inside a regex matcher.
 */
export function tenantValues(req: IncomingMessage, source: TenantSource, url: Params, form: Params | null): string[] {
  let raw: string[];
  switch (source.kind) {
    case 'static':
      raw = [...source.values];
      break;
    case 'header': {
      // headersDistinct keeps one entry per header line; req.headers would join them with ", ".
      const lines = req.headersDistinct[source.name.toLowerCase()] ?? [];
      raw = source.listSyntax ? lines.flatMap((line) => line.split(',').map((v) => v.trim())) : lines;
      break;
    }
    case 'queryParam':
      // Go's ParseForm: the union of the URL parameter and, for form POSTs, the body parameter.
      raw = [...url.getAll(source.name), ...(form?.getAll(source.name) ?? [])];
      break;
  }
  const values = raw.filter((v) => v !== '').sort(byteOrder);
  if (values.length === 0) {
    throw new ProxyRejection(400, 'missing-tenant', missingTenantMessage(source));
  }
  return values;
}

/** Removes the tenant parameter so the upstream never sees it (query-parameter mode only). */
export function stripTenantParam(source: TenantSource, url: Params, form: Params | null): void {
  if (source.kind === 'queryParam') {
    url.delete(source.name);
    form?.delete(source.name);
  }
}

/** The messages prom-label-proxy gives (`humanFriendlyErrorMessage`). */
function missingTenantMessage(source: TenantSource): string {
  switch (source.kind) {
    case 'queryParam':
      return `The "${source.name}" query parameter must be provided.`;
    case 'header':
      return `Missing HTTP header "${canonicalHeaderName(source.name)}".`;
    case 'static':
      return 'No tenant value is configured; start the proxy with --label-value.';
  }
}

/** Go's textproto.CanonicalMIMEHeaderKey, for messages that match prom-label-proxy's. */
function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

/** Checks the tenant values against -regex-match's rules (400 on failure, nothing upstream). */
export function checkTenantValues(values: readonly string[], options: ProxyOptions): void {
  if (!options.regexMatch) {
    return;
  }
  const problem = regexTenantProblem(values);
  if (problem) {
    throw new ProxyRejection(400, 'invalid-tenant', problem);
  }
}

/**
 * Whether a label value belongs to the tenant: what the enforced matcher accepts (section 2 of
 * BEHAVIOUR.md). Used to filter rules and alerts; an empty value never belongs to a tenant.
 */
export function tenantValueMatcher(
  values: readonly string[],
  regexMatch: boolean
): (value: string | undefined) => boolean {
  if (regexMatch) {
    const re = new RegExp(`^(?:${values[0]})$`, 'u');
    return (value) => value !== undefined && value !== '' && re.test(value);
  }
  const allowed = new Set(values);
  return (value) => value !== undefined && value !== '' && allowed.has(value);
}

export function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}
