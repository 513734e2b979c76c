/**
 * Exponential backoff with full jitter (delay drawn uniformly from [0, min(max, base * 2^(n-1)))):
 * retries of many jobs that failed together (a marketplace outage) spread out instead of returning
 * as one wave.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Source of randomness in [0, 1); injectable so tests can check the growth. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 30 * 60_000 };

/** Delay before the retry that follows failed attempt number `attempt` (1 = the first attempt). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 40);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const r = (policy.random ?? Math.random)();
  return Math.floor(Math.min(Math.max(r, 0), 1) * ceiling);
}
