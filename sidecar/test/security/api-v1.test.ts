import assert from 'node:assert/strict';
import { signBridgeToken } from '../../src/auth/bridge';
import { RbacStore } from '../../src/auth/rbac';
import type { SidecarModule } from '../../src/modules/types';
import { accessToken, api, BRIDGE_SECRET, startSecured, type SecuredSidecar } from './support';

/** /api/v1 on a shop with a non-default table prefix: reads, ledgered stock writes, tenancy, analytics. */
describe('security: public API /api/v1', () => {
  let s: SecuredSidecar;
  let url: string;
  let token: string;
  const mine: Record<string, number> = {};
  const theirs: Record<string, number> = {};
  const analytics: SidecarModule = {
    name: 'fake-analytics',
    async start() {
      return {
        provides: {
          analytics: {
            summary: async ({ storeId }: { storeId: number }) => ({ storeId, revenue: '10.0000' }),
            forecast: async ({ productId, horizonDays }: { productId: number; horizonDays: number }) => (productId === 40 ? { productId, points: Array(horizonDays).fill(1) } : null),
          },
        },
      };
    },
  };

  before(async () => {
    s = await startSecured({ prefix: 'mv1_', modules: [analytics] });
    url = s.sidecar.url;
    token = (await accessToken(s)).token;
    const k = s.db.knex;
    const market = async (storeId: number, name: string) =>
      (await k('meschain_marketplaces').insert({ code: 'trendyol', name, store_id: storeId, enabled: 1, base_url: 'http://127.0.0.1:1', settings: '{}', flows: '{}' }))[0]!;
    mine.market = await market(0, 'ours');
    theirs.market = await market(1, 'theirs');
    mine.listing = (await k('meschain_listings').insert({ marketplace_id: mine.market, product_id: 42, state: 'active', last_pushed_price: '10.0000' }))[0]!;
    theirs.listing = (await k('meschain_listings').insert({ marketplace_id: theirs.market, product_id: 43, state: 'active' }))[0]!;
    mine.order = (await k('meschain_orders').insert({ marketplace_id: mine.market, remote_order_id: 'R1', raw: '{}', state: 'imported', oc_order_id: 1 }))[0]!;
    theirs.order = (await k('meschain_orders').insert({ marketplace_id: theirs.market, remote_order_id: 'R2', raw: '{}' }))[0]!;
    mine.job = (await k('meschain_jobs').insert({ queue: 'mp', type: 'push', payload: JSON.stringify({ marketplaceId: mine.market }) }))[0]!;
    mine.shopJob = (await k('meschain_jobs').insert({ queue: 'sync', type: 'x', payload: '{}' }))[0]!;
    theirs.job = (await k('meschain_jobs').insert({ queue: 'mp', type: 'push', payload: JSON.stringify({ storeId: 1 }) }))[0]!;
  });
  after(async () => {
    await s?.close();
  });

  const get = async (path: string) => {
    const r = await api(url, path, token);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('lists only products linked to this store, in id pages', async () => {
    await s.db.knex('mv1_product_to_store').where({ product_id: 40 }).delete();
    const first = await get('/api/v1/products?limit=5');
    assert.equal(first.status, 200);
    const items = first.body.items as Array<{ id: number; price: string }>;
    assert.ok(items.length > 0 && items.every((p) => p.id !== 40));
    assert.match(items[0]!.price, /^\d+\.\d{4}$/);
    const next = await get(`/api/v1/products?limit=5&after=${first.body.next_cursor}`);
    assert.ok((next.body.items as Array<{ id: number }>)[0]!.id > items[items.length - 1]!.id);
    assert.equal((await get('/api/v1/products/40')).status, 404);
    const p42 = await get('/api/v1/products/42');
    assert.equal(p42.body.name, 'Apple Cinema 30"', 'names come decoded');
    assert.ok((p42.body.options as unknown[]).length > 0);
  });

  it('sets stock through the ledger, idempotently, and refuses a reused key for another change', async () => {
    const ledger = async () => Number(((await s.db.knex('meschain_inventory_ledger').count({ n: '*' })) as Array<{ n: number }>)[0]!.n);
    const before = await ledger();
    const [start] = (await s.db.knex('mv1_product').select('quantity').where({ product_id: 42 })) as Array<{ quantity: number }>;
    const put = (path: string, quantity: number, key?: string) =>
      api(url, path, token, { method: 'PUT', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify({ quantity }) });
    const r = await put('/api/v1/stock/42', 17, 'key-0000001');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { product_id: 42, product_option_value_id: null, quantity: 17, delta: 17 - start!.quantity, replayed: false });
    const [row] = (await s.db.knex('mv1_product').select('quantity').where({ product_id: 42 })) as Array<{ quantity: number }>;
    assert.equal(row!.quantity, 17);
    assert.equal(await ledger(), before + 1);
    const again = await put('/api/v1/stock/42', 17, 'key-0000001');
    assert.equal(((await again.json()) as { replayed: boolean }).replayed, true);
    assert.equal(await ledger(), before + 1, 'a replay writes no second ledger row');
    assert.equal((await put('/api/v1/stock/42', 18, 'key-0000001')).status, 409);
    const opt = await put('/api/v1/stock/42/options/6', 5);
    assert.equal(opt.status, 200);
    assert.equal(((await opt.json()) as { product_option_value_id: number }).product_option_value_id, 6);
    assert.equal((await put('/api/v1/stock/40/options/6', 5)).status, 404, 'the option value must belong to the product');
    const stock = await get('/api/v1/stock/42');
    assert.equal(stock.body.quantity, 17);
    assert.equal((stock.body.options as Array<{ product_option_value_id: number; quantity: number }>).find((o) => o.product_option_value_id === 6)!.quantity, 5);
  });

  it("never shows another store's listings, orders or jobs", async () => {
    const listings = (await get('/api/v1/listings')).body.items as Array<{ id: number; marketplace_code: string; last_pushed_price: string }>;
    assert.deepEqual(
      listings.map((l) => l.id),
      [mine.listing],
    );
    assert.equal(listings[0]!.last_pushed_price, '10.0000');
    assert.equal((await get(`/api/v1/listings/${theirs.listing}`)).status, 404);
    assert.deepEqual(
      ((await get('/api/v1/orders')).body.items as Array<{ id: number }>).map((o) => o.id),
      [mine.order],
    );
    assert.equal((await get(`/api/v1/orders/${theirs.order}`)).status, 404);
    const jobs = ((await get('/api/v1/sync/jobs')).body.items as Array<{ id: number }>).map((j) => j.id);
    assert.ok(jobs.includes(mine.job!) && jobs.includes(mine.shopJob!), 'its own and shop-wide jobs');
    assert.ok(!jobs.includes(theirs.job!), "not the other store's");
    assert.equal((await get(`/api/v1/sync/jobs/${theirs.job}`)).status, 404);
    assert.deepEqual(
      ((await get('/api/v1/sync/jobs?queue=mp&state=ready')).body.items as Array<{ id: number }>).map((j) => j.id),
      [mine.job],
    );
  });

  it('filters listings by every state the sync writes, and names an unknown state', async () => {
    const k = s.db.knex;
    const blocked = (await k('meschain_listings').insert({ marketplace_id: mine.market, product_id: 30, state: 'blocked', last_error: 'brand not mapped' }))[0]!;
    const theirsBlocked = (await k('meschain_listings').insert({ marketplace_id: theirs.market, product_id: 31, state: 'blocked' }))[0]!;
    try {
      const r = await get('/api/v1/listings?state=blocked');
      assert.equal(r.status, 200);
      assert.deepEqual(
        (r.body.items as Array<{ id: number; state: string }>).map((l) => [l.id, l.state]),
        [[blocked, 'blocked']],
      );
      const bad = await get('/api/v1/listings?state=gone');
      assert.equal(bad.status, 400);
      const error = bad.body.error as { code: string; details: Array<{ location: string; path: string }> };
      assert.equal(error.code, 'validation_failed');
      assert.deepEqual(
        error.details.map((d) => [d.location, d.path]),
        [['query', 'state']],
      );
    } finally {
      await k('meschain_listings').whereIn('id', [blocked, theirsBlocked]).delete();
    }
  });

  it('answers analytics from the analytics service', async () => {
    const summary = await get('/api/v1/analytics/summary');
    assert.equal(summary.status, 200);
    assert.deepEqual(summary.body, { data: { storeId: 0, revenue: '10.0000' } });
    const f = await get('/api/v1/analytics/forecast/40?horizon_days=3');
    assert.deepEqual(f.body, { data: { productId: 40, points: [1, 1, 1] } });
    assert.equal((await get('/api/v1/analytics/forecast/41')).status, 404);
  });

  it('works for the store owner through the admin bridge, audited as the OpenCart user', async () => {
    await new RbacStore(s.db.knex, 0).assign({ userId: 1 }, 'operator');
    const bridge = `Bridge ${await signBridgeToken(BRIDGE_SECRET, { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: [] } })}`;
    const r = await api(url, '/api/v1/stock/43', bridge, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"quantity":3}' });
    assert.equal(r.status, 200);
    assert.equal((await api(url, '/api/security/clients', bridge)).status, 403, 'an operator does not manage API clients');
    let rows: Array<{ actor_type: string; actor_id: string }> = [];
    for (let i = 0; i < 50 && !rows.length; i++) {
      await new Promise((res) => setTimeout(res, 20));
      rows = (await s.db.knex('meschain_audit_log').select('actor_type', 'actor_id').where({ action: 'stock.set', actor_type: 'bridge' })) as typeof rows;
    }
    assert.deepEqual(rows, [{ actor_type: 'bridge', actor_id: 'oc:1' }]);
  });
});

describe('security: public API without an analytics service', () => {
  let s: SecuredSidecar;
  before(async () => {
    s = await startSecured();
  });
  after(async () => {
    await s?.close();
  });

  it('answers 503 with a clear error body', async () => {
    const r = await api(s.sidecar.url, '/api/v1/analytics/summary', (await accessToken(s)).token);
    assert.equal(r.status, 503);
    const body = (await r.json()) as { error: { code: string; message: string; message_tr: string } };
    assert.equal(body.error.code, 'service_unavailable');
    assert.match(body.error.message, /analytics/);
    assert.ok(body.error.message_tr);
  });
});
