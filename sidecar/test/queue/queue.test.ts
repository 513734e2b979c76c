import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  claimJobs,
  completeJobs,
  enqueue,
  enqueueMany,
  extendLeases,
  failJob,
  JobSpecError,
  PermanentJobError,
  pruneJobs,
  queueDepth,
  recoverExpired,
  releaseJobs,
  requeueDead,
  validateJobSpec,
  type ClaimedJob,
} from '../../src/sync/queue';

interface Row {
  id: number;
  type: string;
  payload: string;
  priority: number;
  state: string;
  attempts: number;
  run_at: string;
  last_error: string | null;
  locked_by: string | null;
}

describe('job queue (meschain_jobs)', () => {
  let db: TestDatabase;
  let q = 0;
  /** A fresh queue name per test keeps the tests independent within one database. */
  let queue: string;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());
  beforeEach(() => {
    queue = `q${++q}`;
  });

  const row = async (id: number): Promise<Row> =>
    (await db.knex('meschain_jobs').select('*', db.knex.raw('CAST(payload AS CHAR) AS payload')).where({ id }).first()) as Row;
  const claim = (workerId: string, limit = 10, visibilityTimeoutMs = 60_000) => claimJobs(db.knex, { queue, limit, visibilityTimeoutMs, workerId });
  const dbNow = async () => ((await db.knex.raw('SELECT UTC_TIMESTAMP(3) AS n'))[0][0] as { n: string }).n;

  it('rejects invalid specs with every wrong field named', () => {
    assert.throws(
      () => validateJobSpec({ queue: 'bad queue', type: '', payload: undefined, priority: 1.5, maxAttempts: 0 }),
      (err: unknown) => {
        assert.ok(err instanceof JobSpecError);
        const fields = err.issues.map((i) => i.split(':')[0]);
        assert.deepEqual(fields.sort(), ['maxAttempts', 'payload', 'priority', 'queue', 'type']);
        return true;
      },
    );
    assert.throws(() => validateJobSpec({ queue: 'ok', type: 't', payload: { n: 1n } }), /payload: must be a JSON value/);
    assert.throws(() => validateJobSpec({ queue: 'ok', type: 't', payload: {}, runAt: new Date('nope') }), /runAt/);
  });

  it('a bad spec in a batch enqueues nothing', async () => {
    await assert.rejects(
      enqueueMany(db.knex, [
        { queue, type: 't', payload: 1 },
        { queue, type: 't', payload: 2, dedupeKey: 'x'.repeat(200) },
      ]),
      /dedupeKey: must be at most 191/,
    );
    assert.equal(Number((await db.knex('meschain_jobs').where({ queue }).count({ n: '*' }))[0]?.n), 0);
  });

  it('merges a waiting duplicate: newest payload, lowest priority number, earliest run time', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const earlier = new Date(Date.now() + 600_000);
    const a = await enqueue(db.knex, { queue, type: 'sync', payload: { v: 1 }, dedupeKey: 'product:40', priority: 50, runAt: later });
    const b = await enqueue(db.knex, { queue, type: 'sync', payload: { v: 2 }, dedupeKey: 'product:40', priority: 80, runAt: earlier });
    assert.equal(a.merged, false);
    assert.equal(b.merged, true);
    assert.equal(b.id, a.id);
    // A batch with duplicates inside it merges the same way, in list order.
    await enqueueMany(db.knex, [
      { queue, type: 'sync', payload: { v: 3 }, dedupeKey: 'product:40', priority: 90 },
      { queue, type: 'sync', payload: { v: 4 }, dedupeKey: 'product:40', priority: 95, runAt: later },
    ]);
    const rows = (await db.knex('meschain_jobs').select('*', db.knex.raw('CAST(payload AS CHAR) AS payload')).where({ queue })) as Row[];
    assert.equal(rows.length, 1);
    const r = rows[0] as Row;
    assert.deepEqual(JSON.parse(r.payload), { v: 4 });
    assert.equal(r.priority, 50);
    // The third spec had no runAt (= now), which is the earliest of all.
    assert.ok(r.run_at <= (await dbNow()));
  });

  it('a change queued while its key is running waits behind the running job, then runs', async () => {
    const first = await enqueue(db.knex, { queue, type: 'sync', payload: { v: 1 }, dedupeKey: 'k' });
    const [running] = await claim('w1');
    assert.equal(running?.id, first.id);
    const second = await enqueue(db.knex, { queue, type: 'sync', payload: { v: 2 }, dedupeKey: 'k' });
    assert.equal(second.merged, false, 'a running job does not absorb newer changes');
    assert.notEqual(second.id, first.id);
    assert.deepEqual(await claim('w2'), [], 'not claimable while the same key is running');
    assert.equal((await completeJobs(db.knex, [(running as ClaimedJob).lease])).completed, 1);
    const [next] = await claim('w2');
    assert.equal(next?.id, second.id);
    assert.deepEqual(next?.payload, { v: 2 });
  });

  it('claims lowest priority number first, then earliest run time, and never a job not yet due', async () => {
    const past = (s: number) => new Date(Date.now() - s * 1000);
    await enqueue(db.knex, { queue, type: 't', payload: 'p5', priority: 5, runAt: past(30) });
    await enqueue(db.knex, { queue, type: 't', payload: 'p1-late', priority: 1, runAt: past(10) });
    await enqueue(db.knex, { queue, type: 't', payload: 'p1-early', priority: 1, runAt: past(20) });
    await enqueue(db.knex, { queue, type: 't', payload: 'p3', priority: 3, runAt: past(40) });
    await enqueue(db.knex, { queue, type: 't', payload: 'future', priority: 0, runAt: new Date(Date.now() + 3_600_000) });
    const first = await claim('w', 2);
    const rest = await claim('w', 10);
    assert.deepEqual(
      [...first, ...rest].map((j) => j.payload),
      ['p1-early', 'p1-late', 'p3', 'p5'],
    );
    assert.ok(first.every((j) => j.attempts === 1 && j.lease.token.startsWith('w#')));
    assert.equal((await queueDepth(db.knex, { queue })).ready, 1, 'the future job is still waiting');
  });

  it('fences an expired lease: the old holder can neither complete, fail nor extend once re-claimed', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 't', payload: {} });
    const [a] = await claim('worker-a');
    assert.ok(a);
    // Expire worker A's lease (as if it stalled past the visibility timeout) and let recovery run.
    await db.knex('meschain_jobs').where({ id }).update({ locked_until: db.knex.raw('UTC_TIMESTAMP(3) - INTERVAL 1 SECOND') });
    assert.deepEqual(await recoverExpired(db.knex, { queue }), { retried: 1, merged: 0, dead: 0 });
    assert.match((await row(id)).last_error ?? '', /lease expired: worker worker-a/);
    const [b] = await claim('worker-b');
    assert.equal(b?.id, id);
    assert.equal(b?.attempts, 2);

    const late = await completeJobs(db.knex, [a.lease]);
    assert.equal(late.completed, 0);
    assert.deepEqual(late.lost, [a.lease]);
    assert.deepEqual(await failJob(db.knex, a.lease, new Error('too late')), { state: 'lost' });
    assert.deepEqual(await extendLeases(db.knex, [a.lease], 60_000), [a.lease]);
    assert.equal(await releaseJobs(db.knex, [a.lease]), 0);
    const during = await row(id);
    assert.equal(during.state, 'running');
    assert.equal(during.locked_by, b?.lease.token);

    assert.deepEqual(await extendLeases(db.knex, [(b as ClaimedJob).lease], 60_000), []);
    assert.equal((await completeJobs(db.knex, [(b as ClaimedJob).lease])).completed, 1);
    assert.equal((await row(id)).state, 'done');
  });

  it('an expired lease on the last attempt dead-letters the job with the reason', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 't', payload: {}, maxAttempts: 1 });
    await claim('crashy');
    await db.knex('meschain_jobs').where({ id }).update({ locked_until: db.knex.raw('UTC_TIMESTAMP(3) - INTERVAL 1 SECOND') });
    assert.deepEqual(await recoverExpired(db.knex, { queue }), { retried: 0, merged: 0, dead: 1 });
    const r = await row(id);
    assert.equal(r.state, 'dead');
    assert.match(r.last_error ?? '', /lease expired: worker crashy neither finished nor extended attempt 1 of 1/);
  });

  it('a job failing three times (max_attempts 3) is dead with its last error; the backoff grows', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 't', payload: {}, maxAttempts: 3 });
    const backoff = { baseMs: 1000, maxMs: 60_000, random: () => 0.75 };
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await claim('w');
      assert.equal(job?.attempts, attempt);
      if (attempt > 1) assert.equal(job?.lastError, `boom ${attempt - 1}`);
      const out = await failJob(db.knex, (job as ClaimedJob).lease, new Error(`boom ${attempt}`), { backoff });
      if (attempt < 3) {
        assert.equal(out.state, 'retry');
        // The delay as the database recorded it: run_at minus the time of the failure.
        const [[d]] = (await db.knex.raw('SELECT TIMESTAMPDIFF(MICROSECOND, updated_at, run_at) / 1000 AS ms FROM meschain_jobs WHERE id = ?', [id])) as [[{ ms: string }]];
        delays.push(Number(d.ms));
        // Make it due now rather than waiting out the delay.
        await db.knex('meschain_jobs').where({ id }).update({ run_at: db.knex.raw('UTC_TIMESTAMP(3)') });
      } else {
        assert.deepEqual(out, { state: 'dead' });
      }
    }
    assert.deepEqual(delays, [750, 1500]);
    const r = await row(id);
    assert.equal(r.state, 'dead');
    assert.equal(r.attempts, 3);
    assert.equal(r.last_error, 'boom 3');
    assert.deepEqual(await claim('w'), []);
  });

  it('a PermanentJobError is dead at once; requeueDead gives it fresh attempts', async () => {
    const { id } = await enqueue(db.knex, { queue, type: 't', payload: {}, maxAttempts: 5 });
    const [job] = await claim('w');
    assert.deepEqual(await failJob(db.knex, (job as ClaimedJob).lease, new PermanentJobError('category not mapped')), { state: 'dead' });
    assert.equal((await row(id)).last_error, 'PermanentJobError: category not mapped');
    assert.equal(await requeueDead(db.knex, [id]), 1);
    const r = await row(id);
    assert.equal(r.state, 'ready');
    assert.equal(r.attempts, 0);
  });

  it('a retry that meets a newer waiting duplicate merges into it instead of failing', async () => {
    const old = await enqueue(db.knex, { queue, type: 't', payload: { v: 1 }, dedupeKey: 'p:1', priority: 10 });
    const [job] = await claim('w');
    const newer = await enqueue(db.knex, { queue, type: 't', payload: { v: 2 }, dedupeKey: 'p:1', priority: 100 });
    const out = await failJob(db.knex, (job as ClaimedJob).lease, new Error('timeout'));
    assert.deepEqual(out, { state: 'merged', into: newer.id });
    assert.equal(await db.knex('meschain_jobs').where({ id: old.id }).first(), undefined);
    const r = await row(newer.id);
    assert.deepEqual(JSON.parse(r.payload), { v: 2 });
    assert.equal(r.priority, 10);
    assert.equal(r.last_error, 'timeout');
  });

  it('release gives unstarted jobs back with their attempt refunded', async () => {
    await enqueueMany(db.knex, [1, 2, 3].map((n) => ({ queue, type: 't', payload: n })));
    const jobs = await claim('w');
    assert.equal(await releaseJobs(db.knex, jobs.map((j) => j.lease)), 3);
    const rows = (await db.knex('meschain_jobs').where({ queue })) as Row[];
    assert.deepEqual(rows.map((r) => [r.state, r.attempts]), [['ready', 0], ['ready', 0], ['ready', 0]]);
  });

  it('counts per state and prunes only old done jobs', async () => {
    await enqueueMany(db.knex, [1, 2, 3, 4].map((n) => ({ queue, type: 't', payload: n, maxAttempts: 1 })));
    const jobs = await claim('w', 3);
    await completeJobs(db.knex, jobs.slice(0, 2).map((j) => j.lease));
    await failJob(db.knex, (jobs[2] as ClaimedJob).lease, new Error('x'));
    assert.deepEqual(await queueDepth(db.knex, { queue }), { ready: 1, running: 0, done: 2, dead: 1 });
    const all = await queueDepth(db.knex);
    assert.ok(all.done >= 2 && typeof all.running === 'number');

    await db.knex('meschain_jobs').where({ queue, state: 'done', id: (jobs[0] as ClaimedJob).id }).update({ finished_at: db.knex.raw('UTC_TIMESTAMP(3) - INTERVAL 2 DAY') });
    assert.equal(await pruneJobs(db.knex, { doneOlderThanMs: 86_400_000 }), 1);
    assert.deepEqual(await queueDepth(db.knex, { queue }), { ready: 1, running: 0, done: 1, dead: 1 });
  });
});
