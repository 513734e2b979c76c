import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../util/logger';
import type { AccountView } from '../accounts/store';
import type { EngineDeps } from '../stock-price/deps';
import { startRun } from './run';

/**
 * The scheduled full reconciliation: one node-cron task per enabled account (its settings.sync.reconcile
 * cron). Starting a run is safe from every process at once: only one run per account can be running.
 */
export class ReconcileScheduler {
  private tasks = new Map<number, { cron: string; task: ScheduledTask }>();

  constructor(
    private readonly deps: EngineDeps,
    private readonly logger?: Logger,
  ) {}

  sync(accounts: readonly AccountView[]): void {
    const wanted = new Map(accounts.filter((a) => a.enabled && a.settings.sync.reconcile.enabled && (a.flows.stock || a.flows.price)).map((a) => [a.id, a.settings.sync.reconcile.cron]));
    for (const [id, t] of this.tasks) {
      if (wanted.get(id) !== t.cron) {
        void t.task.destroy();
        this.tasks.delete(id);
      }
    }
    for (const [id, expr] of wanted) {
      if (this.tasks.has(id)) continue;
      const task = cron.schedule(
        expr,
        async () => {
          try {
            const { runId, started } = await startRun(this.deps, id, 'reconcile', 'schedule');
            this.logger?.info({ accountId: id, runId, started }, 'scheduled reconciliation');
          } catch (err) {
            this.logger?.error({ err, accountId: id }, 'scheduled reconciliation could not start');
          }
        },
        { name: `meschain-reconcile-${id}`, noOverlap: true },
      );
      this.tasks.set(id, { cron: expr, task });
    }
  }

  scheduled(): Array<{ accountId: number; cron: string; next: string | null }> {
    return [...this.tasks].map(([accountId, t]) => ({ accountId, cron: t.cron, next: t.task.getNextRun()?.toISOString() ?? null }));
  }

  async stop(): Promise<void> {
    for (const t of this.tasks.values()) await t.task.destroy();
    this.tasks.clear();
  }
}
