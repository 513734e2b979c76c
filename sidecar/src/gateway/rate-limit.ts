import type { Response } from 'express';
import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterMySQL, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rawRows, rawWrite } from '../db/raw';

/**
 * Rate limits on rate-limiter-flexible, shared by every sidecar process: in MySQL
 * (meschain_api_rate_limits, over the sidecar's own knex pool) by default, in Redis when
 * MESCHAIN_REDIS_URL is set. If the store fails, an in-memory limiter with the same limits stands in
 * (per process), so a store outage neither opens the gates nor takes the API down.
 */

export interface LimitSpec {
  keyPrefix: string;
  points: number;
  /** Window in seconds. */
  duration: number;
  /** Seconds a key stays blocked once over the limit (0 = until the window ends). */
  blockDuration?: number;
}

export interface LimiterStore {
  kind: 'mysql' | 'redis';
  create(spec: LimitSpec): RateLimiterAbstract;
  prune(): Promise<void>;
  close(): Promise<void>;
}

export async function createLimiterStore(knex: Knex, redisUrl: string | undefined): Promise<LimiterStore> {
  const [row] = await rawRows<{ db: string }>(knex, 'SELECT DATABASE() AS db');
  const dbName = row!.db;
  if (redisUrl) {
    const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    return {
      kind: 'redis',
      // One Redis may serve several shops: keys carry the shop's database name.
      create: (spec) => new RateLimiterRedis({ storeClient: redis, ...spec, keyPrefix: `meschain:${dbName}:${spec.keyPrefix}`, insuranceLimiter: new RateLimiterMemory(spec) }),
      prune: async () => undefined,
      close: async () => {
        redis.disconnect();
      },
    };
  }
  return {
    kind: 'mysql',
    create: (spec) =>
      new RateLimiterMySQL({
        storeClient: knex,
        storeType: 'knex',
        dbName,
        tableName: 'meschain_api_rate_limits',
        tableCreated: true,
        clearExpiredByTimeout: false,
        ...spec,
        insuranceLimiter: new RateLimiterMemory(spec),
      }),
    prune: async () => {
      await rawWrite(knex, 'DELETE FROM meschain_api_rate_limits WHERE expire < ? LIMIT 10000', [Date.now() - 3600_000]);
    },
    close: async () => undefined,
  };
}

export interface LimitOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (or the block ends). */
  resetSeconds: number;
  /** The same, exact, in milliseconds. */
  msBeforeNext?: number;
}

export interface Limiter {
  readonly points: number;
  consume(key: string): Promise<LimitOutcome>;
}

function outcome(res: RateLimiterRes, limit: number, allowed: boolean): LimitOutcome {
  return { allowed, limit, remaining: Math.max(0, res.remainingPoints), resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)), msBeforeNext: res.msBeforeNext };
}

/** One point from a raw rate-limiter-flexible limiter; a store error falls to its insurance limiter. */
export async function consumeRaw(limiter: RateLimiterAbstract, key: string, cost = 1): Promise<LimitOutcome> {
  try {
    return outcome(await limiter.consume(key, cost), limiter.points, true);
  } catch (err) {
    if (err instanceof RateLimiterRes) return outcome(err, limiter.points, false);
    throw err;
  }
}

export function consume(limiter: Limiter, key: string): Promise<LimitOutcome> {
  return limiter.consume(key);
}

interface Lease {
  left: number;
  /** Points the store still had after this lease was taken. */
  storeRemaining: number;
  expiresAt: number;
  blocked: boolean;
}

/**
 * Points taken from the shared store in small leases (about 1% of the budget, at most 50, one at a time
 * near the limit) and handed out locally, so a busy client costs the store one round trip per lease
 * instead of one per request; with a large budget the next lease is taken while the current one still
 * has a fifth of its points left. A lease never outlives its window. Unused leased points count as spent,
 * so several processes can only be stricter than the limit, never looser; a refusal is remembered until
 * the window ends, so a client hammering past its limit costs the store nothing.
 */
export class LeasedLimiter implements Limiter {
  private readonly leases = new Map<string, Lease>();
  private readonly pending = new Map<string, Promise<void>>();
  readonly points: number;
  private readonly chunk: number;
  /** Local points left at which the next lease is taken ahead (see prefetch). */
  private readonly lowWater: number;

  constructor(private readonly inner: RateLimiterAbstract) {
    this.points = inner.points;
    this.chunk = Math.max(1, Math.min(50, Math.floor(inner.points / 100)));
    this.lowWater = Math.floor(this.chunk / 5);
  }

  async consume(key: string): Promise<LimitOutcome> {
    for (;;) {
      const now = Date.now();
      const lease = this.leases.get(key);
      if (lease && lease.expiresAt > now) {
        const resetSeconds = Math.max(1, Math.ceil((lease.expiresAt - now) / 1000));
        if (lease.left > 0) {
          lease.left--;
          if (lease.left <= this.lowWater && this.canPrefetch(lease) && !this.pending.has(key)) this.prefetch(key, lease);
          return { allowed: true, limit: this.points, remaining: lease.storeRemaining + lease.left, resetSeconds };
        }
        if (lease.blocked) return { allowed: false, limit: this.points, remaining: 0, resetSeconds };
      }
      let p = this.pending.get(key);
      if (!p) {
        p = this.reserve(key, lease && lease.expiresAt > now ? lease.storeRemaining : this.points).finally(() => this.pending.delete(key));
        this.pending.set(key, p);
      }
      await p;
    }
  }

  /** Only with a large budget and far from the limit: near it, points are taken one at a time as before. */
  private canPrefetch(lease: Lease): boolean {
    return this.chunk >= 10 && !lease.blocked && lease.storeRemaining >= 2 * this.chunk;
  }

  /**
   * Takes the next lease while the current one still has points, so a busy key never waits for the
   * store. Both count as spent from the moment they are taken (stricter, never looser); a refusal blocks
   * the key once its local points are used; a reservation that lands in a new window replaces the old
   * lease instead of adding to it (the old window's points never carry over).
   */
  private prefetch(key: string, lease: Lease): void {
    const p = consumeRaw(this.inner, key, this.chunk)
      .then((o) => {
        const expiresAt = Date.now() + (o.msBeforeNext ?? o.resetSeconds * 1000);
        const sameWindow = this.leases.get(key) === lease && lease.expiresAt > Date.now() && Math.abs(expiresAt - lease.expiresAt) < 1000;
        if (!sameWindow) {
          this.leases.set(key, o.allowed ? { left: this.chunk, storeRemaining: o.remaining, expiresAt, blocked: false } : { left: 0, storeRemaining: 0, expiresAt, blocked: true });
        } else if (o.allowed) {
          lease.left += this.chunk;
          lease.storeRemaining = o.remaining;
        } else {
          lease.blocked = true;
          lease.storeRemaining = 0;
        }
      })
      // A store error here only means no prefetch: the next request past the lease reserves as usual.
      .catch(() => undefined)
      .finally(() => this.pending.delete(key));
    this.pending.set(key, p);
  }

  private async reserve(key: string, storeRemaining: number): Promise<void> {
    const n = Math.max(1, Math.min(this.chunk, storeRemaining));
    const o = await consumeRaw(this.inner, key, n);
    const expiresAt = Date.now() + (o.msBeforeNext ?? o.resetSeconds * 1000);
    if (this.leases.size > 100_000) this.prune();
    this.leases.set(key, o.allowed ? { left: n, storeRemaining: o.remaining, expiresAt, blocked: false } : { left: 0, storeRemaining: 0, expiresAt, blocked: true });
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, l] of this.leases) if (l.expiresAt <= now) this.leases.delete(k);
  }
}

/** Standard headers (IETF RateLimit fields, plus Retry-After when refused). */
export function setRateHeaders(res: Response, o: LimitOutcome, windowSeconds: number): void {
  res.setHeader('RateLimit-Limit', String(o.limit));
  res.setHeader('RateLimit-Remaining', String(o.remaining));
  res.setHeader('RateLimit-Reset', String(o.resetSeconds));
  res.setHeader('RateLimit-Policy', `${o.limit};w=${windowSeconds}`);
  if (!o.allowed) res.setHeader('Retry-After', String(o.resetSeconds));
}

/** Limiters keyed by their point budget, so a client's own limit gets its own limiter. */
export class LimiterPool {
  private readonly byPoints = new Map<number, Limiter>();

  constructor(
    private readonly store: LimiterStore,
    private readonly name: string,
    readonly duration: number,
  ) {}

  get(points: number): Limiter {
    let l = this.byPoints.get(points);
    if (!l) {
      l = new LeasedLimiter(this.store.create({ keyPrefix: `${this.name}_${points}`, points, duration: this.duration }));
      this.byPoints.set(points, l);
    }
    return l;
  }
}
