import type { Knex } from 'knex';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import type { AsyncHandle, ItemResult, StockPriceUpdate } from '../../marketplaces/contract';
import { enqueueMany } from '../queue/enqueue';
import { inTransaction } from '../queue/sql';
import type { JobSpec } from '../queue/types';
import { DEFAULT_SAFETY_RULE, type SafetyRule } from '../rules/schema';
import type { AccountView } from '../accounts/store';
import type { BatchOutcome } from './batcher';
import { beat, itemRetryDelayMs, JOB, MAX_ITEM_RETRIES, PRIORITY, queueOf, type EngineDeps } from './deps';
import { inFlight, listingsByIds, type ListingRow } from './listings';
import { carriedDesired, difference, planDifferences, pushSpec, samePrice, type Difference, type Planned } from './plan';
import { failureReasons } from './reasons';
import { bulkUpdateListings } from './sql';
import { changedSincePlanned, markInFlight, newerJobs, preparedSince } from './fresh';

/**
 * The stock & price push: a batch of listing ids (from the batcher) with the values planned for them
 * (checked to be still current, else computed afresh) → the price-change cap → one marketplace
 * request → per-item outcomes (now, or through a poll job for async marketplaces). Last-pushed values are written only once the marketplace confirmed them; per-item
 * failures are retried with backoff or quarantine the listing with the reason, never dropped.
 */

interface SentItem {
  listingId: number;
  quantity?: number;
  price?: string;
  listPrice?: string;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export async function flushStockPrice(deps: EngineDeps, accountId: number, listingIds: number[], carried: ReadonlyMap<number, Planned> = new Map()): Promise<BatchOutcome> {
  const none: BatchOutcome = { errors: new Map() };
  const account = await deps.accounts.get(accountId);
  if (!account || !account.enabled || (!account.flows.stock && !account.flows.price)) return none;
  const withValues = listingIds.filter((id) => carried.has(id));
  const [listings, basics, superseded, unplanned] = await Promise.all([
    listingsByIds(deps.knex, listingIds),
    deps.desired.basics(account),
    newerJobs(deps.knex, accountId, withValues),
    changedSincePlanned(deps.knex, withValues),
  ]);
  const stale = account.settings.sync.push.staleAfterMs;
  const sendable: ListingRow[] = [];
  const deferred: number[] = [];
  for (const l of listings) {
    if (l.state !== 'active') continue;
    if (inFlight(l, stale, true)) deferred.push(l.id);
    else sendable.push(l);
  }
  if (deferred.length) await markInFlight(deps, accountId, deferred);
  // Values planned moments ago are sent as they are, unless something may have changed since: then (and
  // for jobs that carry no values) they are computed from fresh reads, as before.
  const diffs: Difference[] = [];
  const recompute: ListingRow[] = [];
  for (const l of sendable) {
    const c = carried.get(l.id);
    if (!c || c.g !== basics.generation || superseded.has(l.id) || unplanned.has(l.id) || preparedSince(l, c.planAt)) {
      recompute.push(l);
      continue;
    }
    const d = difference(account, l, carriedDesired(c));
    if (d) diffs.push(d);
  }
  if (recompute.length) {
    const ctx = await deps.desired.prepare(account, recompute);
    for (const l of recompute) {
      const d = difference(account, l, deps.desired.compute(ctx, l));
      if (d) diffs.push(d);
    }
  }
  if (diffs.length === 0) return none;

  await applyPriceCap(deps, accountId, basics.rules.account.safety ?? DEFAULT_SAFETY_RULE, diffs);
  const prepared = await inTransaction(deps.knex, async (trx) => {
    const send = diffs.filter((d) => d.quantityChanged || d.priceChanged);
    if (send.length === 0) return null;
    // A retry carries the listing's whole state (quantity and price), not only what changed: Trendyol
    // refuses a repeat of an identical request for 15 minutes, and the failed attempt may have been one.
    const full = (d: Difference) => d.listing.itemRetries > 0;
    const items: SentItem[] = send.map((d) => ({
      listingId: d.listing.id,
      ...(d.quantityChanged || (full(d) && account.flows.stock) ? { quantity: d.desired.quantity } : {}),
      ...(d.priceChanged || (full(d) && account.flows.price && d.desired.price && !d.listing.heldPrice)
        ? { price: d.priceChanged ? d.desired.price!.salePrice : (d.listing.lastPushedPrice ?? d.desired.price!.salePrice), listPrice: d.priceChanged ? d.desired.price!.listPrice : (d.listing.lastPushedListPrice ?? d.desired.price!.listPrice) }
        : {}),
    }));
    const batch = await rawWrite(trx, "INSERT INTO meschain_push_batches (marketplace_id, kind, state, items, item_count) VALUES (?, 'stock_price', 'sending', ?, ?)", [
      accountId,
      JSON.stringify(items),
      items.length,
    ]);
    const batchId = Number(batch.insertId);
    await bulkUpdateListings(
      trx,
      send.map((d) => ({
        id: d.listing.id,
        pending_quantity: d.quantityChanged ? d.desired.quantity : null,
        pending_price: d.priceChanged ? d.desired.price!.salePrice : null,
        pending_list_price: d.priceChanged ? d.desired.price!.listPrice : null,
        pending_batch_id: batchId,
        desired_quantity: d.desired.quantity,
        desired_price: d.desired.price?.salePrice ?? null,
        desired_list_price: d.desired.price?.listPrice ?? null,
        price_note: d.desired.price?.note ?? (d.desired.priceError ? `no price sent: ${d.desired.priceError}`.slice(0, 512) : null),
        price_sent: d.priceChanged ? 1 : 0,
      })),
      {
        set: ['pending_quantity', 'pending_price', 'pending_list_price', 'pending_batch_id', 'desired_quantity', 'desired_price', 'desired_list_price', 'price_note'],
        extra: ['price_sent'],
        fixed: [
          'l.pending_at = UTC_TIMESTAMP(3)',
          'l.desired_at = UTC_TIMESTAMP(3)',
          'l.price_changed_at = IF(v.price_sent = 1, UTC_TIMESTAMP(3), l.price_changed_at)',
          'l.hold_reason = IF(v.price_sent = 1, NULL, l.hold_reason)',
          'l.held_price = IF(v.price_sent = 1, NULL, l.held_price)',
        ],
      },
    );
    return { batchId, items, send };
  });
  if (!prepared) return none;

  const byId = new Map(prepared.send.map((d) => [d.listing.id, d.listing]));
  const updates: StockPriceUpdate[] = prepared.items.map((i) => {
    const l = byId.get(i.listingId)!;
    return {
      ref: String(i.listingId),
      sku: l.sku ?? '',
      ...(l.barcode ? { barcode: l.barcode } : {}),
      ...(l.remoteId ? { remoteId: l.remoteId } : {}),
      ...(i.quantity !== undefined ? { quantity: i.quantity } : {}),
      ...(i.price !== undefined ? { price: i.price, listPrice: i.listPrice } : {}),
      currency: account.settings.sync.currency,
    };
  });
  let outcome;
  try {
    const adapter = await deps.adapters.get(accountId);
    outcome = await adapter.submitStockPrice(updates);
  } catch (err) {
    await abandonBatch(deps.knex, prepared.batchId, `sending failed: ${(err as Error).message}`);
    throw err;
  }
  await recordSubmission(deps, account, prepared.batchId, prepared.items, outcome.results, outcome.pending);
  return none;
}

/**
 * The price-change cap: of the batch's new prices (not owner-approved ones), only as many as the account's
 * budget has room for go out; the rest are held with the reason. One writer at a time per account decides
 * (stock-only batches need no turn), in a short transaction of its own that also stamps the prices it
 * lets through, so the next writer counts them even before their batch is written. A batch that then
 * fails to go out has used budget for nothing: the cap errs on the side of sending fewer prices.
 */
async function applyPriceCap(deps: EngineDeps, accountId: number, safety: SafetyRule, diffs: Difference[]): Promise<void> {
  const capped = diffs.filter((d) => d.priceChanged && d.listing.lastPushedPrice !== null && !samePrice(d.listing.approvedPrice, d.desired.price!.salePrice));
  if (capped.length === 0) return;
  await inTransaction(deps.knex, async (trx) => {
    await rawRows(trx, 'SELECT id FROM meschain_marketplaces WHERE id = ? FOR UPDATE', [accountId]);
    const [[recent], [total]] = await Promise.all([
      rawRows<{ n: number }>(trx, 'SELECT COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? AND price_changed_at > UTC_TIMESTAMP(3) - INTERVAL ? MINUTE', [
        accountId,
        safety.priceChangeWindowMinutes,
      ]),
      rawRows<{ n: number }>(trx, "SELECT COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? AND state = 'active'", [accountId]),
    ]);
    const allowance = Math.max(safety.priceChangeAllowance, Math.floor((Number(total!.n) * safety.maxPriceChangeShare) / 100));
    const room = Math.max(0, allowance - Number(recent!.n));
    const granted = capped.slice(0, room).map((d) => d.listing.id);
    const held = capped.slice(room);
    if (granted.length) await rawWrite(trx, `UPDATE meschain_listings SET price_changed_at = UTC_TIMESTAMP(3) WHERE id IN (${placeholders(granted.length)})`, granted);
    if (held.length) {
      const reason = `price change held: ${Number(recent!.n) + room} of ${Number(total!.n)} listings already got a new price in the last ${safety.priceChangeWindowMinutes} min (limit ${safety.maxPriceChangeShare}%, at least ${safety.priceChangeAllowance}); release it to send / fiyat değişikliği sınırı aşıldı, göndermek için onaylayın`;
      await bulkUpdateListings(
        trx,
        held.map((d) => ({ id: d.listing.id, held_price: d.desired.price!.salePrice, hold_reason: reason })),
        { set: ['held_price', 'hold_reason'] },
      );
    }
    return held;
  }).then((held) => {
    // Only once committed: a deadlock retry runs the decision again from the start.
    for (const d of held) d.priceChanged = false;
  });
}

async function abandonBatch(knex: Knex, batchId: number, error: string): Promise<void> {
  await inTransaction(knex, async (trx) => {
    await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'failed', error = ?, finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [error.slice(0, 2000), batchId]);
    await rawWrite(
      trx,
      'UPDATE meschain_listings SET pending_batch_id = NULL, pending_quantity = NULL, pending_price = NULL, pending_list_price = NULL, pending_at = NULL WHERE pending_batch_id = ?',
      [batchId],
    );
  });
}

/** After the request went out: settled items now, the rest through a poll job. */
async function recordSubmission(deps: EngineDeps, account: AccountView, batchId: number, items: SentItem[], results: ItemResult[], pending: AsyncHandle[]): Promise<void> {
  if (pending.length === 0) {
    await settleStockPrice(deps, account, batchId, items, results);
    return;
  }
  await inTransaction(deps.knex, async (trx) => {
    await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'submitted', handle = ?, submitted_at = UTC_TIMESTAMP(3) WHERE id = ?", [
      JSON.stringify({ handles: pending, early: results }),
      batchId,
    ]);
    await enqueueMany(trx, [pollSpec(account.id, JOB.stockPricePoll, batchId, 300)]);
  });
  deps.wake?.(queueOf(account.id));
}

export function pollSpec(accountId: number, type: string, batchId: number, delayMs: number): JobSpec {
  return {
    queue: queueOf(accountId),
    type,
    payload: { batchId },
    dedupeKey: `poll:${batchId}`,
    priority: PRIORITY.poll,
    runAt: new Date(Date.now() + delayMs),
    maxAttempts: 30,
  };
}

/**
 * Polls a submitted push batch's async handles once. Returns null when the batch is gone or settled,
 * or when a handle is still pending (a follow-up poll job of `pollType` is then queued with the
 * marketplace's suggested delay); otherwise the account, the items sent and every item result.
 */
export async function pollBatch<T>(
  deps: EngineDeps,
  accountId: number,
  batchId: number,
  pollType: string,
): Promise<{ account: AccountView; items: T[]; results: ItemResult[] } | null> {
  const [batch] = await rawRows<{ state: string; items: unknown; handle: unknown }>(
    deps.knex,
    'SELECT state, items, handle FROM meschain_push_batches WHERE id = ? AND marketplace_id = ?',
    [batchId, accountId],
  );
  if (!batch || batch.state !== 'submitted') return null;
  const account = await deps.accounts.require(accountId);
  const adapter = await deps.adapters.get(accountId);
  const { handles, early } = json(batch.handle) as { handles: AsyncHandle[]; early: ItemResult[] };
  const results: ItemResult[] = [...early];
  for (const h of handles) {
    const o = await adapter.pollResult(h);
    if (!o.done) {
      await inTransaction(deps.knex, async (trx) => {
        await rawWrite(trx, 'UPDATE meschain_push_batches SET polls = polls + 1 WHERE id = ?', [batchId]);
        await enqueueMany(trx, [pollSpec(accountId, pollType, batchId, Math.min(Math.max(o.retryAfterMs, 200), 30_000))]);
      });
      return null;
    }
    results.push(...o.results);
  }
  return { account, items: json(batch.items) as T[], results };
}

export async function pollStockPrice(deps: EngineDeps, accountId: number, batchId: number): Promise<void> {
  const polled = await pollBatch<SentItem>(deps, accountId, batchId, JOB.stockPricePoll);
  if (polled) await settleStockPrice(deps, polled.account, batchId, polled.items, polled.results);
}

interface Verdict {
  item: SentItem;
  kind: 'ok' | 'retry' | 'reject' | 'verify';
  message: string;
  remoteId?: string;
  retryAfterMs?: number;
}

function judge(item: SentItem, r: ItemResult | undefined): Verdict {
  if (!r) return { item, kind: 'retry', message: 'the marketplace returned no result for this item' };
  if (r.status === 'success') return { item, kind: 'ok', message: '', remoteId: r.remoteId };
  // An identical request was accepted shortly before (a retry after a lost answer, or a crash): its
  // per-item outcome is unknown to us, so read back what the marketplace shows instead of guessing.
  const reasons = failureReasons(r);
  if (reasons.every((e) => e.code === 'duplicate_request')) {
    return { item, kind: 'verify', message: 'an identical request was refused as a repeat; checking what the marketplace shows' };
  }
  const message = reasons.map((e) => `${e.message}${e.field ? ` (${e.field})` : ''}`).join('; ');
  const retryAfterMs = Math.max(0, ...reasons.map((e) => e.retryAfterMs ?? 0));
  return { item, kind: reasons.some((e) => e.retryable) ? 'retry' : 'reject', message, retryAfterMs };
}

/** Applies per-item outcomes of one batch, then plans follow-ups (retries, and values that changed meanwhile). */
async function settleStockPrice(deps: EngineDeps, account: AccountView, batchId: number, items: SentItem[], results: ItemResult[]): Promise<void> {
  const byRef = new Map(results.map((r) => [r.ref, r]));
  const verdicts = items.map((i) => judge(i, byRef.get(String(i.listingId))));
  const quarantineAfter = (await deps.desired.basics(account)).rules.account.safety?.quarantineAfter ?? DEFAULT_SAFETY_RULE.quarantineAfter;
  const followUps: JobSpec[] = [];
  const verify: number[] = [];
  let verifyDelay = 0;
  await inTransaction(deps.knex, async (trx) => {
    const [batch] = await rawRows<{ state: string }>(trx, 'SELECT state FROM meschain_push_batches WHERE id = ? FOR UPDATE', [batchId]);
    if (!batch || batch.state === 'done') return;
    const current = new Map((await listingsByIds(trx, items.map((i) => i.listingId), true)).map((l) => [l.id, l]));
    const guard = { sql: 'l.pending_batch_id = ?', bindings: [batchId] };
    const ok = verdicts.filter((v) => v.kind === 'ok');
    await bulkUpdateListings(
      trx,
      ok.map((v) => ({ id: v.item.listingId, q: v.item.quantity ?? null, p: v.item.price ?? null, lp: v.item.listPrice ?? null, rid: v.remoteId ?? null })),
      {
        extra: ['q', 'p', 'lp', 'rid'],
        guard,
        fixed: [
        'l.last_pushed_quantity = COALESCE(v.q, l.last_pushed_quantity)',
        'l.last_pushed_price = COALESCE(v.p, l.last_pushed_price)',
        'l.last_pushed_list_price = COALESCE(v.lp, l.last_pushed_list_price)',
        'l.remote_id = COALESCE(v.rid, l.remote_id)',
        'l.last_pushed_at = UTC_TIMESTAMP(3)',
        'l.rejections = 0',
        'l.item_retries = 0',
        'l.last_error = NULL',
        'l.pending_batch_id = NULL',
        'l.pending_at = NULL',
        'l.approved_price = IF(v.p IS NULL, l.approved_price, NULL)',
        'l.replan_wanted = 0',
        ],
      },
    );
    const failed = verdicts.filter((v) => v.kind !== 'ok');
    const rows = failed.map((v) => {
      const l = current.get(v.item.listingId);
      const rejections = (l?.rejections ?? 0) + (v.kind === 'reject' ? 1 : 0);
      const retries = (l?.itemRetries ?? 0) + (v.kind === 'reject' ? 0 : 1);
      const quarantine = rejections >= quarantineAfter || retries >= MAX_ITEM_RETRIES;
      if (!quarantine && v.kind === 'verify') {
        verify.push(v.item.listingId);
        verifyDelay = Math.max(verifyDelay, itemRetryDelayMs(retries));
      } else if (!quarantine) {
        const attempt = v.kind === 'reject' ? rejections : retries;
        followUps.push(pushSpec(account.id, v.item.listingId, PRIORITY.increase, new Date(Date.now() + itemRetryDelayMs(attempt, v.retryAfterMs))));
      }
      return {
        id: v.item.listingId,
        err: v.message.slice(0, 2000),
        rej: rejections,
        ret: retries,
        qr: quarantine
          ? `quarantined after ${rejections >= quarantineAfter ? `${rejections} rejections` : `${retries} failed attempts`} in a row; last: ${v.message}`.slice(0, 2000)
          : null,
      };
    });
    await bulkUpdateListings(trx, rows, { extra: ['err', 'rej', 'ret', 'qr'], guard, fixed: [
      'l.last_error = v.err',
      'l.rejections = v.rej',
      'l.item_retries = v.ret',
      "l.state = IF(v.qr IS NULL, l.state, 'quarantined')",
      'l.quarantine_reason = COALESCE(v.qr, l.quarantine_reason)',
      'l.quarantined_at = IF(v.qr IS NULL, l.quarantined_at, UTC_TIMESTAMP(3))',
      'l.pending_batch_id = NULL',
      'l.pending_at = NULL',
      'l.replan_wanted = 0',
    ] });
    await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'done', failed_count = ?, finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [failed.length, batchId]);
    if (verify.length) {
      followUps.push({
        queue: queueOf(account.id),
        type: JOB.stockPriceVerify,
        payload: { listingIds: verify },
        dedupeKey: `verify:${batchId}`,
        priority: PRIORITY.poll,
        runAt: new Date(Date.now() + Math.max(verifyDelay, 2000)),
        maxAttempts: 20,
      });
    }
    // Only listings a change reached while this batch was out need planning again (markInFlight): the
    // rest were sent their newest values. Read under this transaction's row locks, so a mark is either
    // seen here or made after the batch is settled, when its maker plans the listing itself.
    const changed = ok.filter((v) => {
      const l = current.get(v.item.listingId);
      return l !== undefined && l.replanWanted && l.pendingBatchId === batchId;
    });
    if (changed.length) followUps.push(replanSpec(account.id, batchId, changed.map((v) => v.item.listingId)));
    if (followUps.length) await enqueueMany(trx, followUps);
  });
  const okCount = verdicts.filter((v) => v.kind === 'ok').length;
  await beat(deps, account.id, 'stockOut', `${okCount} of ${items.length} stock/price updates confirmed`);
  deps.wake?.(queueOf(account.id));
}

/**
 * Values that changed while a batch was in flight were not sent then (the listing was marked instead);
 * once the batch is settled those listings are planned again. That is a job queued in the settling
 * transaction, not a step after it: a crash between the two would otherwise lose those changes until the
 * next reconciliation. It runs after the commit, so it reads the products as they are once the listings
 * are no longer in flight.
 */
export function replanSpec(accountId: number, batchId: number, listingIds: number[]): JobSpec {
  return { queue: queueOf(accountId), type: JOB.stockPriceReplan, payload: { listingIds }, dedupeKey: `replan:${batchId}`, priority: PRIORITY.poll, maxAttempts: 20 };
}

/** Queues a stock/price push for each of these listings whose values differ from what was last confirmed. */
export async function replanListings(deps: EngineDeps, accountId: number, listingIds: number[]): Promise<void> {
  if (listingIds.length === 0) return;
  const account = await deps.accounts.get(accountId);
  if (!account) return;
  const fresh = await listingsByIds(deps.knex, listingIds);
  const ctx = await deps.desired.prepare(account, fresh);
  const specs = planDifferences(account, fresh, ctx, deps.desired);
  if (specs.length) await enqueueMany(deps.knex, specs);
  deps.wake?.(queueOf(accountId));
}
