import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { MarketplaceError } from '../../src/marketplaces/errors';
import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import type { BreakerSnapshot } from '../../src/marketplaces/http/types';
import { createAdapter } from '../../src/marketplaces/registry';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import type { TestDatabase } from '../support/db';
import { createHttpTestDatabase, trendyolAccount, until } from './support';

/**
 * What the HTTP client shares: the breaker per account, the rate limit across processes (two factories
 * stand for two sidecar processes), and the call log in meschain_sync_logs.
 */
describe('marketplace HTTP client: breaker, shared rate limit, call log', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let sb: TrendyolSandbox;
  const factories: MarketplaceHttp[] = [];
  const make = (extra: Parameters<typeof createMarketplaceHttp>[0]) => {
    const f = createMarketplaceHttp({ sleep: async () => undefined, ...extra });
    factories.push(f);
    return f;
  };

  before(async () => {
    db = await createHttpTestDatabase();
    sb = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
  });
  beforeEach(() => sb.control.reset());
  afterEach(async () => {
    for (const f of factories.splice(0)) await f.close();
  });
  after(async () => {
    await sb?.close();
    await db?.drop();
  });

  const client = (f: MarketplaceHttp, accountId: number, rateLimits?: Record<string, { points: number; durationMs: number }>) => {
    const seller = sb.sellers[0]!;
    return f.client({
      marketplace: 'trendyol',
      accountId,
      baseUrl: sb.baseUrl,
      auth: { type: 'basic', username: seller.apiKey, password: seller.apiSecret },
      headers: { 'user-agent': `${seller.sellerId} - SelfIntegration` },
      rateLimits,
      retry: { maxAttempts: 1 },
    });
  };

  it('opens the breaker after repeated failures, fails fast while open, half-opens after its timeout and closes on success', async () => {
    const registry = new Registry();
    const f = make({ limiterStore: 'memory', metrics: registry, breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 300 } });
    const changes: BreakerSnapshot[] = [];
    f.onBreakerChange((s) => changes.push(s));
    const c = client(f, 21);
    sb.control.setFaults({ errorRate: 1, errorStatuses: [500] });
    for (let i = 0; i < 4; i += 1) await assert.rejects(c.request({ method: 'GET', path: '/product/brands' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'server');
    assert.equal(c.breakerState(), 'open');
    assert.equal(sb.control.requests().total, 4);
    await assert.rejects(c.request({ method: 'GET', path: '/product/brands' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'circuit_open' && e.retryable && (e.retryAfterMs ?? -1) >= 0);
    assert.equal(sb.control.requests().total, 4, 'an open breaker does not call the marketplace');
    const snap = f.breakers().find((b) => b.accountId === 21);
    assert.equal(snap?.state, 'open');
    assert.ok(snap?.retryAt);
    assert.match(await registry.metrics(), /meschain_marketplace_breaker_state\{marketplace="trendyol",account="21"\} 2/);
    // Another account of the same marketplace is unaffected.
    sb.control.setFaults({ errorRate: 0 });
    await client(f, 22).request({ method: 'GET', path: '/product/brands' });
    await until('half-open', () => c.breakerState() === 'half_open');
    await c.request({ method: 'GET', path: '/product/brands' });
    assert.equal(c.breakerState(), 'closed');
    assert.deepEqual(changes.filter((s) => s.accountId === 21).map((s) => s.state), ['open', 'half_open', 'closed']);
  });

  it('does not count refusals (4xx, 429) against the marketplace’s health', async () => {
    const f = make({ limiterStore: 'memory', breaker: { volumeThreshold: 3, errorThresholdPercentage: 10, resetTimeoutMs: 60_000 } });
    const c = client(f, 23);
    for (let i = 0; i < 6; i += 1) await assert.rejects(c.request({ method: 'POST', path: `/inventory/sellers/${sb.sellers[0]!.sellerId}/products/price-and-inventory`, body: { items: [] } }));
    sb.control.setFaults({ errorRate: 1, errorStatuses: [429] });
    for (let i = 0; i < 3; i += 1) await assert.rejects(c.request({ method: 'GET', path: '/product/brands' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'rate_limited');
    assert.equal(c.breakerState(), 'closed');
  });

  async function burst(store: 'mysql' | 'redis' | 'memory', accountId: number): Promise<{ perWindow: Map<number, number>; limited: number; total: number }> {
    // Windows long enough that scheduling delays on a busy machine stay inside the client's guard band.
    const windowMs = 1500;
    const points = 5;
    sb.control.setRateLimit({ enabled: true, points, windowMs });
    try {
      const options = store === 'mysql' ? { knex: db.knex, limiterStore: store, syncLogs: false } : store === 'redis' ? { redisUrl: 'redis://127.0.0.1:6379', limiterStore: store } : { limiterStore: store };
      // Two factories = two sidecar processes sharing the account's budget through the store.
      const a = make({ ...options, retry: { maxAttempts: 6 } } as Parameters<typeof createMarketplaceHttp>[0]);
      const b = make({ ...options, retry: { maxAttempts: 6 } } as Parameters<typeof createMarketplaceHttp>[0]);
      const limits = { default: { points, durationMs: windowMs } };
      const ca = client(a, accountId, limits);
      const cb = client(b, accountId, limits);
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? ca : cb).request({ method: 'GET', path: '/product/brands' }).catch(() => undefined)));
      const log = sb.control.requestLog({ route: '/product/brands' });
      const perWindow = new Map<number, number>();
      for (const r of log) if (r.outcome === 'handled') perWindow.set(Math.floor(r.at / windowMs), (perWindow.get(Math.floor(r.at / windowMs)) ?? 0) + 1);
      return { perWindow, limited: log.filter((r) => r.outcome === 'rate_limited').length, total: log.filter((r) => r.outcome === 'handled').length };
    } finally {
      sb.control.setRateLimit({ enabled: false });
    }
  }

  it('keeps two clients together under the limit with the MySQL store (as the sandbox counts per window)', async () => {
    const { perWindow, limited, total } = await burst('mysql', 31);
    assert.equal(total, 20);
    assert.equal(limited, 0, 'the sandbox never had to refuse');
    for (const [w, n] of perWindow) assert.ok(n <= 5, `window ${w} saw ${n} requests`);
    assert.ok(perWindow.size >= 4);
    const rows = await db.knex('meschain_rate_limits').count({ n: '*' });
    assert.ok(Number(rows[0]?.n) > 0, 'the budget lives in the shared table');
  });

  it('does the same with the Redis store', async () => {
    const { perWindow, limited, total } = await burst('redis', 100_000 + Math.floor(Math.random() * 1e6));
    assert.equal(total, 20);
    assert.equal(limited, 0);
    for (const n of perWindow.values()) assert.ok(n <= 5);
  });

  it('without a shared store, two processes overrun the limit (what the shared store prevents)', async () => {
    const { limited } = await burst('memory', 32);
    assert.ok(limited > 0, 'two separate in-memory budgets exceed the marketplace limit');
  });

  it('writes one row per call to meschain_sync_logs, without credentials', async () => {
    const f = make({ knex: db.knex, limiterStore: 'memory' });
    const seller = sb.sellers[0]!;
    const adapter = createAdapter(trendyolAccount(sb, 41), { http: f });
    sb.control.seedProduct({ barcode: 'LOG1' });
    await adapter.fetchListings({ page: 0, size: 5 });
    await adapter.submitStockPrice([{ ref: 'r', sku: 'LOG1', barcode: 'LOG1', quantity: 2 }]);
    await assert.rejects(adapter.acknowledge({ orderId: '1', packageId: '999' }, [{ lineId: '1', quantity: 1 }]));
    const c = client(f, 41);
    await c.request({ method: 'GET', path: '/product/brands/by-name', query: { name: 'x', apiKey: 'should-not-appear', page: undefined } });
    await f.flushLogs();
    const rows = await db.knex('meschain_sync_logs').where({ marketplace_id: 41 }).orderBy('id');
    assert.equal(rows.length, 4, 'one row per call');
    const list = rows.find((r) => r.path.startsWith('/product/sellers/'));
    assert.equal(list.method, 'GET');
    assert.equal(list.status, 200);
    assert.match(list.path, /page=0&size=5/);
    assert.ok(String(list.remote_request_id).startsWith('ty-'));
    assert.ok(list.duration_ms >= 0);
    assert.equal(list.direction, 'out');
    const inventory = rows.find((r) => r.path.includes('price-and-inventory'));
    assert.equal(inventory.method, 'POST');
    const failed = rows.find((r) => r.status === 404);
    assert.match(failed.error, /not_found/);
    const all = JSON.stringify(rows);
    for (const secret of [seller.apiKey, seller.apiSecret, Buffer.from(`${seller.apiKey}:${seller.apiSecret}`).toString('base64'), 'should-not-appear']) {
      assert.ok(!all.includes(secret), `no ${secret.slice(0, 6)}… in the log`);
    }
    assert.ok(all.includes('apiKey=[redacted]'));
  });
});
