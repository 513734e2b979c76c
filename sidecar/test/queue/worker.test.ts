import assert from 'node:assert/strict';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { enqueue, enqueueMany, queueDepth, typedHandler, Worker, type WorkerOptions } from '../../src/sync/queue';

describe('job Worker', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let n = 0;
  let queue: string;
  const workers: Worker[] = [];

  before(async () => {
    db = await createTestDatabase();
  });
  beforeEach(() => {
    queue = `w${++n}`;
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop({ graceMs: 100 });
  });
  after(async () => db.drop());

  const worker = (opts: Omit<WorkerOptions, 'queue'>) => {
    const w = new Worker(db.knex, { queue, pollMs: 10, maxPollMs: 50, ...opts });
    workers.push(w);
    return w;
  };
  async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const jobRow = (id: number) => db.knex('meschain_jobs').where({ id }).first() as Promise<{ state: string; attempts: number; last_error: string | null }>;

  it('runs each job with the handler for its type; unknown types and bad payloads are dead at once', async () => {
    const seen: Array<[string, number]> = [];
    const push = await enqueue(db.knex, { queue, type: 'stock.push', payload: { productId: 40 } });
    const bad = await enqueue(db.knex, { queue, type: 'stock.push', payload: { productId: 'forty' } });
    const odd = await enqueue(db.knex, { queue, type: 'mystery', payload: {} });
    const w = worker({
      handlers: {
        'stock.push': typedHandler(z.object({ productId: z.number().int() }), (job) => {
          seen.push([job.type, job.payload.productId]);
        }),
      },
    }).start();
    await until('three jobs settled', async () => {
      const d = await queueDepth(db.knex, { queue });
      return d.done + d.dead === 3;
    });
    await w.stop();
    assert.deepEqual(seen, [['stock.push', 40]]);
    assert.equal((await jobRow(push.id)).state, 'done');
    const b = await jobRow(bad.id);
    assert.equal(b.state, 'dead');
    assert.match(b.last_error ?? '', /invalid payload for stock.push: productId:/);
    const o = await jobRow(odd.id);
    assert.equal(o.state, 'dead');
    assert.equal(o.attempts, 1);
    assert.match(o.last_error ?? '', /no handler for job type 'mystery'/);
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    await enqueueMany(db.knex, Array.from({ length: 24 }, (_, i) => ({ queue, type: 'slow', payload: i })));
    let running = 0;
    let peak = 0;
    worker({
      concurrency: 3,
      batchSize: 10,
      handlers: {
        slow: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 15));
          running--;
        },
      },
    }).start();
    await until('all done', async () => (await queueDepth(db.knex, { queue })).done === 24);
    assert.equal(peak, 3);
  });

  it('a failing job is retried with backoff and ends dead after max_attempts, keeping the error', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 'flaky', payload: {}, maxAttempts: 3 });
    let calls = 0;
    const w = worker({
      backoff: { baseMs: 5, maxMs: 20 },
      handlers: {
        flaky: () => {
          calls++;
          throw new Error(`marketplace said 503 (call ${calls})`);
        },
      },
    }).start();
    // The worker counts the outcome just after the row is written, so wait for both.
    await until('dead', async () => (await jobRow(id)).state === 'dead' && w.stats.dead === 1);
    assert.equal(calls, 3);
    assert.equal((await jobRow(id)).last_error, 'marketplace said 503 (call 3)');
    assert.equal(w.stats.retried, 2);
    assert.equal(w.stats.dead, 1);
  });

  it('keeps the lease of a long job alive, so a second worker never takes it over', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 'long', payload: {} });
    let runs = 0;
    const handlers = {
      long: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 1500));
      },
    };
    const first = worker({ visibilityTimeoutMs: 300, recoverEveryMs: 50, handlers }).start();
    await until('claimed', async () => (await jobRow(id)).state === 'running');
    // The second worker looks for expired leases every 50 ms the whole time the job runs.
    const second = worker({ visibilityTimeoutMs: 300, recoverEveryMs: 50, handlers }).start();
    await until('done', async () => (await jobRow(id)).state === 'done');
    assert.equal(runs, 1);
    assert.equal((await jobRow(id)).attempts, 1);
    assert.equal(first.stats.completed, 1);
    assert.equal(second.stats.claimed, 0);
  });

  it('a handler can extend its own lease; a lost lease aborts its signal', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 'j', payload: {} });
    let extended: boolean | undefined;
    let aborted: unknown;
    worker({
      handlers: {
        j: async (_job, ctx) => {
          extended = await ctx.extendLease(120_000);
          // Someone takes the job away (as recovery would after expiry plus a re-claim).
          await db.knex('meschain_jobs').where({ id }).update({ locked_by: 'someone-else#x' });
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          aborted = ctx.signal.reason;
        },
      },
      visibilityTimeoutMs: 300,
    }).start();
    await until('aborted', () => aborted !== undefined);
    assert.equal(extended, true);
    assert.match(String(aborted), /lease lost/);
    const r = await jobRow(id);
    assert.equal(r.state, 'running', 'the worker that lost the lease did not complete it');
  });

  it('a handler that outlives jobTimeoutMs is aborted and the attempt fails', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 'hung', payload: {}, maxAttempts: 1 });
    let aborted = false;
    worker({
      jobTimeoutMs: 50,
      handlers: {
        hung: (_job, ctx) =>
          new Promise<void>((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('cancelled'));
            });
          }),
      },
    }).start();
    await until('dead', async () => (await jobRow(id)).state === 'dead');
    assert.equal(aborted, true);
    assert.equal((await jobRow(id)).last_error, 'job timed out after 50 ms');
  });

  it('while changes keep arriving, one key never runs twice at once and its newest version always runs last', async () => {
    const keys = ['product:1', 'product:2', 'product:3', 'product:4'];
    const VERSIONS = 150;
    const runningKeys = new Set<string>();
    const overlaps: string[] = [];
    const lastRun = new Map<string, number>();
    const handlers = {
      sync: async (job: { dedupeKey: string | null; payload: { v: number } }) => {
        const key = job.dedupeKey as string;
        if (runningKeys.has(key)) overlaps.push(key);
        runningKeys.add(key);
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        lastRun.set(key, job.payload.v);
        runningKeys.delete(key);
      },
    };
    worker({ concurrency: 4, batchSize: 8, handlers }).start();
    worker({ concurrency: 4, batchSize: 8, handlers }).start();
    for (let v = 1; v <= VERSIONS; v++) {
      await Promise.all(keys.map((dedupeKey) => enqueue(db.knex, { queue, type: 'sync', payload: { v }, dedupeKey })));
    }
    await until('drained', async () => {
      const d = await queueDepth(db.knex, { queue });
      return d.ready === 0 && d.running === 0;
    });
    assert.deepEqual(overlaps, []);
    assert.deepEqual(
      keys.map((k) => lastRun.get(k)),
      keys.map(() => VERSIONS),
    );
    const d = await queueDepth(db.knex, { queue });
    assert.equal(d.dead, 0);
    assert.ok(d.done < keys.length * VERSIONS, 'bursts were merged into fewer jobs');
  });

  it('stop() lets the running job finish and gives back the ones not started', async () => {
    await enqueueMany(db.knex, Array.from({ length: 5 }, (_, i) => ({ queue, type: 'slow', payload: i, priority: i })));
    let started = 0;
    let finished = 0;
    const w = worker({
      concurrency: 1,
      batchSize: 5,
      handlers: {
        slow: async () => {
          started++;
          await new Promise((r) => setTimeout(r, 300));
          finished++;
        },
      },
    }).start();
    await until('first started', () => started === 1);
    await w.stop({ graceMs: 5000 });
    assert.equal(finished, 1);
    const rows = (await db.knex('meschain_jobs').where({ queue }).orderBy('priority')) as Array<{ state: string; attempts: number; locked_until: string | null }>;
    assert.deepEqual(
      rows.map((r) => [r.state, r.attempts]),
      [['done', 1], ['ready', 0], ['ready', 0], ['ready', 0], ['ready', 0]],
    );
  });

  it('stop() past its grace period aborts the job and gives it back with the attempt counted', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 'stubborn', payload: {} });
    let sawAbort = false;
    const w = worker({
      handlers: {
        stubborn: async (_job, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
          sawAbort = true;
        },
      },
    }).start();
    await until('running', async () => (await jobRow(id)).state === 'running');
    await w.stop({ graceMs: 50 });
    assert.equal(sawAbort, true);
    const r = await jobRow(id);
    assert.equal(r.state, 'ready');
    assert.equal(r.attempts, 1);
  });
});
