/**
 * A job worker in its own OS process, for the multi-process queue tests and the queue benchmark.
 * Usage: node --import tsx worker-process.ts '<json options>'
 *
 * Prints "ready" once connected, waits for "go" on stdin, runs a Worker, and on SIGTERM stops it
 * gracefully and prints "stats {json}" before exiting 0.
 *
 * Handlers:
 *  - record: inserts (job_id, pid) into test_runs, i.e. a log of every run.
 *  - noop: does nothing (throughput).
 *  - hang: records the run; on its first attempt it then never finishes (to be killed mid-job).
 */
import { createDb } from '../../src/db/connection';
import { Worker, type JobHandler } from '../../src/sync/queue';

interface Options {
  url: string;
  queue: string;
  concurrency?: number;
  batchSize?: number;
  visibilityTimeoutMs?: number;
  recoverEveryMs?: number;
  pollMs?: number;
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
  const knex = createDb(opts.url, { poolMax: (opts.concurrency ?? 4) + 3 });
  const record = async (id: number) => {
    await knex.raw('INSERT INTO test_runs (job_id, pid) VALUES (?, ?)', [id, process.pid]);
  };
  const handlers: Record<string, JobHandler> = {
    record: (job) => record(job.id),
    noop: () => undefined,
    hang: async (job) => {
      await record(job.id);
      if (job.attempts === 1) await new Promise<never>(() => undefined);
    },
  };
  await knex.raw('SELECT 1');
  const worker = new Worker(knex, {
    queue: opts.queue,
    handlers,
    concurrency: opts.concurrency,
    batchSize: opts.batchSize,
    visibilityTimeoutMs: opts.visibilityTimeoutMs,
    recoverEveryMs: opts.recoverEveryMs,
    pollMs: opts.pollMs ?? 20,
    maxPollMs: 200,
  });

  let started = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    if (!started && chunk.includes('go')) {
      started = true;
      worker.start();
    }
  });
  process.on('SIGTERM', () => {
    void (async () => {
      await worker.stop({ graceMs: 5000 });
      process.stdout.write(`stats ${JSON.stringify({ pid: process.pid, ...worker.stats })}\n`);
      await knex.destroy();
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-process failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
