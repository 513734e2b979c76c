import { rawRows } from '../db/raw';
import { isMarketplaceCode } from '../marketplaces/types';
import { getRun, runPage, startRun } from '../sync/reconcile';
import { queueOf } from '../sync/stock-price/deps';
import { loadKeyRing } from '../crypto/keys';
import { loadOcContext } from '../db/opencart';
import { createMarketplaceHttp } from '../marketplaces/http';
import { builtInDefinition } from '../sync/accounts/definitions';
import { createSyncEngine, type SyncEngine } from '../sync/stock-price/engine';
import { createLogger } from '../util/logger';
import { checkArgs, flag, option, positiveId, usageError } from './args';
import type { CliCommand, CliContext } from './types';

/**
 * meschain sync --marketplace trendyol [--account <id>] [--full] [--no-wait]
 *   sync     list what is not listed yet and push every stock/price that differs from what the
 *            marketplace last confirmed
 *   --full   reconcile: read every listing back from the marketplace and repair drift
 * Runs in this process (the sidecar need not be running; if it is, both share the work safely): the run's
 * pages first, then this account's queue until it is drained, each with a progress bar.
 */

async function dueJobs(knex: import('knex').Knex, queue: string): Promise<{ waiting: number; total: number }> {
  const [r] = await rawRows<{ waiting: number; total: number }>(
    knex,
    "SELECT SUM(state IN ('ready', 'running') AND run_at <= UTC_TIMESTAMP(3) + INTERVAL 2 SECOND) AS waiting, COUNT(*) AS total FROM meschain_jobs WHERE queue = ? AND created_at >= UTC_TIMESTAMP(3) - INTERVAL 1 DAY",
    [queue],
  );
  return { waiting: Number(r?.waiting ?? 0), total: Number(r?.total ?? 0) };
}

export const syncCommand: CliCommand = {
  name: 'sync',
  usage: ['sync --marketplace <code> [--account <id>] [--full] [--no-wait]   push listings, stock and prices now (--full: reconcile with the marketplace)'],
  async run(c) {
    const bad = checkArgs(c.args, { options: ['marketplace', 'account'], flags: ['full', 'no-wait'] });
    if (bad) return usageError(c.err, 'sync', bad);
    const code = option(c.args, 'marketplace');
    const accountArg = option(c.args, 'account');
    if (!code || !isMarketplaceCode(code)) {
      c.err.write('meschain sync: --marketplace <code> is required (trendyol, hepsiburada, n11, ebay, amazon, ozon) / --marketplace zorunlu\n');
      return 64;
    }
    if (accountArg !== undefined && positiveId(accountArg) === null) return usageError(c.err, 'sync', `--account must be an account id (a positive whole number), not '${accountArg}'`);
    const full = flag(c.args, 'full');
    const { engine, close } = await cliEngine(c);
    try {
      const accounts = (await engine.accounts.findByCode(code)).filter((a) => a.enabled && (accountArg === undefined || a.id === Number(accountArg)));
      if (accounts.length === 0) {
        c.err.write(`meschain sync: no enabled ${code} account${accountArg ? ` with id ${accountArg}` : ''} / etkin ${code} hesabı yok\n`);
        return 66;
      }
      for (const account of accounts) {
        const kind = full ? 'reconcile' : 'sync';
        const { runId, started } = await startRun(engine.deps, account.id, kind, 'cli', { inline: true });
        const bar = new ProgressBar(c.out, `${account.name} ${kind}`);
        if (started) {
          while (await runPage(engine.deps, engine.events, runId, { queueNext: false })) {
            const p = await getRun(engine.deps, runId);
            if (p) bar.update(p.done, p.total, `drift ${p.drift}`);
          }
        } else {
          c.out.write(`a ${kind} run (${runId}) is already running for ${account.name}; following it\n`);
          for (let p = await getRun(engine.deps, runId); p && p.state === 'running'; p = await getRun(engine.deps, runId)) {
            bar.update(p.done, p.total, `drift ${p.drift}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
        const run = await getRun(engine.deps, runId);
        bar.update(run?.done ?? 0, run?.total ?? 0);
        bar.finish(`run ${runId}: ${run?.state} — ${run?.done}/${run?.total} checked, ${run?.drift} drifted, ${run?.listed} listings queued, ${run?.errors} errors`);
        if (flag(c.args, 'no-wait')) continue;
        // Work the queue here until what is due is done (retries scheduled far ahead are left to the sidecar).
        await engine.pool.sync([account]);
        const queue = queueOf(account.id);
        const jobsBar = new ProgressBar(c.out, `${account.name} push`);
        const first = await dueJobs(c.knex, queue);
        for (let d = first; d.waiting > 0; d = await dueJobs(c.knex, queue)) {
          jobsBar.update(Math.max(0, first.waiting - d.waiting), first.waiting, `${d.waiting} waiting`);
          engine.pool.wake(queue);
          await new Promise((r) => setTimeout(r, 300));
        }
        await engine.pool.sync([]);
        const states = await rawRows<{ state: string; n: number }>(c.knex, 'SELECT state, COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? GROUP BY state', [account.id]);
        jobsBar.finish(`listings: ${states.map((s) => `${s.state} ${s.n}`).join(', ') || 'none'}`);
      }
      return 0;
    } finally {
      await close();
    }
  },
};


/** The sync engine in this process (no workers started until asked), for the sync/status/variants commands. */
export async function cliEngine(c: CliContext): Promise<{ engine: SyncEngine; close(): Promise<void> }> {
  const logger = createLogger(c.config.logLevel === 'info' ? 'warn' : c.config.logLevel);
  const oc = await loadOcContext(c.knex, {
    prefix: c.config.opencart.tablePrefix,
    storeId: c.config.opencart.storeId,
    language: c.config.opencart.language,
    ...(c.config.opencart.storeUrl ? { storeUrl: c.config.opencart.storeUrl } : {}),
  });
  const http = createMarketplaceHttp({ knex: c.knex, ...(c.config.redisUrl ? { redisUrl: c.config.redisUrl } : {}), logger });
  const engine = createSyncEngine({ knex: c.knex, oc, secrets: loadKeyRing(c.config), definitions: builtInDefinition, http, logger, visibilityTimeoutMs: c.config.jobs.visibilityTimeoutMs });
  return {
    engine,
    async close() {
      await engine.stop();
      await http.flushLogs().catch(() => undefined);
      await http.close();
    },
  };
}

/**
 * A small progress bar for long CLI work: redrawn in place on a terminal, one line per 10 % otherwise
 * (cron logs stay readable).
 */
export class ProgressBar {
  private lastDecile = -1;
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  private get tty(): boolean {
    return Boolean((this.out as NodeJS.WriteStream).isTTY);
  }

  update(done: number, total: number, note = ''): void {
    const t = Math.max(total, done, 1);
    const ratio = Math.min(1, done / t);
    const filled = Math.round(ratio * this.width);
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total}${note ? ` ${note}` : ''}`;
    if (this.tty) this.out.write(`\r${line}\x1b[K`);
    else {
      const decile = Math.floor(ratio * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${line}\n`);
      }
    }
  }

  finish(note = ''): void {
    if (this.tty) this.out.write('\n');
    if (note) this.out.write(`${note}\n`);
  }
}
