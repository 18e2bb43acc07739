/**
 * Retry with exponential backoff for transient Grafana answers (429 and 5xx) and network errors.
 * Every write the tenancy app makes is safe to repeat: creates use deterministic names/uids and
 * a 409 on the retry is adopted only when the object carries our marker (apply.ts).
 */
import { errorStatus } from './ports';

export interface RetryOptions {
  /** Total attempts including the first (default 4). 1 disables retrying. */
  attempts?: number;
  /** First delay; doubled per attempt with ±25% jitter (default 250 ms). */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export function isTransient(err: unknown): boolean {
  const status = errorStatus(err);
  if (status === undefined) {
    // No HTTP status: a network failure (connection reset, timeout), worth another try.
    return (
      !(err instanceof TypeError && /abort/i.test(err.message)) && !(err instanceof Error && err.name === 'AbortError')
    );
  }
  return status === 429 || (status >= 500 && status !== 501);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 250;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err) || options.signal?.aborted) {
        throw err;
      }
      const delay = base * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
      await sleep(delay);
    }
  }
}
