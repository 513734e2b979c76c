import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';
import { enqueueMany } from '../queue/enqueue';
import type { SpecDefaults } from '../queue/spec';
import { errorText, inTransaction, placeholders } from '../queue/sql';
import { rawWrite, rawRows } from '../../db/raw';
import { coalesceChanges, type ChangeRow } from './changes';
import type { ChangePlanner } from './planner';

export interface PumpResult {
  /** change-log rows consumed */
  rows: number;
  changes: number;
  jobs: number;
  /** rows consumed that no planner could use (logged) */
  unusable: number;
}

export interface PumpOnceOptions {
  batchSize?: number;
  logger?: Logger;
  /** Defaults for specs the planner leaves open (e.g. maxAttempts from config.jobs.maxAttempts). */
  jobDefaults?: SpecDefaults;
}

export const DEFAULT_PUMP_BATCH = 1000;

/**
 * One batch: read the oldest change-log rows, coalesce, plan, enqueue the jobs and delete exactly
 * the rows read, all in one InnoDB transaction: a crash or a planner error anywhere leaves the rows
 * for the next batch, and a committed batch never runs again.
 *
 * Consuming by deleting the rows read, not by advancing a "last id" cursor: concurrent trigger inserts
 * can commit a lower auto-increment id after a higher one, and a cursor would skip it.
 * SKIP LOCKED lets several sidecar processes pump at once, each taking rows the others do not hold.
 * READ COMMITTED (see inTransaction) keeps the locking read from taking gap locks, so triggers
 * inserting new rows, and the OpenCart statements behind them, never wait for the pump.
 */
export async function pumpOnce(knex: Knex, planner: ChangePlanner, opts: PumpOnceOptions = {}): Promise<PumpResult> {
  const batchSize = opts.batchSize ?? DEFAULT_PUMP_BATCH;
  return inTransaction(knex, async (trx) => {
    const rows = await rawRows<ChangeRow>(
      trx,
      `SELECT id, entity, entity_id, product_id, op, source, changed_at FROM meschain_change_log
        ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (rows.length === 0) return { rows: 0, changes: 0, jobs: 0, unusable: 0 };
    const { changes, unusable } = coalesceChanges(rows);
    if (unusable.length > 0) {
      opts.logger?.warn({ rows: unusable.slice(0, 20) }, 'change-log rows with an unknown entity or no product id; dropped');
    }
    const specs = changes.length > 0 ? await planner.plan(changes, { trx, ...(opts.logger ? { logger: opts.logger } : {}) }) : [];
    const jobs = await enqueueMany(trx, specs, opts.jobDefaults);
    const ids = rows.map((r) => Number(r.id));
    await rawWrite(trx, `DELETE FROM meschain_change_log WHERE id IN (${placeholders(ids.length)})`, ids);
    return { rows: rows.length, changes: changes.length, jobs, unusable: unusable.length };
  });
}

export interface ChangePumpOptions {
  planner: ChangePlanner;
  /** Wait between batches when the log was drained. Default 100 ms (config capture.pollMs). */
  pollMs?: number;
  batchSize?: number;
  /** Errors back off exponentially from pollMs up to this. Default 30 s. */
  maxErrorBackoffMs?: number;
  logger?: Logger;
  /** Called after a batch that enqueued jobs (e.g. to wake this process's workers). */
  onJobs?: (result: PumpResult) => void;
  jobDefaults?: SpecDefaults;
  /**
   * Batches run side by side while a backlog drains (a bulk UPDATE of the catalogue). Planning a batch
   * is mostly waiting on reads, so a second lane nearly doubles the rate; SKIP LOCKED keeps lanes on
   * different rows. Default 2.
   */
  lanes?: number;
}

export interface PumpStatus {
  running: boolean;
  lastRunAt: Date | null;
  lastError: string | null;
  consecutiveErrors: number;
  totals: PumpResult;
}

/** Runs pumpOnce in a loop: back-to-back while batches come full, otherwise every pollMs. */
export class ChangePump {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly lanes: number;
  private stopping = false;
  private loopDone?: Promise<void>;
  private wakeUp?: () => void;
  private readonly state: PumpStatus = {
    running: false,
    lastRunAt: null,
    lastError: null,
    consecutiveErrors: 0,
    totals: { rows: 0, changes: 0, jobs: 0, unusable: 0 },
  };

  constructor(
    private readonly knex: Knex,
    private readonly opts: ChangePumpOptions,
  ) {
    this.pollMs = opts.pollMs ?? 100;
    this.batchSize = opts.batchSize ?? DEFAULT_PUMP_BATCH;
    this.maxBackoffMs = opts.maxErrorBackoffMs ?? 30_000;
    this.lanes = opts.lanes ?? 2;
    if (!(this.pollMs >= 1) || !(this.batchSize >= 1) || !(this.lanes >= 1)) throw new Error('ChangePump: pollMs, batchSize and lanes must be >= 1');
  }

  status(): PumpStatus {
    return { ...this.state, totals: { ...this.state.totals } };
  }

  start(): this {
    if (this.loopDone) return this;
    this.state.running = true;
    this.loopDone = this.loop();
    return this;
  }

  /** Pump now rather than at the end of the current wait. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Finishes the batch in progress (it commits or rolls back as a whole) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loopDone;
    this.state.running = false;
  }

  /** One batch, outside the loop (tests, CLI "sync now"). */
  async runOnce(): Promise<PumpResult> {
    const r = await pumpOnce(this.knex, this.opts.planner, {
      batchSize: this.batchSize,
      ...(this.opts.logger ? { logger: this.opts.logger } : {}),
      ...(this.opts.jobDefaults ? { jobDefaults: this.opts.jobDefaults } : {}),
    });
    const t = this.state.totals;
    t.rows += r.rows;
    t.changes += r.changes;
    t.jobs += r.jobs;
    t.unusable += r.unusable;
    this.state.lastRunAt = new Date();
    if (r.jobs > 0) this.opts.onJobs?.(r);
    return r;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        let r = await this.runOnce();
        // A full batch means a backlog: drain it with every lane until a batch comes back short.
        while (r.rows >= this.batchSize && this.lanes > 1 && !this.stopping) {
          const all = await Promise.all(Array.from({ length: this.lanes }, () => this.runOnce()));
          r = all.reduce((a, b) => (b.rows < a.rows ? b : a));
        }
        if (this.state.consecutiveErrors > 0) this.opts.logger?.info({ after: this.state.consecutiveErrors }, 'change pump recovered');
        this.state.consecutiveErrors = 0;
        this.state.lastError = null;
        if (r.rows >= this.batchSize) continue;
        if (!this.stopping) await this.sleep(this.pollMs);
      } catch (err) {
        this.state.consecutiveErrors++;
        this.state.lastError = errorText(err);
        const wait = Math.min(this.pollMs * 2 ** Math.min(this.state.consecutiveErrors, 20), this.maxBackoffMs);
        this.opts.logger?.error({ err: this.state.lastError, retryInMs: wait }, 'change pump batch failed; change-log rows kept');
        if (!this.stopping) await this.sleep(wait);
      }
    }
  }
}
