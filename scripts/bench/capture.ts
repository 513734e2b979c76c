/**
 * Capture → pump → queue benchmark. Needs only the local MariaDB; creates and drops its own database.
 *   npx tsx scripts/bench/capture.ts
 * Prints (stdout, nothing else):
 *   figure changes_captured_per_second N changes/s   OpenCart-style stock UPDATEs captured by the triggers
 *   figure capture_to_claimable_p50 N ms              stock UPDATE → its job claimable, pump at its normal poll
 *   figure capture_to_claimable_p95 N ms              (goal < 500 ms)
 *   figure jobs_per_second N jobs/s                   two worker processes draining trivial jobs (goal ≥ 2000)
 * Progress goes to stderr.
 */
import type { Connection } from 'mysql2/promise';
import { createTestDatabase, serverConnection, type TestDatabase } from '../../sidecar/test/support/db';
import { spawnWorker } from '../../sidecar/test/queue/spawn';
import { configSchema } from '../../sidecar/src/config/schema';
import { ChangePump, createPassThroughPlanner } from '../../sidecar/src/sync/pump';
import { enqueueMany, queueDepth } from '../../sidecar/src/sync/queue';
import { percentile, sleep } from './lib/stats';

const CAPTURE_UPDATES = 20_000;
const CAPTURE_CONNECTIONS = 4;
const LATENCY_SAMPLES = 200;
const DRAIN_JOBS = 30_000;

/** Demo products and option values whose stock OpenCart decrements (subtract = 1). */
const PRODUCTS = [28, 29, 30, 40, 42, 43, 44, 45, 46, 48];
const OPTION_VALUES = [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const figure = (name: string, value: number, unit: string) => process.stdout.write(`figure ${name} ${value} ${unit}\n`);

async function connectTo(db: TestDatabase): Promise<Connection> {
  const conn = await serverConnection();
  await conn.query(`USE \`${db.name}\``);
  return conn;
}

async function changeLogSize(db: TestDatabase): Promise<number> {
  const [[row]] = (await db.knex.raw('SELECT COUNT(*) AS n FROM meschain_change_log')) as [[{ n: number }]];
  return Number(row.n);
}

/** The statements OpenCart's addOrderHistory runs, from several connections as concurrent checkouts would. */
async function captureRate(db: TestDatabase): Promise<number> {
  const p = db.prefix;
  const conns = await Promise.all(Array.from({ length: CAPTURE_CONNECTIONS }, () => connectTo(db)));
  const t0 = performance.now();
  let changed = 0;
  await Promise.all(
    conns.map(async (conn, c) => {
      for (let i = c; i < CAPTURE_UPDATES; i += CAPTURE_CONNECTIONS) {
        const [res] =
          i % 2 === 0
            ? await conn.query(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = ? AND subtract = '1'`, [PRODUCTS[i % PRODUCTS.length]])
            : await conn.query(`UPDATE ${p}product_option_value SET quantity = quantity - 1 WHERE product_option_value_id = ? AND subtract = '1'`, [
                OPTION_VALUES[i % OPTION_VALUES.length],
              ]);
        changed += (res as { affectedRows: number }).affectedRows;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(conns.map((c) => c.end()));
  const logged = await changeLogSize(db);
  if (logged !== changed) throw new Error(`capture lost changes: ${changed} rows updated, ${logged} logged`);
  return logged / seconds;
}

/** From a plain-SQL stock UPDATE to a ready, due job for that product, with the pump polling as configured. */
async function captureToClaimable(db: TestDatabase): Promise<number[]> {
  const pollMs = configSchema.shape.capture.parse({}).pollMs;
  const pump = new ChangePump(db.knex, { planner: createPassThroughPlanner({ queue: 'bench' }), pollMs }).start();
  try {
    while ((await changeLogSize(db)) > 0) await sleep(50);
    await db.knex('meschain_jobs').delete();
    const writer = await connectTo(db);
    const watcher = await connectTo(db);
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const productId = PRODUCTS[i % PRODUCTS.length] as number;
      // Land at random points of the pump's poll cycle.
      await sleep(Math.random() * pollMs);
      const t0 = performance.now();
      await writer.query(`UPDATE ${db.prefix}product SET quantity = quantity - 1 WHERE product_id = ? AND subtract = '1'`, [productId]);
      for (;;) {
        const [rows] = await watcher.query(
          "SELECT id FROM meschain_jobs WHERE queue = 'bench' AND dedupe_key = ? AND state = 'ready' AND run_at <= UTC_TIMESTAMP(3)",
          [`product:${productId}`],
        );
        if ((rows as unknown[]).length > 0) break;
        if (performance.now() - t0 > 10_000) throw new Error('a change did not become a job within 10 s');
        await sleep(1);
      }
      samples.push(performance.now() - t0);
      await watcher.query("DELETE FROM meschain_jobs WHERE queue = 'bench'");
    }
    await writer.end();
    await watcher.end();
    return samples;
  } finally {
    await pump.stop();
  }
}

async function drainRate(db: TestDatabase): Promise<number> {
  const queue = 'drain';
  for (let i = 0; i < DRAIN_JOBS; i += 5000) {
    await enqueueMany(
      db.knex,
      Array.from({ length: Math.min(5000, DRAIN_JOBS - i) }, (_, k) => ({ queue, type: 'noop', payload: { n: i + k } })),
    );
  }
  const opts = { url: db.url, queue, concurrency: 4, batchSize: 100, visibilityTimeoutMs: 60_000 };
  const workers = [await spawnWorker(opts), await spawnWorker(opts)];
  try {
    const t0 = performance.now();
    for (const w of workers) w.go();
    while ((await queueDepth(db.knex, { queue })).done < DRAIN_JOBS) {
      if (performance.now() - t0 > 120_000) throw new Error('workers did not drain the queue within 120 s');
      await sleep(10);
    }
    const seconds = (performance.now() - t0) / 1000;
    const stats = await Promise.all(workers.map((w) => w.stop()));
    progress(`worker stats ${JSON.stringify(stats)}`);
    return DRAIN_JOBS / seconds;
  } catch (err) {
    await Promise.all(workers.map((w) => w.kill()));
    throw err;
  }
}

async function main(): Promise<void> {
  progress('creating database (OpenCart dump + migrations)');
  const db = await createTestDatabase({ prefix: 'bench_' });
  try {
    progress(`capturing ${CAPTURE_UPDATES} stock UPDATEs over ${CAPTURE_CONNECTIONS} connections`);
    const rate = await captureRate(db);
    progress(`measuring ${LATENCY_SAMPLES} UPDATE → claimable job latencies`);
    const latencies = await captureToClaimable(db);
    progress(`draining ${DRAIN_JOBS} jobs with two worker processes`);
    const jobsPerSecond = await drainRate(db);

    figure('changes_captured_per_second', Math.round(rate), 'changes/s');
    figure('capture_to_claimable_p50', Math.round(percentile(latencies, 50) * 10) / 10, 'ms');
    figure('capture_to_claimable_p95', Math.round(percentile(latencies, 95) * 10) / 10, 'ms');
    figure('jobs_per_second', Math.round(jobsPerSecond), 'jobs/s');
  } finally {
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
