/**
 * Retry with exponential backoff and full jitter for 429, 5xx and network errors. Reads are always
 * retried; writes only when the caller marks them safe, because a write whose response was lost
 * may already have been applied (e.g. a retried POST /api/orgs would meet 409).
 */

export interface RetryPolicy {
  /** Extra attempts after the first (default 3). */
  retries: number;
  /** Delay before retry n (0-based) is random in [0, min(maxDelayMs, baseDelayMs × 2^n)] (default 200). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Treat PUT/PATCH/DELETE as safe to retry without per-call opt-in (default false). */
  retryIdempotentWrites: boolean;
  /** Injectable for tests. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  retryIdempotentWrites: false,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** A policy that never waits, for tests. */
export const NO_DELAY_RETRY_POLICY: Partial<RetryPolicy> = {
  baseDelayMs: 0,
  maxDelayMs: 0,
  sleep: async () => undefined,
};

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * cap);
}
