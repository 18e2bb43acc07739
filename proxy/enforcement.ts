import {
  EnforceError,
  createEnforcer,
  enforceQuery,
  enforceSeriesSelector,
  tenantSelector,
  type Enforcer,
} from '../src/promql';
import type { ProxyOptions } from './options';
import { ProxyRejection } from './rejection';

/**
 * Enforced text of recent queries, shared by all tenants of a proxy: dashboards send the same
 * query text on every refresh and the engine is deterministic per (tenant values, options, text).
 * Bounded in entries and entry size (~16 MiB at most); failures are never kept.
 */
export class EnforcedQueryCache {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly maxEntries = 2048,
    private readonly maxQueryLength = 4096
  ) {}

  lookup(key: string, query: string, compute: () => string): string {
    if (this.maxEntries === 0 || query.length > this.maxQueryLength) {
      return compute();
    }
    const id = `${key}\u0000${query}`;
    let enforced = this.entries.get(id);
    if (enforced === undefined) {
      enforced = compute();
      if (this.entries.size >= this.maxEntries) {
        // Maps iterate in insertion order: drop the oldest entry.
        this.entries.delete(this.entries.keys().next().value!);
      }
      this.entries.set(id, enforced);
    }
    return enforced;
  }
}

/**
 * What the routes need from a request's enforcement, for a tenant-values identity
 * (TenantEnforcement) and for a label-policy identity (policyEnforcement.ts) alike.
 */
export interface Enforcement {
  /** A PromQL query restricted to what the identity may see. */
  query(expr: string): string;
  /**
   * The `match[]` values that replace one client `match[]`: one per policy rule, each the client
   * selector ANDed with that rule (Prometheus unions the match[] of a request).
   */
  seriesSelectors(selector: string): string[];
  /** The `match[]` values selecting everything the identity may see (one per rule). */
  tenantSelectors(): string[];
}

/**
 * The tenant enforcement of one request: the engine's Enforcer for the request's tenant values,
 * and the operations the routes need, with engine errors turned into HTTP answers.
 */
export class TenantEnforcement implements Enforcement {
  readonly enforcer: Enforcer;
  private readonly cacheKey: string;

  constructor(
    values: readonly string[],
    options: ProxyOptions,
    private readonly cache: EnforcedQueryCache = new EnforcedQueryCache(0)
  ) {
    this.cacheKey = JSON.stringify(values);
    this.enforcer = guard(() =>
      createEnforcer({
        label: options.label,
        values,
        errorOnReplace: options.errorOnReplace,
        regexMatch: options.regexMatch,
      })
    );
  }

  /** A PromQL query with every selector (aggregation parameters included) enforced. */
  query(expr: string): string {
    return this.cache.lookup(this.cacheKey, expr, () => guard(() => enforceQuery(expr, this.enforcer)));
  }

  /**
   * A `match[]` value with the tenant matcher appended, existing matchers kept (prom-label-proxy
   * section 5 semantics: the tenant matcher is ANDed, so the user can only narrow).
   */
  seriesSelector(selector: string): string {
    return guard(() => enforceSeriesSelector(selector, this.enforcer, { mode: 'append' }));
  }

  seriesSelectors(selector: string): string[] {
    return [this.seriesSelector(selector)];
  }

  /** `{tenant="a"}`: the selector for "everything of this tenant". */
  tenantSelector(): string {
    return tenantSelector(this.enforcer);
  }

  tenantSelectors(): string[] {
    return [this.tenantSelector()];
  }
}

/** Maps the engine's typed errors to prom-label-proxy's answers (BEHAVIOUR.md 3.5 and 6). */
export function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof EnforceError) {
      switch (err.kind) {
        case 'parse':
          throw new ProxyRejection(400, 'query-parse', err.message);
        case 'illegal-label-matcher':
          throw new ProxyRejection(400, 'illegal-label-matcher', err.message);
        case 'empty-values':
        case 'empty-label':
          throw new ProxyRejection(400, 'missing-tenant', err.message);
        case 'unsupported':
          throw new ProxyRejection(400, 'query-parse', err.message);
      }
    }
    if (err instanceof ProxyRejection) {
      throw err;
    }
    throw new ProxyRejection(500, 'enforcement-failed', `enforcing the tenant failed: ${(err as Error).message}`);
  }
}
