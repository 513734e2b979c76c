import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { enqueue, enqueueMany, queueDepth } from '../../src/sync/queue';
import { spawnWorker, type WorkerChild } from './spawn';

/** Several OS processes sharing one queue: no job runs twice, and a killed worker loses nothing. */
describe('job queue across processes', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  const children: WorkerChild[] = [];

  before(async () => {
    db = await createTestDatabase({ prefix: 'mc_q_' });
    await db.knex.raw('CREATE TABLE test_runs (id BIGINT AUTO_INCREMENT PRIMARY KEY, job_id BIGINT NOT NULL, pid INT NOT NULL) ENGINE=InnoDB');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.proc.exitCode === null) await c.kill();
  });
  after(async () => db.drop());

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('two worker processes drain 10,000 jobs, each run exactly once, both doing work', async () => {
    const queue = 'multi';
    const N = 10_000;
    await enqueueMany(
      db.knex,
      Array.from({ length: N }, (_, i) => ({ queue, type: 'record', payload: { n: i } })),
    );
    const opts = { url: db.url, queue, concurrency: 4, batchSize: 50, visibilityTimeoutMs: 30_000 };
    const a = await spawnWorker(opts);
    const b = await spawnWorker(opts);
    children.push(a, b);
    a.go();
    b.go();
    await until('all jobs done', async () => (await queueDepth(db.knex, { queue })).done === N);
    const [statsA, statsB] = await Promise.all([a.stop(), b.stop()]);

    const [[runs]] = (await db.knex.raw('SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS jobs FROM test_runs')) as [[{ n: number; jobs: number }]];
    assert.equal(Number(runs.n), N, 'handler runs');
    assert.equal(Number(runs.jobs), N, 'distinct jobs run');
    const perPid = (await db.knex('test_runs').select('pid').count({ n: '*' }).groupBy('pid')) as Array<{ pid: number; n: number }>;
    assert.deepEqual(perPid.map((r) => r.pid).sort(), [a.pid, b.pid].sort(), 'both processes ran jobs');
    assert.ok(perPid.every((r) => Number(r.n) > 0));
    assert.equal((statsA?.completed ?? 0) + (statsB?.completed ?? 0), N);
    assert.equal((statsA?.lostLeases ?? 0) + (statsB?.lostLeases ?? 0), 0);
    assert.deepEqual(await queueDepth(db.knex, { queue }), { ready: 0, running: 0, done: N, dead: 0 });
    const [[attempts]] = (await db.knex.raw('SELECT MAX(attempts) AS m FROM meschain_jobs WHERE queue = ?', [queue])) as [[{ m: number }]];
    assert.equal(Number(attempts.m), 1, 'no job was claimed twice');
  });

  it('a worker killed with SIGKILL mid-job loses nothing: another runs its jobs after the visibility timeout', async () => {
    const queue = 'crash';
    await db.knex('test_runs').delete();
    // The hanging job comes first (priority 1); the rest are claimed in the same batch but wait behind it.
    const hung = await enqueue(db.knex, { queue, type: 'hang', payload: {}, priority: 1 });
    await enqueueMany(
      db.knex,
      Array.from({ length: 9 }, (_, i) => ({ queue, type: 'record', payload: { n: i } })),
    );
    const opts = { url: db.url, queue, concurrency: 1, batchSize: 10, visibilityTimeoutMs: 1000, recoverEveryMs: 100 };
    const doomed = await spawnWorker(opts);
    children.push(doomed);
    doomed.go();
    await until('the hanging job to start', async () => (await db.knex('test_runs').where({ job_id: hung.id }).first()) !== undefined);
    assert.deepEqual(await queueDepth(db.knex, { queue }), { ready: 0, running: 10, done: 0, dead: 0 }, 'the doomed worker holds all ten');
    await doomed.kill();

    const rescuer = await spawnWorker(opts);
    children.push(rescuer);
    rescuer.go();
    await until('all ten jobs done', async () => (await queueDepth(db.knex, { queue })).done === 10);
    await rescuer.stop();

    const runs = (await db.knex('test_runs').select('job_id', 'pid').orderBy('id')) as Array<{ job_id: number; pid: number }>;
    const hungRuns = runs.filter((r) => Number(r.job_id) === hung.id).map((r) => r.pid);
    assert.deepEqual(hungRuns, [doomed.pid, rescuer.pid], 'the interrupted job ran again, in the other process');
    const others = runs.filter((r) => Number(r.job_id) !== hung.id);
    assert.equal(others.length, 9);
    assert.equal(new Set(others.map((r) => r.job_id)).size, 9);
    assert.ok(others.every((r) => r.pid === rescuer.pid));
    const rows = (await db.knex('meschain_jobs').where({ queue })) as Array<{ attempts: number; last_error: string | null }>;
    assert.ok(rows.every((r) => r.attempts === 2 && /lease expired/.test(r.last_error ?? '')));
  });
});
