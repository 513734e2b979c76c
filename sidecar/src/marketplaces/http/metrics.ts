import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from './types';

export interface HttpMetrics {
  observe(input: { marketplace: string; route: string; method: string; status: number | null; outcome: string; seconds: number }): void;
  retry(marketplace: string, route: string, reason: string): void;
  rateLimitWait(marketplace: string, group: string, seconds: number): void;
  breaker(marketplace: string, accountId: number, state: BreakerState): void;
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Registers (once per registry) and feeds the per-call marketplace metrics. */
export function createHttpMetrics(registry: Registry | undefined): HttpMetrics {
  if (!registry) return { observe() {}, retry() {}, rateLimitWait() {}, breaker() {} };
  const duration = single(registry, 'meschain_marketplace_request_duration_seconds', () =>
    new Histogram({
      name: 'meschain_marketplace_request_duration_seconds',
      help: 'Marketplace API call duration (one observation per HTTP attempt)',
      labelNames: ['marketplace', 'route', 'method', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  );
  const calls = single(registry, 'meschain_marketplace_requests_total', () =>
    new Counter({
      name: 'meschain_marketplace_requests_total',
      help: 'Marketplace API calls by outcome (ok, client_error, auth, rate_limited, server_error, transport, circuit_open)',
      labelNames: ['marketplace', 'route', 'outcome'],
      registers: [registry],
    }),
  );
  const retries = single(registry, 'meschain_marketplace_retries_total', () =>
    new Counter({
      name: 'meschain_marketplace_retries_total',
      help: 'Marketplace API calls repeated after a failure, by reason',
      labelNames: ['marketplace', 'route', 'reason'],
      registers: [registry],
    }),
  );
  const waits = single(registry, 'meschain_marketplace_rate_limit_wait_seconds_total', () =>
    new Counter({
      name: 'meschain_marketplace_rate_limit_wait_seconds_total',
      help: 'Time spent waiting for a free slot of the shared marketplace rate limit',
      labelNames: ['marketplace', 'group'],
      registers: [registry],
    }),
  );
  const breakers = single(registry, 'meschain_marketplace_breaker_state', () =>
    new Gauge({
      name: 'meschain_marketplace_breaker_state',
      help: 'Circuit breaker per marketplace account: 0 closed, 1 half-open, 2 open',
      labelNames: ['marketplace', 'account'],
      registers: [registry],
    }),
  );
  return {
    observe({ marketplace, route, method, status, outcome, seconds }) {
      duration.observe({ marketplace, route, method, status: status === null ? 'none' : String(status) }, seconds);
      calls.inc({ marketplace, route, outcome });
    },
    retry(marketplace, route, reason) {
      retries.inc({ marketplace, route, reason });
    },
    rateLimitWait(marketplace, group, seconds) {
      if (seconds > 0) waits.inc({ marketplace, group }, seconds);
    },
    breaker(marketplace, accountId, state) {
      breakers.set({ marketplace, account: String(accountId) }, BREAKER_VALUE[state]);
    },
  };
}

function single<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
