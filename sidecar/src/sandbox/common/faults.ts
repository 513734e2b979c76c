import { createRandom } from '../../util/random';

/** Fault injection settings of a sandbox (all off by default). Rates are fractions 0..1 of requests. */
export interface FaultConfig {
  /** Answer with one of `errorStatuses` instead of handling the request. */
  errorRate: number;
  errorStatuses: number[];
  /** Extra latency per request: fixed ms or [min, max]. */
  latencyMs: number | [number, number];
  /** Hold the request without answering for `timeoutHoldMs`, then drop the connection. */
  timeoutRate: number;
  timeoutHoldMs: number;
  /** Destroy the connection at once without an answer. */
  dropRate: number;
  /** In batch results, this fraction of otherwise valid items fails with a transient reason. */
  partialBatchFailureRate: number;
  /**
   * When the fault happens: 'before' the request is handled (nothing changes), 'after' it was handled
   * (state changed but the caller sees a failure), or 'mixed' (either, at random).
   */
  phase: 'before' | 'after' | 'mixed';
  /** Only requests whose route template matches (substring or /regex/) get faults; empty = all API routes. */
  routes: string[];
  /** PRNG seed for reproducible runs. */
  seed: number;
}

export const NO_FAULTS: FaultConfig = {
  errorRate: 0,
  errorStatuses: [500, 503, 429],
  latencyMs: 0,
  timeoutRate: 0,
  timeoutHoldMs: 10_000,
  dropRate: 0,
  partialBatchFailureRate: 0,
  phase: 'before',
  routes: [],
  seed: 1,
};

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'error'; status: number; after: boolean }
  | { kind: 'timeout'; after: boolean }
  | { kind: 'drop'; after: boolean };

export class FaultInjector {
  private config: FaultConfig = { ...NO_FAULTS };
  private random = createRandom(NO_FAULTS.seed);

  get current(): FaultConfig {
    return { ...this.config };
  }

  set(update: Partial<FaultConfig>): FaultConfig {
    const next = { ...this.config, ...update };
    for (const key of ['errorRate', 'timeoutRate', 'dropRate', 'partialBatchFailureRate'] as const) {
      if (!(next[key] >= 0 && next[key] <= 1)) throw new Error(`${key} must be between 0 and 1`);
    }
    if (next.errorStatuses.length === 0) throw new Error('errorStatuses must not be empty');
    if (update.seed !== undefined || this.config.seed !== next.seed) this.random = createRandom(next.seed);
    this.config = next;
    return this.current;
  }

  reset(): void {
    this.config = { ...NO_FAULTS };
    this.random = createRandom(NO_FAULTS.seed);
  }

  latency(): number {
    const l = this.config.latencyMs;
    if (Array.isArray(l)) return Math.round(l[0] + this.random() * Math.max(0, l[1] - l[0]));
    return l;
  }

  decide(route: string): FaultDecision {
    const c = this.config;
    if (c.errorRate === 0 && c.timeoutRate === 0 && c.dropRate === 0) return { kind: 'none' };
    if (!this.matches(route)) return { kind: 'none' };
    const r = this.random();
    const after = c.phase === 'after' || (c.phase === 'mixed' && this.random() < 0.5);
    if (r < c.dropRate) return { kind: 'drop', after };
    if (r < c.dropRate + c.timeoutRate) return { kind: 'timeout', after };
    if (r < c.dropRate + c.timeoutRate + c.errorRate) {
      const status = c.errorStatuses[Math.floor(this.random() * c.errorStatuses.length)] ?? 500;
      return { kind: 'error', status, after };
    }
    return { kind: 'none' };
  }

  /** Whether one batch item should fail with a transient reason. */
  itemFails(): boolean {
    return this.config.partialBatchFailureRate > 0 && this.random() < this.config.partialBatchFailureRate;
  }

  private matches(route: string): boolean {
    if (this.config.routes.length === 0) return true;
    return this.config.routes.some((pattern) => {
      if (pattern.startsWith('/') && pattern.endsWith('/') && pattern.length > 2) return new RegExp(pattern.slice(1, -1)).test(route);
      return route.includes(pattern);
    });
  }
}
