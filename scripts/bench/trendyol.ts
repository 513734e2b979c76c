/**
 * Trendyol sync benchmark: real MariaDB (own database, dropped at the end), the Trendyol sandbox over
 * HTTP and the sidecar in-process (marketplaces + orders modules).
 *   npx tsx scripts/bench/trendyol.ts
 *   BENCH_SKUS (default 100000) and BENCH_ORDERS (default 10000) set the sizes; below the figure's
 *   nominal size the figure is printed as measured at that size and extrapolated linearly under a
 *   suffixed name. Defaults take about 3 minutes on a 2-core box.
 * Prints (stdout): figure full_sync_100k_seconds, full_sync_100k_limited_seconds,
 * full_sync_100k_limit_floor_seconds, stock_latency_p50/p95 (ms), orders_10k_seconds, orders_duplicates,
 * sidecar_peak_rss_mb. Progress goes to stderr.
 */
import { startSidecar, type Sidecar } from '../../sidecar/src/app';
import { loadConfig } from '../../sidecar/src/config/load';
import { marketplacesModule } from '../../sidecar/src/modules/marketplaces';
import { createOrdersModule } from '../../sidecar/src/modules/orders';
import { startTrendyolSandbox, DEFAULT_SELLER, BRANDS, type TrendyolSandbox } from '../../sidecar/src/sandbox/trendyol';
import { createLogger } from '../../sidecar/src/util/logger';
import { seedShop, rows, PREFIX, REMOTE_CATEGORY, queueIdle, sidecarEnv } from '../../sidecar/test/sync/fixture';
import type { TestDatabase } from '../../sidecar/test/support/db';
import { percentile, sleep } from './lib/stats';

const SKUS = Number(process.env.BENCH_SKUS || 100_000);
const ORDERS = Number(process.env.BENCH_ORDERS || 10_000);
const LATENCY_SAMPLES = 40;
const LIMIT = { points: 50, windowMs: 10_000 };
const BATCH = 1000;

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const figure = (name: string, value: number, unit: string): void => {
  process.stdout.write(`figure ${name} ${Math.round(value * 100) / 100} ${unit}\n`);
};
/** Full-size figure, or the measured one plus a linear extrapolation under a suffixed name. */
function scaled(name: string, value: number, unit: string, n: number, full: number): void {
  if (n >= full) {
    figure(name, value, unit);
    return;
  }
  figure(`${name}_measured_at_${n}`, value, unit);
  figure(`${name}_extrapolated_from_${n}`, (value * full) / n, unit);
}

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface Bench {
  db: TestDatabase;
  sandbox: TrendyolSandbox;
  sidecar: Sidecar;
  accountId: number;
}

async function start(): Promise<Bench> {
  const db = await seedShop(20);
  const sandbox = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, ...LIMIT } } });
  const config = loadConfig(sidecarEnv(db));
  const sidecar = await startSidecar(config, {
    logger: createLogger('silent'),
    modules: [marketplacesModule, createOrdersModule({ pollIntervalMs: 1000, tickMs: 100, sweepIntervalMs: 5000 })],
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sidecar.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };
  const created = await api('POST', '/api/marketplaces', {
    code: 'trendyol',
    name: 'Trendyol bench',
    enabled: true,
    baseUrl: sandbox.baseUrl,
    credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret },
    flows: { listing: true, stock: true, price: true, ordersIn: true },
    settings: { sync: { currency: 'TRY', push: { lingerMs: 20 } } },
  });
  if (created.status !== 201) throw new Error(`account not created: ${JSON.stringify(created.body)}`);
  const accountId = created.body.account.id as number;
  const cats = await rows<{ category_id: number }>(db.knex, `SELECT category_id FROM ${PREFIX}category`);
  await api('PUT', `/api/marketplaces/${accountId}/mappings/categories`, cats.map((c) => ({ ocCategoryId: c.category_id, remoteCategoryId: REMOTE_CATEGORY })));
  const makers = await rows<{ manufacturer_id: number }>(db.knex, `SELECT manufacturer_id FROM ${PREFIX}manufacturer`);
  const generic = BRANDS.find((x) => x.name === 'Generic')!;
  await api('PUT', `/api/marketplaces/${accountId}/mappings/brands`, makers.map((m) => ({ manufacturerId: m.manufacturer_id, remoteBrandId: String(generic.id), remoteBrandName: generic.name })));
  // A full repricing is the point of the benchmark: lift the cap on the share of prices changed per run.
  const rules = await api('PUT', `/api/marketplaces/${accountId}/rules`, { scope: 'account', safety: { maxPriceChangeShare: 100 } });
  if (rules.status !== 200) throw new Error(`rules refused: ${JSON.stringify(rules.body)}`);
  // The small shop is listed through the real engine: it gives the template listing the bulk rows copy.
  const run = await api('POST', `/api/sync/${accountId}/run`, { kind: 'sync' });
  await waitFor('the first listing run', async () => (await api('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(db.knex, accountId), 180_000, 200);
  return { db, sandbox, sidecar, accountId };
}

/** Column list of a table, for INSERT … SELECT copies that replace a few columns. */
async function columnsOf(b: Bench, table: string): Promise<string[]> {
  const cols = await rows<{ c: string }>(b.db.knex, 'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [b.db.name, table]);
  return cols.map((c) => c.c);
}

/** SKUS copies of one active, variant-free, stock-tracked listing and its product, with bulk SQL. */
async function seedBulk(b: Bench): Promise<{ barcodes: string[]; base: number; quantity: number }> {
  const k = b.db.knex;
  const [tpl] = await rows<{ id: number; product_id: number; last_pushed_quantity: number; last_pushed_price: string; last_pushed_list_price: string | null }>(
    k,
    `SELECT l.id, l.product_id, l.last_pushed_quantity, l.last_pushed_price, l.last_pushed_list_price FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id
      WHERE l.marketplace_id = ? AND l.state = 'active' AND l.variant_key = '' AND p.subtract = 1 AND p.status = 1 AND l.last_pushed_quantity > 0 ORDER BY l.id LIMIT 1`,
    [b.accountId],
  );
  if (!tpl) throw new Error('no variant-free active listing to copy');
  const [{ m }] = (await rows<{ m: number }>(k, `SELECT MAX(product_id) AS m FROM ${PREFIX}product`)) as [{ m: number }];
  const base = Math.ceil((Number(m) + 1) / 1000) * 1000;
  const seq = `seq_1_to_${SKUS}`;
  for (const table of ['product', 'product_description', 'product_to_store', 'product_to_category']) {
    const cols = await columnsOf(b, `${PREFIX}${table}`);
    const sel = cols.map((c) => (c === 'product_id' ? `? + s.seq` : c === 'sku' || c === 'model' ? `CONCAT('BN', s.seq)` : `t.\`${c}\``));
    await k.raw(`INSERT INTO ${PREFIX}${table} (${cols.map((c) => `\`${c}\``).join(',')}) SELECT ${sel.join(',')} FROM ${PREFIX}${table} t JOIN ${seq} s WHERE t.product_id = ?`, [base, tpl.product_id]);
  }
  const cols = (await columnsOf(b, 'meschain_listings')).filter((c) => c !== 'id');
  const repl: Record<string, string> = { product_id: '? + s.seq', sku: `CONCAT('BN', s.seq)`, barcode: `CONCAT('BN', s.seq)`, remote_id: `CONCAT('BN', s.seq)`, group_key: `CONCAT('BN', s.seq)` };
  await k.raw(
    `INSERT INTO meschain_listings (${cols.map((c) => `\`${c}\``).join(',')}) SELECT ${cols.map((c) => repl[c] ?? `t.\`${c}\``).join(',')} FROM meschain_listings t JOIN ${seq} s WHERE t.id = ?`,
    [base, tpl.id],
  );
  const barcodes = Array.from({ length: SKUS }, (_, i) => `BN${i + 1}`);
  const price = Number(tpl.last_pushed_price);
  for (const barcode of barcodes) {
    b.sandbox.control.seedProduct({ barcode, quantity: tpl.last_pushed_quantity, salePrice: price, listPrice: Number(tpl.last_pushed_list_price ?? price) });
  }
  // The inserts went through the capture triggers: let the pump and workers settle before timing.
  await waitFor('the seeding to settle', async () => Number((await rows<{ n: number }>(k, 'SELECT COUNT(*) AS n FROM meschain_change_log'))[0]!.n) === 0 && queueIdle(k, b.accountId), 600_000, 500);
  return { barcodes, base, quantity: tpl.last_pushed_quantity };
}

/**
 * Raises every bulk product's stock (and price, when `price`) by plain SQL; seconds until the sandbox
 * holds all. The limited run changes stock only: the pricing safety counts every listing repriced in
 * the last window, so a second full repricing within it is held by design; Trendyol carries stock and
 * price in the same item of the same request, so the request count, and the limit's cost, is the same.
 */
async function fullSync(b: Bench, bulk: { barcodes: string[]; base: number }, label: string, price: boolean): Promise<number> {
  const before = b.sandbox.control.stock();
  const old = new Map(bulk.barcodes.map((bc) => [bc, before[bc]!]));
  const t0 = performance.now();
  await b.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 3${price ? ', price = price + 1' : ''} WHERE product_id > ?`, [bulk.base]);
  await waitFor(
    `${label}: every value on the sandbox`,
    () => {
      const now = b.sandbox.control.stock();
      let left = 0;
      for (const [bc, o] of old) {
        const n = now[bc];
        if (!n || n.quantity !== o.quantity + 3 || (price && n.salePrice <= o.salePrice)) left++;
      }
      if (left) progress(`${label}: ${bulk.barcodes.length - left}/${bulk.barcodes.length}`);
      return left === 0;
    },
    900_000,
    1000,
  );
  return (performance.now() - t0) / 1000;
}

async function stockLatency(b: Bench, bulk: { barcodes: string[]; base: number }): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const n = 1 + Math.floor(Math.random() * SKUS);
    const barcode = `BN${n}`;
    const want = b.sandbox.control.product(barcode)!.quantity + 1;
    await sleep(Math.random() * 100);
    const t0 = performance.now();
    await b.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 1 WHERE product_id = ?`, [bulk.base + n]);
    await waitFor('a stock change on the sandbox', () => b.sandbox.control.product(barcode)!.quantity === want, 60_000, 2);
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function ordersImport(b: Bench, bulk: { barcodes: string[] }): Promise<{ seconds: number; duplicates: number }> {
  const k = b.db.knex;
  const count = async () => Number((await rows<{ n: number }>(k, `SELECT COUNT(*) AS n FROM ${PREFIX}order WHERE payment_code LIKE 'meschain%'`))[0]!.n);
  const already = await count();
  const t0 = performance.now();
  b.sandbox.control.createOrders({ count: ORDERS, barcodes: bulk.barcodes, seed: 11 });
  await waitFor('the orders in OpenCart', async () => {
    const n = (await count()) - already;
    progress(`orders: ${n}/${ORDERS}`);
    return n >= ORDERS;
  }, 900_000, 1000);
  const seconds = (performance.now() - t0) / 1000;
  await sleep(3000); // a late duplicate would show up here
  const [d] = await rows<{ n: number; distinct: number }>(
    k,
    'SELECT COUNT(*) AS n, COUNT(DISTINCT remote_order_id) AS `distinct` FROM meschain_order_groups WHERE marketplace_id = ? AND oc_order_id IS NOT NULL',
    [b.accountId],
  );
  const ocOrders = (await count()) - already;
  return { seconds, duplicates: Math.max(0, ocOrders - ORDERS) + (Number(d!.n) - Number(d!.distinct)) };
}

async function main(): Promise<void> {
  progress(`starting: ${SKUS} SKUs, ${ORDERS} orders`);
  const b = await start();
  try {
    const bulk = await seedBulk(b);
    progress(`seeded ${SKUS} products and listings`);
    scaled('full_sync_100k_seconds', await fullSync(b, bulk, 'limit off', true), 's', SKUS, 100_000);

    b.sandbox.control.setRateLimit({ enabled: true, ...LIMIT });
    b.sandbox.control.resetRequests();
    const limited = await fullSync(b, bulk, 'limit on', false);
    b.sandbox.control.setRateLimit({ enabled: false });
    progress(`sandbox requests during the limited run: ${JSON.stringify(b.sandbox.control.requests())}`);
    scaled('full_sync_100k_limited_seconds', limited, 's', SKUS, 100_000);
    // One stock/price request carries up to 1,000 items; the limit admits `points` per window.
    const floor = (n: number) => (Math.ceil(n / BATCH) / LIMIT.points) * (LIMIT.windowMs / 1000);
    if (SKUS < 100_000) figure(`full_sync_100k_limit_floor_seconds_at_${SKUS}`, floor(SKUS), 's');
    figure('full_sync_100k_limit_floor_seconds', floor(100_000), 's');

    const lat = await stockLatency(b, bulk);
    figure('stock_latency_p50', percentile(lat, 50), 'ms');
    figure('stock_latency_p95', percentile(lat, 95), 'ms');

    const o = await ordersImport(b, bulk);
    scaled('orders_10k_seconds', o.seconds, 's', ORDERS, 10_000);
    figure(ORDERS < 10_000 ? `orders_duplicates_at_${ORDERS}` : 'orders_duplicates', o.duplicates, 'count');
    figure('sidecar_peak_rss_mb', peakRss / 1024 / 1024, 'MB');
  } finally {
    clearInterval(rssTimer);
    await b.sidecar.close();
    await b.sandbox.close();
    await b.db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
