import type { Knex } from 'knex';
import {
  RateLimiterMemory,
  RateLimiterMySQL,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { MarketplaceError } from '../errors';
import { sleep } from './retry';
import type { RateLimit } from './types';

/** The table migration 008 creates for the MySQL store (rate-limiter-flexible's own layout). */
export const RATE_LIMIT_TABLE = 'meschain_rate_limits';

export type LimiterStoreKind = 'memory' | 'mysql' | 'redis';

export interface SharedLimiterOptions {
  store: LimiterStoreKind;
  knex?: Knex;
  /** An ioredis client (the caller owns it). */
  redis?: unknown;
  /** Longest a call waits for a slot before giving up with rate_limited. */
  maxWaitMs?: number;
}

export interface AcquireResult {
  waitedMs: number;
}

/**
 * Rate limit shared by every process that uses the same store (MySQL table or Redis), so two sidecars
 * — or two clients of one account in one process — together stay under the marketplace's limit.
 *
 * Windows are fixed and aligned to the epoch (the window index is part of the key), the way a
 * marketplace counting "N requests per T seconds" sees them. A slot is not taken in the last moments
 * of a window (the guard band), so a request counted in window k does not arrive in window k+1.
 * A caller that finds its window full waits for the next one instead of failing.
 */
export class SharedRateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private dbName: Promise<string> | null = null;
  private readonly maxWaitMs: number;

  constructor(private readonly options: SharedLimiterOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
    if (options.store === 'mysql' && !options.knex) throw new Error('the MySQL rate-limit store needs a knex instance');
    if (options.store === 'redis' && !options.redis) throw new Error('the Redis rate-limit store needs a Redis client');
  }

  get store(): LimiterStoreKind {
    return this.options.store;
  }

  /** Waits until a slot in `key`'s window is free, then takes it. */
  async acquire(key: string, limit: RateLimit): Promise<AcquireResult> {
    const started = Date.now();
    const limiter = await this.limiterFor(limit);
    const duration = limit.durationMs;
    const guard = Math.min(duration * 0.2, 500);
    for (;;) {
      const now = Date.now();
      const index = Math.floor(now / duration);
      const windowEnd = (index + 1) * duration;
      if (windowEnd - now >= guard) {
        try {
          await limiter.consume(`${key}:${index}`, 1);
          return { waitedMs: now - started };
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw err;
        }
      }
      const wait = Date.now() - started;
      if (wait > this.maxWaitMs) {
        throw new MarketplaceError('rate_limited', `no free request slot for ${key} within ${this.maxWaitMs} ms`, {
          retryAfterMs: duration,
        });
      }
      // Wake a little after the boundary; the spread keeps waiting callers from arriving as one burst.
      await sleep(windowEnd - Date.now() + 1 + Math.floor(Math.random() * Math.min(50, duration * 0.05)));
    }
  }

  private async limiterFor(limit: RateLimit): Promise<RateLimiterAbstract> {
    if (!(limit.points >= 1) || !(limit.durationMs >= 1)) throw new Error(`invalid rate limit ${JSON.stringify(limit)}`);
    const id = `${limit.points}/${limit.durationMs}`;
    const existing = this.limiters.get(id);
    if (existing) return existing;
    // The store only needs the key to outlive its window; the window itself is in the key.
    const base = { points: limit.points, duration: Math.ceil(limit.durationMs / 1000) + 1, keyPrefix: 'mrl' };
    let limiter: RateLimiterAbstract;
    switch (this.options.store) {
      case 'memory':
        limiter = new RateLimiterMemory(base);
        break;
      case 'redis':
        limiter = new RateLimiterRedis({ ...base, storeClient: this.options.redis });
        break;
      case 'mysql': {
        const dbName = await this.databaseName();
        limiter = new RateLimiterMySQL({
          ...base,
          storeClient: this.options.knex,
          storeType: 'knex',
          dbName,
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
          clearExpiredByTimeout: true,
        });
        break;
      }
    }
    this.limiters.set(id, limiter);
    return limiter;
  }

  private databaseName(): Promise<string> {
    if (!this.dbName) {
      const knex = this.options.knex as Knex;
      this.dbName = knex.raw('SELECT DATABASE() AS db').then((res: unknown) => {
        const rows = (res as [Array<{ db: string | null }>])[0];
        const db = rows[0]?.db;
        if (!db) throw new Error('the database connection has no default database');
        return db;
      });
    }
    return this.dbName;
  }
}
