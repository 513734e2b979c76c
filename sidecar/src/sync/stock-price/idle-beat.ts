import { rawRows } from '../../db/raw';
import type { AccountView } from '../accounts/store';
import { beat, JOB, queueOf, type EngineDeps } from './deps';

/**
 * The stockOut heartbeat means "the stock flow is alive and has nothing stuck", not "a batch settled
 * lately": a shop with no stock or price change all night must not look silent. A settled batch beats
 * (push.ts); this beats for an account whose worker runs in this process when nothing of its
 * stock/price work is stuck. A real stall still goes silent: no worker (none runs here, or the
 * account's worker was stopped), a breaker not closed, a stock/price job due for longer than
 * DUE_GRACE_S or waiting for a retry after a failed attempt, or a batch unsettled past `staleAfterMs`.
 * The engine calls it on a timer (once a minute by default), which is what rate-limits it.
 */

/** A job due this long and still not taken means the worker is not keeping up (a backlog beats as it settles). */
export const DUE_GRACE_S = 60;

const STOCK_PRICE_JOBS = [JOB.stockPricePush, JOB.stockPricePoll, JOB.stockPriceReplan, JOB.stockPriceVerify];

/** Why the account's stock flow is not idle-and-well, or null when it is. */
export async function stockFlowStall(deps: Pick<EngineDeps, 'knex'>, account: AccountView): Promise<string | null> {
  const staleS = Math.max(1, Math.ceil(account.settings.sync.push.staleAfterMs / 1000));
  const [r] = await rawRows<{ jobs: number; batches: number }>(
    deps.knex,
    `SELECT EXISTS(SELECT 1 FROM meschain_jobs WHERE queue = ? AND state = 'ready' AND type IN (?, ?, ?, ?)
                     AND (attempts > 0 OR run_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND)) AS jobs,
            EXISTS(SELECT 1 FROM meschain_push_batches WHERE marketplace_id = ? AND kind = 'stock_price' AND state IN ('sending', 'submitted')
                     AND created_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND) AS batches`,
    [queueOf(account.id), ...STOCK_PRICE_JOBS, DUE_GRACE_S, account.id, staleS],
  );
  if (Number(r!.jobs)) return 'stock/price jobs are overdue or waiting for a retry';
  if (Number(r!.batches)) return 'a stock/price batch is unsettled past staleAfterMs';
  return null;
}

/**
 * Beats stockOut for each account that has a running worker here, a closed breaker and nothing stuck.
 * Never throws (a heartbeat must not break the engine).
 */
export async function beatIdleAccounts(
  deps: Pick<EngineDeps, 'knex' | 'logger' | 'accounts'>,
  workerRunning: (accountId: number) => boolean,
  breakerState: (accountId: number) => string,
): Promise<void> {
  try {
    for (const a of await deps.accounts.list()) {
      if (!a.enabled || (!a.flows.stock && !a.flows.price) || !workerRunning(a.id) || breakerState(a.id) !== 'closed') continue;
      if ((await stockFlowStall(deps, a)) === null) await beat(deps, a.id, 'stockOut', 'worker running, nothing waiting to be sent');
    }
  } catch (err) {
    deps.logger?.warn({ err }, 'could not check the stock flows for an idle heartbeat');
  }
}
