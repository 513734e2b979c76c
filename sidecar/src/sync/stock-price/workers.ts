import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';
import { Worker, type JobHandler } from '../queue/worker';
import type { AccountView } from '../accounts/store';
import { queueOf } from './deps';

/**
 * One job worker per enabled marketplace account (queue marketplace:<id>), started and stopped as
 * accounts come and go (the module's static worker list cannot know accounts created at run time).
 * Workers poll briefly when idle, and the planner wakes them as soon as it has queued work.
 */
export class WorkerPool {
  private workers = new Map<number, Worker>();

  constructor(
    private readonly knex: Knex,
    private readonly handlersFor: (accountId: number) => Record<string, JobHandler>,
    private readonly opts: { concurrency: (accountId: number) => number; visibilityTimeoutMs: number; logger?: Logger },
  ) {}

  async sync(accounts: readonly AccountView[]): Promise<void> {
    const wanted = new Set(accounts.filter((a) => a.enabled).map((a) => a.id));
    for (const [id, w] of this.workers) {
      if (!wanted.has(id)) {
        this.workers.delete(id);
        await w.stop({ graceMs: 5000 });
      }
    }
    for (const id of wanted) {
      if (this.workers.has(id)) continue;
      const w = new Worker(this.knex, {
        queue: queueOf(id),
        handlers: this.handlersFor(id),
        concurrency: this.opts.concurrency(id),
        visibilityTimeoutMs: this.opts.visibilityTimeoutMs,
        pollMs: 50,
        maxPollMs: 500,
        ...(this.opts.logger ? { logger: this.opts.logger } : {}),
      });
      this.workers.set(id, w.start());
    }
  }

  /** Wakes the queue's worker now and again shortly after (the jobs may commit a moment later). */
  wake(queue: string): void {
    const id = Number(queue.split(':')[1]);
    const w = this.workers.get(id);
    if (!w) return;
    w.wake();
    for (const ms of [25, 120]) setTimeout(() => w.wake(), ms).unref();
  }

  /** Whether this process runs the account's worker now (not stopped, not stopping). */
  running(accountId: number): boolean {
    return this.workers.get(accountId)?.running ?? false;
  }

  stats(): Record<number, Worker['stats']> {
    return Object.fromEntries([...this.workers].map(([id, w]) => [id, w.stats]));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop({ graceMs: 10_000 })));
    this.workers.clear();
  }
}
