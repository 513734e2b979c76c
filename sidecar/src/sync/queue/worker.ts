import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Logger } from '../../util/logger';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { claimJobs, defaultWorkerId, extendLeases } from './claim';
import { recoverExpired } from './maintenance';
import { completeJobs, failJob, releaseJobs } from './settle';
import { errorText } from './sql';
import { PermanentJobError, type ClaimedJob, type Lease } from './types';

export interface JobContext {
  /** Aborted when the lease is lost (someone else owns the job now) or the worker stops past its grace period. */
  signal: AbortSignal;
  /** Extends this job's lease by `ms` (default: the visibility timeout). False when the lease is gone. */
  extendLease(ms?: number): Promise<boolean>;
  workerId: string;
}

// The payload type is the handler's promise about what it accepts; typedHandler checks it at run time.
export type JobHandler<P = any> = (job: ClaimedJob<P>, ctx: JobContext) => Promise<void> | void;

/** A handler whose payload is checked with a zod schema first; a bad payload is dead at once, not retried. */
export function typedHandler<S extends z.ZodType>(schema: S, fn: JobHandler<z.infer<S>>): JobHandler<unknown> {
  return (job, ctx) => {
    const parsed = schema.safeParse(job.payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
      throw new PermanentJobError(`invalid payload for ${job.type}: ${issues}`);
    }
    return fn({ ...job, payload: parsed.data }, ctx);
  };
}

export interface WorkerOptions {
  queue: string;
  /** One handler per job type. A job of a type with no handler goes to 'dead' saying so. */
  handlers: Record<string, JobHandler>;
  /** Jobs run at the same time. Default 4. */
  concurrency?: number;
  /** Most jobs taken per claim; claimed jobs wait in the worker (their leases kept alive). Default 32. */
  batchSize?: number;
  /** Lease length; a crashed worker's jobs are claimable again this long after its last heartbeat. Default 60 s. */
  visibilityTimeoutMs?: number;
  /** First idle wait; doubles while the queue stays empty, up to maxPollMs. Defaults 100 / 2000 ms. */
  pollMs?: number;
  maxPollMs?: number;
  /** How often this worker looks for expired leases to take back. Default min(visibility/2, 5 s). */
  recoverEveryMs?: number;
  /**
   * A handler still running after this long is aborted (its signal fires) and the attempt fails, so a
   * hung call cannot hold a job forever through the lease heartbeat. Default 15 min.
   */
  jobTimeoutMs?: number;
  /** Successful jobs are marked done in batches at most this late. Default 25 ms. */
  completionFlushMs?: number;
  backoff?: BackoffPolicy;
  workerId?: string;
  logger?: Logger;
}

interface Held {
  job: ClaimedJob;
  controller: AbortController;
  /** Given back by stop(): whatever the handler does now is ignored. */
  released: boolean;
  /** Lost to expiry and re-claimed by someone else. */
  lost: boolean;
  /** Completion or failure is being recorded. */
  settling: boolean;
  finished?: Promise<void>;
}

export interface WorkerStats {
  claimed: number;
  completed: number;
  retried: number;
  dead: number;
  lostLeases: number;
  errors: number;
}

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new Error(`Worker option ${name} must be a number >= ${min} (got ${String(value)})`);
  return v;
}

/**
 * Runs jobs of one queue: claims in batches, runs up to `concurrency` at once, marks successes done
 * in batches, retries failures with backoff, keeps leases alive while it holds jobs, takes back
 * expired leases of crashed workers, and on stop() finishes or gives back everything it holds.
 */
export class Worker {
  readonly id: string;
  readonly stats: WorkerStats = { claimed: 0, completed: 0, retried: 0, dead: 0, lostLeases: 0, errors: 0 };
  private readonly queue: string;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly visibilityMs: number;
  private readonly pollMs: number;
  private readonly maxPollMs: number;
  private readonly recoverEveryMs: number;
  private readonly flushMs: number;
  private readonly jobTimeoutMs: number;
  private readonly log: Logger | undefined;
  private pending: Held[] = [];
  private readonly active = new Set<Held>();
  private doneBuffer: Held[] = [];
  private stopping = false;
  private loopDone?: Promise<void>;
  private stopped?: Promise<void>;
  private signalled = false;
  private waiter?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  /** Completions and heartbeats run one after another, so a heartbeat never mistakes a job just completed for a lost one. */
  private serial: Promise<void> = Promise.resolve();
  private lastRecover = 0;

  constructor(
    private readonly knex: Knex,
    private readonly opts: WorkerOptions,
  ) {
    if (!opts.queue) throw new Error('Worker option queue is required');
    this.queue = opts.queue;
    this.concurrency = Math.floor(positive('concurrency', opts.concurrency, 4));
    this.batchSize = Math.max(Math.floor(positive('batchSize', opts.batchSize, 32)), this.concurrency);
    this.visibilityMs = positive('visibilityTimeoutMs', opts.visibilityTimeoutMs, 60_000, 100);
    this.pollMs = positive('pollMs', opts.pollMs, 100, 1);
    this.maxPollMs = Math.max(positive('maxPollMs', opts.maxPollMs, 2000, 1), this.pollMs);
    this.recoverEveryMs = positive('recoverEveryMs', opts.recoverEveryMs, Math.min(this.visibilityMs / 2, 5000), 10);
    this.flushMs = positive('completionFlushMs', opts.completionFlushMs, 25, 0);
    this.jobTimeoutMs = positive('jobTimeoutMs', opts.jobTimeoutMs, 15 * 60_000, 1);
    this.id = opts.workerId ?? defaultWorkerId();
    this.log = opts.logger?.child({ worker: this.id, queue: this.queue });
  }

  get running(): boolean {
    return this.loopDone !== undefined && !this.stopping;
  }

  /** Jobs this worker holds right now (waiting in it or running). */
  get inFlight(): number {
    return this.pending.length + this.active.size + this.doneBuffer.length;
  }

  start(): this {
    if (this.loopDone) return this;
    this.heartbeat = setInterval(() => void this.beat(), Math.max(this.visibilityMs / 3, 20));
    this.loopDone = this.loop();
    return this;
  }

  /** Look for work now instead of at the end of the idle wait (e.g. right after enqueueing). */
  wake(): void {
    this.notify();
  }

  /**
   * Stops claiming, gives back jobs not yet started, waits up to graceMs for running ones, then aborts
   * and gives back the rest (they keep the attempt), and records every completion before returning.
   */
  stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (!this.loopDone) return Promise.resolve();
    this.stopped ??= this.shutdown(opts.graceMs ?? 30_000);
    return this.stopped;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    this.notify();
    await this.loopDone;
    const notStarted = this.pending.splice(0);
    await this.giveBack(notStarted, false);
    const running = [...this.active].map((h) => h.finished);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    const overdue = [...this.active].filter((h) => !h.settling);
    for (const h of overdue) h.controller.abort(new Error('worker stopping'));
    await this.giveBack(overdue, true);
    // Outcomes already being recorded (failures) are short database writes: let them land.
    await Promise.all([...this.active].filter((h) => h.settling).map((h) => h.finished));
    await this.flush();
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
  }

  private async giveBack(held: Held[], started: boolean): Promise<void> {
    if (held.length === 0) return;
    for (const h of held) h.released = true;
    try {
      await releaseJobs(
        this.knex,
        held.map((h) => h.job.lease),
        { started },
      );
    } catch (err) {
      // Their leases simply expire and recovery hands them out again.
      this.log?.error({ err: errorText(err), jobs: held.length }, 'could not give jobs back on stop');
    }
  }

  private notify(): void {
    this.signalled = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves on notify() (a job finished, wake(), stop()) or after ms. */
  private wait(ms?: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.signalled = false;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.waiter = done;
    });
  }

  private async loop(): Promise<void> {
    let idleMs = this.pollMs;
    while (!this.stopping) {
      try {
        await this.maybeRecover();
        this.dispatch();
        if (this.pending.length > 0 || this.active.size >= this.concurrency) {
          await this.wait();
          continue;
        }
        await this.flush();
        const jobs = await claimJobs(this.knex, {
          queue: this.queue,
          limit: this.batchSize - this.active.size,
          visibilityTimeoutMs: this.visibilityMs,
          workerId: this.id,
        });
        this.stats.claimed += jobs.length;
        for (const job of jobs) this.pending.push({ job, controller: new AbortController(), released: false, lost: false, settling: false });
        if (jobs.length > 0) {
          idleMs = this.pollMs;
        } else {
          await this.wait(idleMs);
          idleMs = Math.min(idleMs * 2, this.maxPollMs);
        }
      } catch (err) {
        this.stats.errors++;
        this.log?.error({ err: errorText(err) }, 'job worker loop error; backing off');
        await this.wait(this.maxPollMs);
      }
    }
  }

  private async maybeRecover(): Promise<void> {
    const now = Date.now();
    if (now - this.lastRecover < this.recoverEveryMs) return;
    this.lastRecover = now;
    const r = await recoverExpired(this.knex, { queue: this.queue });
    if (r.retried + r.merged + r.dead > 0) this.log?.warn(r, 'took back jobs whose lease expired');
  }

  private dispatch(): void {
    while (this.active.size < this.concurrency) {
      const h = this.pending.shift();
      if (!h) return;
      this.active.add(h);
      h.finished = this.run(h);
    }
  }

  private async run(h: Held): Promise<void> {
    let error: unknown;
    let ok = false;
    let timeout: NodeJS.Timeout | undefined;
    try {
      const handler = this.opts.handlers[h.job.type];
      if (!handler) throw new PermanentJobError(`no handler for job type '${h.job.type}' on queue '${this.queue}'`);
      const ctx: JobContext = {
        signal: h.controller.signal,
        workerId: this.id,
        extendLease: async (ms) => (await extendLeases(this.knex, [h.job.lease], ms ?? this.visibilityMs)).length === 0,
      };
      const work = Promise.resolve().then(() => handler(h.job, ctx));
      work.catch(() => undefined); // if the timeout wins, a later rejection is expected and ignored
      await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => {
            const err = new Error(`job timed out after ${this.jobTimeoutMs} ms`);
            h.controller.abort(err);
            reject(err);
          }, this.jobTimeoutMs);
        }),
      ]);
      ok = true;
    } catch (err) {
      error = err;
    } finally {
      clearTimeout(timeout);
    }
    try {
      if (h.released || h.lost) return;
      h.settling = true;
      if (ok) {
        this.doneBuffer.push(h);
        if (this.doneBuffer.length >= this.batchSize) void this.flush();
        else this.flushTimer ??= setTimeout(() => void this.flush(), this.flushMs);
        return;
      }
      const out = await failJob(this.knex, h.job.lease, error, { backoff: this.opts.backoff ?? DEFAULT_BACKOFF });
      if (out.state === 'dead') this.stats.dead++;
      else if (out.state === 'lost') this.stats.lostLeases++;
      else this.stats.retried++;
      this.log?.warn({ job: h.job.id, type: h.job.type, attempt: h.job.attempts, outcome: out, err: errorText(error) }, 'job failed');
    } catch (err) {
      this.stats.errors++;
      this.log?.error({ err: errorText(err), job: h.job.id }, 'could not record job outcome; its lease will expire and it will run again');
    } finally {
      this.active.delete(h);
      this.notify();
    }
  }

  /** Marks buffered successes done, one statement per batch. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return this.inSeries(async () => {
      const batch = this.doneBuffer.splice(0);
      if (batch.length === 0) return;
      try {
        const { completed, lost } = await completeJobs(
          this.knex,
          batch.map((h) => h.job.lease),
        );
        this.stats.completed += completed;
        if (lost.length) {
          this.stats.lostLeases += lost.length;
          this.log?.warn({ jobs: lost.map((l) => l.id) }, 'finished jobs whose lease had expired and been re-claimed; not marked done');
        }
      } catch (err) {
        // Keep them; the next flush tries again while the heartbeat keeps their leases alive.
        this.doneBuffer.unshift(...batch);
        this.stats.errors++;
        this.log?.error({ err: errorText(err) }, 'could not mark jobs done');
      }
    });
  }

  private inSeries(fn: () => Promise<void>): Promise<void> {
    const next = this.serial.then(fn, fn);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /** Keeps every held lease alive; a lease found lost aborts its job. */
  private beat(): Promise<void> {
    return this.inSeries(async () => {
      const held = [...this.pending, ...this.active, ...this.doneBuffer].filter((h) => !h.released && !h.lost);
      if (held.length === 0) return;
      try {
        const lost = new Set((await extendLeases(this.knex, held.map((h) => h.job.lease), this.visibilityMs)).map((l) => `${l.token}|${l.id}`));
        for (const h of held) {
          if (!lost.has(`${h.job.lease.token}|${h.job.lease.id}`) || (h.settling && !this.doneBuffer.includes(h))) continue;
          h.lost = true;
          this.stats.lostLeases++;
          h.controller.abort(new Error('lease lost'));
          this.log?.warn({ job: h.job.id }, 'lease lost (expired and taken back); abandoning the job');
        }
        this.pending = this.pending.filter((h) => !h.lost);
        this.doneBuffer = this.doneBuffer.filter((h) => !h.lost);
      } catch (err) {
        this.stats.errors++;
        this.log?.error({ err: errorText(err) }, 'lease heartbeat failed');
      }
    });
  }
}

export type { Lease };
