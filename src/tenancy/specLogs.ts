/**
 * The `logs:` part of the tenant spec (beside `datasource:`, in `defaults` and per tenant): which
 * Loki data source the tenant org gets. Absent = no Loki data source (specs written before logs
 * keep planning exactly as before).
 *
 * - `mode: proxy` (token mode): the data source points at our enforcing proxy in Loki mode and
 *   sends its own per-tenant bearer token (never the metrics token: Grafana secrets are write-only,
 *   so apply cannot copy one it does not know). The proxy knows the tenant from the token.
 * - `mode: loki-multitenant`: Loki's own multi-tenancy — each tenant is a Loki tenant, the data
 *   source sends `X-Scope-OrgID: <scopeOrgId>` (default the tenant id). Loki then trusts that
 *   header, so Loki must be reachable only through Grafana (the plan warns).
 */
import { z } from 'zod';
import type { SpecError, TenantSpec } from './spec';

const nonEmpty = z.string().trim().min(1);

const basicAuthSchema = z
  .object({ user: nonEmpty, password: z.string().min(1).optional(), passwordEnv: nonEmpty.optional() })
  .strict();

const common = {
  url: nonEmpty,
  /** Data source name in the tenant org (default `Loki (<tenant id>)`). */
  name: nonEmpty.optional(),
};

const logsProxySchema = z
  .object({
    mode: z.literal('proxy'),
    tenantVia: z.literal('token').optional(),
    ...common,
    /** Refused by checkLogs with the reason (the token is the Authorization header); kept for that message. */
    basicAuth: basicAuthSchema.optional(),
  })
  .strict();

const lokiMultitenantSchema = z
  .object({
    mode: z.literal('loki-multitenant'),
    ...common,
    /** The Loki tenant (`X-Scope-OrgID`) holding this tenant's streams (default: the tenant id). */
    scopeOrgId: nonEmpty.optional(),
    /** E.g. a gateway in front of Loki; the password is write-only (secureJsonData). */
    basicAuth: basicAuthSchema.optional(),
  })
  .strict();

export const logsSchema = z.union([logsProxySchema, lokiMultitenantSchema]);

export type RawLogsSpec = z.infer<typeof logsSchema>;
/** Normalised: proxy mode always says `tenantVia: 'token'`; multitenant mode always has its scopeOrgId. */
export type LogsSpec =
  | (z.infer<typeof logsProxySchema> & { tenantVia: 'token' })
  | (z.infer<typeof lokiMultitenantSchema> & { scopeOrgId: string });

export function normaliseLogs(tenantId: string, raw: RawLogsSpec | undefined): LogsSpec | undefined {
  if (!raw) {
    return undefined;
  }
  if (raw.mode === 'proxy') {
    return { ...raw, tenantVia: 'token' };
  }
  return { ...raw, scopeOrgId: raw.scopeOrgId ?? tenantId };
}

export const usesLogsToken = (logs: LogsSpec | undefined): boolean => logs?.mode === 'proxy';

export const LOGS_MODE_FIX =
  'use `logs: { mode: proxy, url: ... }` (our proxy in Loki mode, token mode) or `logs: { mode: loki-multitenant, url: ..., scopeOrgId: ... }` (Loki tenants via X-Scope-OrgID)';

/** Checks a schema cannot express: URLs, token mode without basic auth, one Loki tenant per tenant. */
export function checkLogs(spec: TenantSpec): SpecError[] {
  const errors: SpecError[] = [];
  const scopeOwner = new Map<string, number>();
  spec.tenants.forEach((tenant, i) => {
    const logs = tenant.logs;
    if (!logs) {
      return;
    }
    const at = `tenants[${i}].logs`;
    errors.push(...urlErrors(`${at}.url`, logs.url, 'http://tenancy-proxy-logs:8080'));
    if (logs.mode === 'proxy' && logs.basicAuth) {
      errors.push({
        path: `${at}.basicAuth`,
        message: 'token mode sends `Authorization: Bearer <token>`, which basic auth would replace',
        fix: 'remove basicAuth (the tenant token authenticates Grafana to the proxy), or use `mode: loki-multitenant`',
      });
    }
    if (logs.basicAuth?.password && logs.basicAuth.passwordEnv) {
      errors.push({
        path: `${at}.basicAuth`,
        message: 'both password and passwordEnv are set',
        fix: 'keep one: password (UI) or passwordEnv (CLI)',
      });
    }
    if (logs.mode === 'loki-multitenant') {
      const first = scopeOwner.get(logs.scopeOrgId);
      if (first !== undefined) {
        errors.push({
          path: `${at}.scopeOrgId`,
          message: `Loki tenant "${logs.scopeOrgId}" is also the Loki tenant of tenants[${first}]: both tenants would read each other's logs`,
          fix: 'give every tenant its own `scopeOrgId` (default: the tenant id)',
        });
      } else {
        scopeOwner.set(logs.scopeOrgId, i);
      }
      if (/[|\s]/.test(logs.scopeOrgId)) {
        errors.push({
          path: `${at}.scopeOrgId`,
          message: `"${logs.scopeOrgId}" contains '|' or white space: Loki reads '|' as a list of tenants (query federation)`,
          fix: 'use one Loki tenant id, e.g. the tenant id',
        });
      }
    }
  });
  spec.sharedOrgs.forEach((shared, i) => {
    if (shared.logsProxyUrl !== undefined) {
      errors.push(
        ...urlErrors(`sharedOrgs[${i}].logsProxyUrl`, shared.logsProxyUrl, 'http://tenancy-proxy-logs-shared:8080')
      );
    }
  });
  return errors;
}

function urlErrors(path: string, value: string, example: string): SpecError[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ path, message: `"${value}" is not an absolute URL`, fix: `use e.g. \`${example}\`` }];
  }
  return url.protocol === 'http:' || url.protocol === 'https:'
    ? []
    : [{ path, message: `scheme ${url.protocol} is not http or https`, fix: 'use an http:// or https:// URL' }];
}
