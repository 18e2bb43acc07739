import { regexTenantProblem, type ProxyOptions } from './options';
import { ProxyRejection } from './rejection';

// Who the tenant is comes from proxy/identity/; this module checks and matches the values.

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
