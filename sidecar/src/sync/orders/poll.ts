import type { Knex } from 'knex';
import type { MarketplaceAdapter } from '../../marketplaces/contract';
import type { MarketplaceOrder } from '../../marketplaces/types';
import { rawRows, rawWrite } from '../../db/raw';
import { createHash } from 'node:crypto';
import { raiseAlert, recordHeartbeat } from '../heartbeats';
import type { OrderAccount } from './access';
import type { AccountRef } from './create';
import { headerOf, importOrder, keepHeld, reprocessGroup, type ImportOutcome, type OrderEnv } from './process';
import { pullReturns } from './returns';
import { importBatch } from './batch';
import { ensureGroup, findGroup, packagesOf, upsertPackage } from './store';
import { orderIdsProblem } from './check';

/**
 * Orders in by polling: per account, a cursor in meschain_cursors (`orders:<accountId>`) that is saved
 * only after every order of a page has been handled (imported, reserved, cancelled or held), so a crash
 * re-reads the page and the idempotent import finds what is already done. An order whose import fails
 * unexpectedly is recorded as held with the error rather than skipped: the cursor may move on, the order
 * is never dropped. Each completed poll is an `ordersIn` heartbeat.
 */

export const cursorName = (accountId: number): string => `orders:${accountId}`;

export async function readCursor(knex: Knex, name: string): Promise<string | null> {
  const [row] = await rawRows<{ value: string }>(knex, 'SELECT value FROM meschain_cursors WHERE name = ?', [name]);
  return row ? row.value : null;
}

export async function saveCursor(knex: Knex, name: string, value: string): Promise<void> {
  await rawWrite(knex, 'INSERT INTO meschain_cursors (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = UTC_TIMESTAMP(3)', [name, value]);
}

export interface PollResult {
  pages: number;
  orders: number;
  created: number;
  held: number;
  failed: number;
}

export const ORDER_SKIPPED_ALERT = 'order_skipped';

/** An alert subject for an order id that may be longer than the 64-character subject: its start and a hash. */
function skippedSubject(orderId: string): string {
  const id = String(orderId);
  return id.length <= 64 ? id : `${id.slice(0, 48)}…${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

/** Records an order the import could not handle as held, with the error, so it is listed and retried. */
export async function holdFailed(env: OrderEnv, account: AccountRef, order: MarketplaceOrder, err: unknown): Promise<void> {
  const knex = env.ctx.knex;
  // Ids that do not fit their columns cannot key a held row either: the log and the caller's count say it.
  const badIds = orderIdsProblem(order);
  if (badIds) {
    env.logger.error({ accountId: account.id, problem: badIds }, 'marketplace order skipped: its ids cannot be stored');
    // The cursor moves past it, so the owner must hear of it from more than a log line.
    await raiseAlert(knex, ORDER_SKIPPED_ALERT, account.id, skippedSubject(order.orderId), `Order skipped: ${badIds} / Sipariş atlandı (kimlikleri saklanamıyor): ${badIds}`);
    return;
  }
  const group = await ensureGroup(knex, account.id, order.orderId);
  for (const p of order.packages) await upsertPackage(knex, account.id, headerOf(order), p);
  await keepHeld(env, account, group, await packagesOf(knex, account.id, order.orderId), `import failed: ${(err as Error).message ?? String(err)} / içe aktarma başarısız`);
}

/** Imports one order; an unexpected failure is recorded as held (and counted) instead of thrown. */
export async function importOrHold(env: OrderEnv, account: AccountRef, order: MarketplaceOrder): Promise<ImportOutcome | null> {
  try {
    return await importOrder(env, account, order);
  } catch (err) {
    env.logger.error({ err, accountId: account.id, orderId: order.orderId }, 'marketplace order import failed; held for retry');
    await holdFailed(env, account, order, err);
    return null;
  }
}

/**
 * Reads the account's returns (claims) and re-runs every order they touch except `current` (whose
 * caller is about to run it). Returns are read once per cursor position, so the orders they change are
 * re-run right here.
 */
export function returnsSync(env: OrderEnv, account: OrderAccount, adapterOf: () => Promise<MarketplaceAdapter>): (current: string) => Promise<void> {
  return async (current) => {
    const adapter = await adapterOf();
    if (!adapter.capabilities.returns) return;
    const touched = await pullReturns(env.ctx.knex, account, adapter);
    const plain: OrderEnv = { ctx: env.ctx, logger: env.logger, ...(env.fetchOrder ? { fetchOrder: env.fetchOrder } : {}) };
    for (const orderId of touched) {
      if (orderId === current) continue;
      const group = await findGroup(env.ctx.knex, account.id, orderId);
      if (group) await reprocessGroup(plain, account, group.id);
    }
  };
}

export async function pollAccount(
  env: OrderEnv,
  account: OrderAccount,
  adapter: MarketplaceAdapter,
  opts: { maxPages?: number; pageSize?: number; concurrency?: number; onPage?: (progress: PollResult) => void } = {},
): Promise<PollResult> {
  const knex = env.ctx.knex;
  const name = cursorName(account.id);
  let cursor = await readCursor(knex, name);
  const result: PollResult = { pages: 0, orders: 0, created: 0, held: 0, failed: 0 };
  const base: OrderEnv = { ...env, fetchOrder: (id) => adapter.fetchOrder(id) };
  const syncReturns = returnsSync(base, account, async () => adapter);
  const withFetch: OrderEnv = { ...base, syncReturns };
  const maxPages = opts.maxPages ?? 50;
  for (;;) {
    const page = await adapter.fetchOrders(cursor, opts.pageSize ? { limit: opts.pageSize } : {});
    result.pages++;
    // New orders of the page go in together (batch.ts); the rest one by one. Orders of one page are
    // independent (one entry per order number, each under its own lease), so those import side by side:
    // most of an import's time is waiting on commits, which the server can group.
    let rest = page.orders;
    try {
      const batch = await importBatch(withFetch, account, page.orders);
      rest = batch.rest;
      result.orders += batch.outcomes.length;
      result.created += batch.outcomes.length;
    } catch (err) {
      env.logger.warn({ err, accountId: account.id }, 'batch import of a page failed; its orders go one by one, which finishes what the batch began');
    }
    await forEachLimited(rest, opts.concurrency ?? 1, async (order) => {
      const outcome = await importOrHold(withFetch, account, order);
      result.orders++;
      if (!outcome) result.failed++;
      else if (outcome.created) result.created++;
      else if (outcome.state === 'held') result.held++;
    });
    await saveCursor(knex, name, page.cursor);
    cursor = page.cursor;
    opts.onPage?.({ ...result });
    if (!page.hasMore || result.pages >= maxPages) break;
  }
  try {
    await syncReturns('');
  } catch (err) {
    env.logger.warn({ err, accountId: account.id }, 'reading returns failed; next poll retries');
  }
  await recordHeartbeat(knex, account.id, 'ordersIn', `poll: ${result.orders} orders, ${result.created} new, ${result.held} held`);
  return result;
}

/** Runs fn over items with at most `limit` at once; rejects with the first error after all have settled. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw (failure as { err: unknown }).err;
}
