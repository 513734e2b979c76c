import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import type { Logger } from '../../util/logger';
import { BreakerRegistry, DEFAULT_BREAKER } from './breaker';
import { createClient, type ClientShared } from './client';
import { SharedRateLimiter, type LimiterStoreKind } from './limiter';
import { createHttpMetrics } from './metrics';
import { DEFAULT_RETRY, sleep } from './retry';
import { SyncLogWriter } from './sync-log';
import type { BreakerPolicy, BreakerSnapshot, HttpClientOptions, MarketplaceHttpClient, MarketplaceHttpFactory, RetryPolicy } from './types';

export interface MarketplaceHttpOptions {
  /** Database for meschain_sync_logs rows and the MySQL rate-limit store. Without it: no log rows, memory limiter. */
  knex?: Knex;
  /** Use Redis for the shared rate limiter (config.redisUrl). */
  redisUrl?: string;
  /** Force a limiter store; default: redis when redisUrl is set, else mysql when knex is given, else memory. */
  limiterStore?: LimiterStoreKind;
  /** Longest a call waits for a rate-limit slot. */
  maxRateLimitWaitMs?: number;
  metrics?: Registry;
  logger?: Logger;
  /** Write a meschain_sync_logs row per call (default true when knex is given). */
  syncLogs?: boolean;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  /** Replaces the wait between retries (tests record the delays instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
}

export interface MarketplaceHttp extends MarketplaceHttpFactory {
  /** Writes buffered sync-log rows now (tests, shutdown). */
  flushLogs(): Promise<void>;
  readonly limiterStore: LimiterStoreKind;
}

/**
 * The one HTTP client factory every adapter uses: one per process. Clients of the same marketplace
 * account share a circuit breaker; all clients of all processes that use the same store share the
 * rate limits.
 */
export function createMarketplaceHttp(options: MarketplaceHttpOptions = {}): MarketplaceHttp {
  const store: LimiterStoreKind = options.limiterStore ?? (options.redisUrl ? 'redis' : options.knex ? 'mysql' : 'memory');
  let redis: Redis | undefined;
  if (store === 'redis') {
    if (!options.redisUrl) throw new Error('limiterStore "redis" needs redisUrl');
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  }
  const limiter = new SharedRateLimiter({ store, knex: options.knex, redis, maxWaitMs: options.maxRateLimitWaitMs });
  const metrics = createHttpMetrics(options.metrics);
  const breakers = new BreakerRegistry({ ...DEFAULT_BREAKER, ...options.breaker });
  breakers.onChange((s) => {
    metrics.breaker(s.marketplace, s.accountId, s.state);
    options.logger?.warn({ marketplace: s.marketplace, accountId: s.accountId, state: s.state, retryAt: s.retryAt }, 'marketplace circuit breaker changed state');
  });
  const logs = options.knex && options.syncLogs !== false ? new SyncLogWriter(options.knex, options.logger) : null;
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
  };
  const shared: ClientShared = {
    breakers,
    limiter,
    logs,
    metrics,
    logger: options.logger,
    agents,
    defaults: { timeoutMs: options.timeoutMs ?? 30_000, retry: { ...DEFAULT_RETRY, ...options.retry } },
    sleep: options.sleep ?? sleep,
  };

  return {
    limiterStore: store,
    client(clientOptions: HttpClientOptions): MarketplaceHttpClient {
      if (!clientOptions.baseUrl) throw new Error(`${clientOptions.marketplace} account ${clientOptions.accountId}: base URL is empty`);
      metrics.breaker(clientOptions.marketplace, clientOptions.accountId, breakers.state(clientOptions.marketplace, clientOptions.accountId));
      return createClient(shared, clientOptions);
    },
    breakers(): BreakerSnapshot[] {
      return breakers.snapshots();
    },
    onBreakerChange(listener) {
      return breakers.onChange(listener);
    },
    flushLogs(): Promise<void> {
      return logs ? logs.flush() : Promise.resolve();
    },
    async close(): Promise<void> {
      await logs?.flush();
      breakers.shutdown();
      agents.http.destroy();
      agents.https.destroy();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
