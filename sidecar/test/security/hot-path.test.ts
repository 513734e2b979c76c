import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { StockReader, type StockRow } from '../../src/api/v1/stock-reader';
import { TokenRegistry } from '../../src/auth/oauth/token-registry';
import { loadOcContext, setProductQuantity, type OcContext } from '../../src/db/opencart';
import { rawRows } from '../../src/db/raw';
import { consume, LimiterPool } from '../../src/gateway/rate-limit';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ClientStore } from '../../src/auth/oauth/clients';
import { decodeSecretKey } from '../../src/config/schema';
import { keyRing } from '../../src/crypto/secrets';
import { accessToken, api, limiterStores, SECRET_KEY, startSecured, type SecuredSidecar } from './support';

/**
 * What makes the API's hot read fast must not change what it answers: batched stock reads, the token
 * state cache (revocation still applies within its bound), the request log and the precomputed
 * security headers.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('security: hot path, stock reads batched per event-loop turn', () => {
  let db: TestDatabase;
  let ctx: OcContext;
  before(async () => {
    db = await createTestDatabase();
    ctx = await loadOcContext(db.knex, { prefix: 'oc_' });
  });
  after(async () => {
    await db?.drop();
  });

  /** The same answer, product by product, from a plain query (no batching). */
  async function expected(productId: number): Promise<Array<[number, number | null, number | null]>> {
    const rows = await rawRows<{ quantity: number; pov_id: number | null; pov_quantity: number | null }>(
      db.knex,
      `SELECT p.quantity, pov.product_option_value_id AS pov_id, pov.quantity AS pov_quantity
       FROM oc_product p JOIN oc_product_to_store ps ON ps.product_id = p.product_id AND ps.store_id = 0
       LEFT JOIN oc_product_option_value pov ON pov.product_id = p.product_id
       WHERE p.product_id = ? ORDER BY pov.product_option_value_id`,
      [productId],
    );
    return rows.map((r) => [r.quantity, r.pov_id, r.pov_quantity]);
  }
  const shape = (rows: StockRow[]) => rows.map((r) => [r.quantity, r.pov_id, r.pov_quantity] as [number, number | null, number | null]).sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0));

  it('answers each read of one turn with its own product, including unknown ones, across more ids than one query takes', async () => {
    const reader = new StockReader(ctx);
    // 70 distinct ids (over the 64 of one query), real products among them, each asked twice in the same turn.
    const ids = Array.from({ length: 70 }, (_, i) => 1 + i);
    const answers = await Promise.all([...ids, ...ids].map((id) => reader.read(id)));
    let withOptions = 0;
    for (const [i, id] of [...ids, ...ids].entries()) {
      const got = answers[i]!;
      assert.ok(got.every((r) => r.product_id === id), `rows of product ${id} only`);
      assert.deepEqual(shape(got), await expected(id), `product ${id}`);
      if (got.some((r) => r.pov_id !== null)) withOptions++;
    }
    assert.ok(answers.some((a) => a.length === 0), 'unknown products answer no rows');
    assert.ok(withOptions > 0, 'the data has a product with options');
  });

  it('sees a stock write answered before the read was asked (nothing is cached between queries)', async () => {
    const reader = new StockReader(ctx);
    const before = (await reader.read(42))[0]!.quantity;
    await setProductQuantity(ctx, 42, before + 7, { reason: 'test', refType: 'test', refId: 'hot-path' });
    const after = await Promise.all([reader.read(42), reader.read(42), reader.read(40)]);
    assert.equal(after[0]![0]!.quantity, before + 7);
    assert.equal(after[1]![0]!.quantity, before + 7);
    assert.deepEqual(shape(after[2]!), await expected(40));
  });

  it('fails every read of a batch when its query fails, and works again afterwards', async () => {
    const broken = new StockReader({ ...ctx, table: (name: string) => `missing_${name}` } as OcContext);
    const results = await Promise.allSettled([broken.read(42), broken.read(43)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal((await new StockReader(ctx).read(42))[0]!.product_id, 42);
  });
});

describe('security: hot path, token state cache', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  let clientId: string;
  before(async () => {
    const clients = new ClientStore(db.knex, keyRing(decodeSecretKey(SECRET_KEY)!), 0);
    clientId = (await clients.create({ name: 'cache test', type: 'confidential', grantTypes: ['client_credentials'], scope: ['stock:read'] })).clientId;
  });

  async function issue(registry: TokenRegistry): Promise<string> {
    const jti = randomUUID();
    await registry.record({ jti, grantId: null, clientId, accountId: null, storeId: 0, exp: Math.floor(Date.now() / 1000) + 600 });
    return jti;
  }

  it('looks a token up once for all requests that miss the cache together', async () => {
    const registry = new TokenRegistry(db.knex);
    const jti = await issue(registry);
    let lookups = 0;
    const count = (q: { sql: string }) => {
      if (q.sql.includes('FROM meschain_oauth_tokens t')) lookups++;
    };
    db.knex.on('query', count);
    try {
      const states = await Promise.all(Array.from({ length: 20 }, () => registry.state(jti)));
      assert.equal(lookups, 1);
      assert.ok(states.every((s) => s !== null && s.clientId === clientId && s.active));
    } finally {
      db.knex.removeListener('query', count);
    }
  });

  it('a revocation by this process applies at once, even to a lookup that was in flight', async () => {
    const registry = new TokenRegistry(db.knex, 60_000);
    const jti = await issue(registry);
    await Promise.all([registry.state(jti), registry.revoke(jti)]);
    assert.equal((await registry.state(jti))?.active, false);
  });

  it('a revocation by another process applies once the cached state is older than the bound', async () => {
    const boundMs = 300;
    const mine = new TokenRegistry(db.knex, boundMs);
    const other = new TokenRegistry(db.knex, boundMs);
    const jti = await issue(mine);
    assert.equal((await mine.state(jti))?.active, true);
    // Another process: no token state in common.
    await other.revoke(jti);
    await sleep(boundMs + 50);
    assert.equal((await mine.state(jti))?.active, false);
  });
});

describe('security: hot path, rate-limit leases taken ahead', () => {
  const stores = limiterStores();

  it('one process: exactly the limit passes in a window, in order, with honest remaining counts', async () => {
    for (const [kind, store] of stores) {
      const limit = 1000;
      const pool = new LimiterPool(store, `ahead_${process.pid}_${Date.now()}_${kind}`, 60);
      const outcomes = [];
      for (let i = 0; i < limit + 100; i++) outcomes.push(await consume(pool.get(limit), 'one'));
      const firstRefusal = outcomes.findIndex((o) => !o.allowed);
      assert.equal(firstRefusal, limit, kind);
      assert.ok(outcomes.slice(firstRefusal).every((o) => !o.allowed && o.remaining === 0), `${kind}: nothing passes after a refusal`);
      outcomes.slice(0, limit).forEach((o, i) => assert.equal(o.remaining, limit - i - 1, `${kind}: remaining after request ${i}`));
    }
  });

  it('two processes sharing the store never pass more than the limit together', async () => {
    for (const [kind, store] of stores) {
      const limit = 1000;
      const prefix = `ahead2_${process.pid}_${Date.now()}_${kind}`;
      // Separate pools are separate processes: no lease in common, only the store.
      const processes = [new LimiterPool(store, prefix, 60), new LimiterPool(store, prefix, 60)];
      const passed = await Promise.all(
        processes.map(async (pool) => {
          let n = 0;
          await Promise.all(
            Array.from({ length: 10 }, async () => {
              for (let i = 0; i < 70; i++) if ((await consume(pool.get(limit), 'shared')).allowed) n++;
            }),
          );
          return n;
        }),
      );
      const total = passed[0]! + passed[1]!;
      assert.ok(total <= limit, `${kind}: ${total} passed, limit ${limit}`);
      // Points leased but not used count as spent: a few leases' worth may go unused, no more.
      assert.ok(total >= limit - 60, `${kind}: only ${total} passed`);
    }
  });
});

describe('security: hot path through the gateway', () => {
  let s: SecuredSidecar;
  before(async () => {
    s = await startSecured();
  });
  after(async () => {
    await s?.close();
  });

  it('a token whose state is cached still has its own rate limit applied', async () => {
    const { token } = await accessToken(s, 'stock:read', { rateLimitPerMinute: 4 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api(s.sidecar.url, '/api/v1/stock/42', token)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
  });

  it('a token revoked in the database by another process is refused once the one-second cache bound has passed', async () => {
    const { token } = await accessToken(s, 'stock:read');
    assert.equal((await api(s.sidecar.url, '/api/v1/stock/42', token)).status, 200);
    const jti = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    await s.db.knex('meschain_oauth_tokens').where({ jti }).update({ revoked_at: s.db.knex.raw('UTC_TIMESTAMP(3)') });
    await sleep(1100);
    const r = await api(s.sidecar.url, '/api/v1/stock/42', token);
    assert.equal(r.status, 401);
  });

  it('still sends every security header and logs requests with the token redacted', async () => {
    const { token } = await accessToken(s, 'stock:read');
    const ok = await api(s.sidecar.url, '/api/v1/stock/42', token);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(ok.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(ok.headers.get('x-powered-by'), null);
    const refused = await api(s.sidecar.url, '/api/v1/stock/42', 'not-a-token');
    assert.equal(refused.status, 401);
    const lines = s
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string; method: string; headers: Record<string, string> }; res?: { statusCode: number } });
    const done = lines.filter((l) => l.msg === 'request completed' && l.req?.url === '/api/v1/stock/42');
    assert.ok(done.some((l) => l.level === 20 && l.res?.statusCode === 200), 'successful reads are logged at debug');
    assert.ok(done.some((l) => l.level === 40 && l.res?.statusCode === 401), 'refusals are logged at warn');
    assert.ok(done.every((l) => l.req!.headers.authorization === '[redacted]'));
    assert.ok(!s.logs().includes(token));
  });
});
