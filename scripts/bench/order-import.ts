/**
 * Order import through the data layer alone (no marketplace, no HTTP): how fast normalised marketplace
 * orders become OpenCart orders, and what each costs in SQL statements and CPU. The figure to move when
 * working on the import path; `trendyol.ts` measures the whole loop. Needs only the local MariaDB;
 * creates and drops its own database (the real OpenCart dump, prefix mc_).
 *   npx tsx scripts/bench/order-import.ts   BENCH_ORDERS (default 400 per run); BENCH_POOL_MAX (default: the
 *   sidecar's pool default) sets the pool, and with it the number of lanes.
 * Prints (stdout, nothing else), for one lane and for the lanes the default pool allows:
 *   figure order_import_per_second_lanes_1 N orders/s
 *   figure order_import_per_second_lanes_<n> N orders/s   n = lanes the pool allows (4 with the default 20)
 *   figure order_import_statements_per_order N statements
 *   figure order_import_cpu_ms_per_order N ms       this process's CPU (user + system, all threads) per order, one lane
 *   figure order_import_per_second_batch N orders/s   poll pages of 200 new orders as one batch (sync/orders/batch.ts)
 *   figure order_import_statements_per_order_batch N statements
 *   figure order_import_cpu_ms_per_order_batch N ms
 * Progress goes to stderr.
 */
import { createTestDatabase } from '../../sidecar/test/support/db';
import { createDb } from '../../sidecar/src/db/connection';
import { loadOcContext } from '../../sidecar/src/db/opencart';
import { createLogger } from '../../sidecar/src/util/logger';
import { importOrder } from '../../sidecar/src/sync/orders/process';
import { importBatch } from '../../sidecar/src/sync/orders/batch';
import { importLanes } from '../../sidecar/src/modules/orders';
import { configSchema } from '../../sidecar/src/config/schema';
import { ACCOUNT_FLOWS, addAccount, order, setupShop } from '../../sidecar/test/orders/support';

const ORDERS = Number(process.env.BENCH_ORDERS || 400);
const PREFIX = 'mc_';

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const figure = (name: string, value: number, unit: string) => process.stdout.write(`figure ${name} ${Math.round(value * 100) / 100} ${unit}\n`);

async function main(): Promise<void> {
  const db = await createTestDatabase({ prefix: PREFIX });
  const poolMax = Number(process.env.BENCH_POOL_MAX) || configSchema.shape.database.parse({}).poolMax;
  const knex = createDb(db.url, { poolMax });
  try {
    await setupShop(db.knex, PREFIX);
    // Every simple product gets a barcode and plenty of stock, so orders spread over many stock rows.
    await db.knex.raw(`UPDATE ${PREFIX}product SET ean = CONCAT('EAN', product_id), quantity = 1000000, subtract = 1 WHERE product_id NOT IN (SELECT product_id FROM ${PREFIX}product_option)`);
    const products = ((await db.knex(`${PREFIX}product`).select('product_id').whereNotIn('product_id', db.knex(`${PREFIX}product_option`).select('product_id'))) as Array<{ product_id: number }>).map(
      (r) => r.product_id,
    );
    const ctx = await loadOcContext(knex, { prefix: PREFIX, storeUrl: 'http://shop.example/' });
    const env = { ctx, logger: createLogger('silent') };
    const account = { id: await addAccount(db.knex), code: 'trendyol' as const, name: 'Trendyol bench', statusOut: ACCOUNT_FLOWS.statusOut };
    let statements = 0;
    knex.on('query', () => statements++);

    const orderAt = (label: string, i: number) => {
      const sku = `EAN${products[i % products.length]}`;
      return order(`${label}-${i}`, [{ packageId: `${label}-P${i}`, status: 'created', lines: [{ lineId: 'L1', barcode: sku, quantity: 1, unitPrice: '120.00' }] }]);
    };
    const measure = async (label: string, work: () => Promise<void>): Promise<{ perSecond: number; statements: number; cpuMs: number }> => {
      statements = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await work();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      progress(`${label}: ${ORDERS} orders in ${seconds.toFixed(1)} s`);
      return { perSecond: ORDERS / seconds, statements: statements / ORDERS, cpuMs: (cpu.user + cpu.system) / 1000 / ORDERS };
    };

    const run = (label: string, lanes: number) =>
      measure(label, async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: lanes }, async () => {
            for (let i = next++; i < ORDERS; i = next++) {
              const outcome = await importOrder(env, account, orderAt(label, i));
              if (!outcome.created) throw new Error(`order ${label}-${i} was not created: ${outcome.heldReasons.join('; ')}`);
            }
          }),
        );
      });
    const PAGE = 200;
    const batched = () =>
      measure('batch', async () => {
        for (let i = 0; i < ORDERS; i += PAGE) {
          const page = Array.from({ length: Math.min(PAGE, ORDERS - i) }, (_, j) => orderAt('batch', i + j));
          const { outcomes, rest } = await importBatch(env, account, page);
          if (rest.length || outcomes.length !== page.length) throw new Error(`batch left ${rest.length} orders to the single path`);
        }
      });

    const one = await run('one-lane', 1);
    const lanes = importLanes(poolMax);
    const many = await run('lanes', lanes);
    figure('order_import_per_second_lanes_1', one.perSecond, 'orders/s');
    figure(`order_import_per_second_lanes_${lanes}`, many.perSecond, 'orders/s');
    figure('order_import_statements_per_order', one.statements, 'statements');
    figure('order_import_cpu_ms_per_order', one.cpuMs, 'ms');
    const batch = await batched();
    figure('order_import_per_second_batch', batch.perSecond, 'orders/s');
    figure('order_import_statements_per_order_batch', batch.statements, 'statements');
    figure('order_import_cpu_ms_per_order_batch', batch.cpuMs, 'ms');
  } finally {
    await knex.destroy();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
