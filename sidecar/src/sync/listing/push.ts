import { rawRows, rawWrite } from '../../db/raw';
import type { AsyncHandle, ItemResult, ListingItem } from '../../marketplaces/contract';
import { enqueueMany } from '../queue/enqueue';
import { inTransaction } from '../queue/sql';
import type { JobSpec } from '../queue/types';
import { DEFAULT_SAFETY_RULE } from '../rules/schema';
import type { AccountView } from '../accounts/store';
import type { BatchOutcome } from '../stock-price/batcher';
import { itemRetryDelayMs, JOB, MAX_ITEM_RETRIES, queueOf, type EngineDeps } from '../stock-price/deps';
import { inFlight, listingsByIds } from '../stock-price/listings';
import { pollBatch, pollSpec, replanSpec } from '../stock-price/push';
import { failureReasons } from '../stock-price/reasons';
import { bulkUpdateListings } from '../stock-price/sql';
import { buildListing, loadProductAttributes, mappedCategory } from './build';
import { listingSpec } from './service';

/**
 * Listing create/update: build and pre-validate each listing (a listing missing a required attribute is
 * 'blocked' with the attribute named, and not sent), send creates and content updates in batches, and
 * record per-item outcomes when the marketplace has processed them (through a poll job when async).
 */

interface SentListing {
  listingId: number;
  mode: 'create' | 'update';
  hash: string;
  groupId: string;
  remoteCategoryId: string;
  quantity: number;
  price: string;
  listPrice: string;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export async function flushListings(deps: EngineDeps, accountId: number, listingIds: number[]): Promise<BatchOutcome> {
  const none: BatchOutcome = { errors: new Map() };
  const account = await deps.accounts.get(accountId);
  if (!account || !account.enabled || !account.flows.listing) return none;
  const adapter = await deps.adapters.get(accountId);
  const listings = (await listingsByIds(deps.knex, listingIds)).filter((l) => l.state !== 'quarantined' && !inFlight(l, account.settings.sync.push.staleAfterMs, true));
  if (listings.length === 0) return none;
  const ctx = await deps.desired.prepare(account, listings, undefined, true);
  const mappings = await deps.mappings.load(accountId);
  const attributes = await loadProductAttributes(deps.oc, listings.map((l) => l.productId));
  const categoryAttributes = new Map<string, Awaited<ReturnType<typeof deps.mappings.categoryAttributes>> | null>();
  const blocked: Array<{ id: number; err: string; keep: number }> = [];
  const toSend: Array<{ sent: SentListing; item: ListingItem }> = [];
  for (const l of listings) {
    const product = ctx.products.get(l.productId);
    const variant = l.variantId === null ? undefined : ctx.variants.get(l.variantId);
    if (!product || !variant) {
      blocked.push({ id: l.id, err: !product ? 'the product no longer exists in OpenCart' : 'the variant no longer exists', keep: l.state === 'active' ? 1 : 0 });
      continue;
    }
    const desired = deps.desired.compute(ctx, l);
    if (!desired.price) {
      blocked.push({ id: l.id, err: `no price: ${desired.priceError ?? 'unknown'}`, keep: l.state === 'active' ? 1 : 0 });
      continue;
    }
    // The marketplace category decides which attributes are required: fetch (cached) once per category.
    const remoteCategoryId = mappedCategory(product, mappings)?.remoteCategoryId ?? null;
    let attrs: Awaited<ReturnType<typeof deps.mappings.categoryAttributes>> | null = null;
    if (remoteCategoryId) {
      if (!categoryAttributes.has(remoteCategoryId)) categoryAttributes.set(remoteCategoryId, await deps.mappings.categoryAttributes(accountId, remoteCategoryId, adapter));
      attrs = categoryAttributes.get(remoteCategoryId) ?? null;
    }
    const built = buildListing({
      product,
      variant,
      settings: account.settings.sync,
      mappings,
      categoryAttributes: attrs,
      productAttributes: attributes.get(product.productId) ?? new Map(),
      capabilities: adapter.capabilities,
      taxRates: ctx.taxRates,
      storeUrl: deps.oc.storeUrl,
      quantity: desired.quantity,
      price: desired.price.salePrice,
      listPrice: desired.price.listPrice,
      currency: desired.rules.price.currency ?? account.settings.sync.currency,
      ref: String(l.id),
    });
    if (!built.ok) {
      blocked.push({ id: l.id, err: built.problems.join('; ').slice(0, 4000), keep: l.state === 'active' ? 1 : 0 });
      continue;
    }
    const mode = l.state === 'active' ? 'update' : 'create';
    if (mode === 'update' && built.hash === l.listingHash) continue;
    toSend.push({
      item: built.item,
      sent: { listingId: l.id, mode, hash: built.hash, groupId: built.groupId, remoteCategoryId: built.remoteCategoryId, quantity: desired.quantity, price: desired.price.salePrice, listPrice: desired.price.listPrice },
    });
  }
  if (blocked.length) {
    await bulkUpdateListings(deps.knex, blocked, { extra: ['err', 'keep'], fixed: ['l.last_error = v.err', "l.state = IF(v.keep = 1, l.state, 'blocked')"] });
  }
  if (toSend.length === 0) return none;

  const batchId = await inTransaction(deps.knex, async (trx) => {
    const sent = toSend.map((t) => t.sent);
    const res = await rawWrite(trx, "INSERT INTO meschain_push_batches (marketplace_id, kind, state, items, item_count) VALUES (?, 'listing', 'sending', ?, ?)", [accountId, JSON.stringify(sent), sent.length]);
    const id = Number(res.insertId);
    await bulkUpdateListings(
      trx,
      sent.map((s) => ({ id: s.listingId, pending_batch_id: id, mk: s.mode === 'create' ? 1 : 0 })),
      { set: ['pending_batch_id'], extra: ['mk'], fixed: ['l.pending_at = UTC_TIMESTAMP(3)', "l.state = IF(v.mk = 1, 'submitted', l.state)"] },
    );
    return id;
  });
  const results: ItemResult[] = [];
  const pending: AsyncHandle[] = [];
  try {
    for (const mode of ['create', 'update'] as const) {
      const items = toSend.filter((t) => t.sent.mode === mode).map((t) => t.item);
      if (!items.length) continue;
      const o = await adapter.submitListings(items, mode);
      results.push(...o.results);
      pending.push(...o.pending);
    }
  } catch (err) {
    await inTransaction(deps.knex, async (trx) => {
      await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'failed', error = ?, finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [String((err as Error).message).slice(0, 2000), batchId]);
      await rawWrite(trx, "UPDATE meschain_listings SET state = IF(state = 'submitted', 'pending', state), pending_batch_id = NULL, pending_at = NULL WHERE pending_batch_id = ?", [batchId]);
    });
    throw err;
  }
  const sent = toSend.map((t) => t.sent);
  if (pending.length === 0) await settleListings(deps, account, batchId, sent, results);
  else {
    await inTransaction(deps.knex, async (trx) => {
      await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'submitted', handle = ?, submitted_at = UTC_TIMESTAMP(3) WHERE id = ?", [JSON.stringify({ handles: pending, early: results }), batchId]);
      await enqueueMany(trx, [pollSpec(accountId, JOB.listingPoll, batchId, 500)]);
    });
    deps.wake?.(queueOf(accountId));
  }
  return none;
}

export async function pollListings(deps: EngineDeps, accountId: number, batchId: number): Promise<void> {
  const polled = await pollBatch<SentListing>(deps, accountId, batchId, JOB.listingPoll);
  if (polled) await settleListings(deps, polled.account, batchId, polled.items, polled.results);
}

async function settleListings(deps: EngineDeps, account: AccountView, batchId: number, items: SentListing[], results: ItemResult[]): Promise<void> {
  const byRef = new Map(results.map((r) => [r.ref, r]));
  const rules = await deps.desired.prepare(account, []);
  const quarantineAfter = rules.rules.account.safety?.quarantineAfter ?? DEFAULT_SAFETY_RULE.quarantineAfter;
  const followUps: JobSpec[] = [];
  const okIds: number[] = [];
  await inTransaction(deps.knex, async (trx) => {
    const [batch] = await rawRows<{ state: string }>(trx, 'SELECT state FROM meschain_push_batches WHERE id = ? FOR UPDATE', [batchId]);
    if (!batch || batch.state === 'done') return;
    const current = new Map((await listingsByIds(trx, items.map((i) => i.listingId), true)).map((l) => [l.id, l]));
    const ok: Array<Record<string, unknown> & { id: number }> = [];
    const failed: Array<Record<string, unknown> & { id: number }> = [];
    for (const s of items) {
      const r = byRef.get(String(s.listingId));
      const l = current.get(s.listingId);
      const reasons = r && r.status !== 'success' ? failureReasons(r) : [];
      const success = r && (r.status === 'success' || reasons.every((e) => e.code === 'duplicate_request'));
      // A create refused because the barcode is already there: our own earlier create whose answer was
      // lost (a crash, a dropped connection). The listing exists; its stock and price are then unknown,
      // so they are left unconfirmed and the stock/price flow sends them.
      const exists = !success && r && s.mode === 'create' && reasons.every((e) => e.code === 'conflict');
      if (success || exists) {
        okIds.push(s.listingId);
        ok.push({ id: s.listingId, cr: success && s.mode === 'create' ? 1 : 0, h: s.hash, g: s.groupId, c: s.remoteCategoryId, rid: r.remoteId ?? null, q: s.quantity, p: s.price, lp: s.listPrice });
        continue;
      }
      const message = r ? reasons.map((e) => `${e.message}${e.field ? ` (${e.field})` : ''}`).join('; ') : 'the marketplace returned no result for this item';
      const retryable = !r || reasons.some((e) => e.retryable);
      const rejections = (l?.rejections ?? 0) + (retryable ? 0 : 1);
      const retries = (l?.itemRetries ?? 0) + (retryable ? 1 : 0);
      const quarantine = rejections >= quarantineAfter || retries >= MAX_ITEM_RETRIES;
      if (!quarantine) {
        const hint = Math.max(0, ...reasons.map((e) => e.retryAfterMs ?? 0));
        followUps.push(listingSpec(account.id, s.listingId, new Date(Date.now() + itemRetryDelayMs(retryable ? retries : rejections, hint))));
      }
      failed.push({
        id: s.listingId,
        err: message.slice(0, 4000),
        rej: rejections,
        ret: retries,
        st: quarantine ? 'quarantined' : s.mode === 'create' ? 'failed' : (l?.state ?? 'active'),
        qr: quarantine ? `quarantined after ${rejections >= quarantineAfter ? `${rejections} rejections` : `${retries} failed attempts`} in a row; last: ${message}`.slice(0, 2000) : null,
      });
    }
    const guard = { sql: 'l.pending_batch_id = ?', bindings: [batchId] };
    await bulkUpdateListings(trx, ok, {
      extra: ['cr', 'h', 'g', 'c', 'rid', 'q', 'p', 'lp'],
      guard,
      fixed: [
        "l.state = 'active'",
        'l.listing_hash = v.h',
        'l.group_key = v.g',
        'l.remote_category_id = v.c',
        'l.remote_id = COALESCE(v.rid, l.remote_id)',
        'l.listed_at = IF(v.cr = 1, UTC_TIMESTAMP(3), l.listed_at)',
        // A create carries stock and price: once accepted, they are what the marketplace shows.
        'l.last_pushed_quantity = IF(v.cr = 1, v.q, l.last_pushed_quantity)',
        'l.last_pushed_price = IF(v.cr = 1, v.p, l.last_pushed_price)',
        'l.last_pushed_list_price = IF(v.cr = 1, v.lp, l.last_pushed_list_price)',
        'l.last_pushed_at = IF(v.cr = 1, UTC_TIMESTAMP(3), l.last_pushed_at)',
        'l.rejections = 0',
        'l.item_retries = 0',
        'l.last_error = NULL',
        'l.pending_batch_id = NULL',
        'l.pending_at = NULL',
      ],
    });
    await bulkUpdateListings(trx, failed, {
      extra: ['err', 'rej', 'ret', 'st', 'qr'],
      guard,
      fixed: [
        'l.last_error = v.err',
        'l.rejections = v.rej',
        'l.item_retries = v.ret',
        'l.state = v.st',
        'l.quarantine_reason = COALESCE(v.qr, l.quarantine_reason)',
        'l.quarantined_at = IF(v.qr IS NULL, l.quarantined_at, UTC_TIMESTAMP(3))',
        'l.pending_batch_id = NULL',
        'l.pending_at = NULL',
      ],
    });
    await rawWrite(trx, "UPDATE meschain_push_batches SET state = 'done', failed_count = ?, finished_at = UTC_TIMESTAMP(3) WHERE id = ?", [failed.length, batchId]);
    // Listed (or found already there): stock and price follow through the stock/price flow.
    if (okIds.length) followUps.push(replanSpec(account.id, batchId, okIds));
    if (followUps.length) await enqueueMany(trx, followUps);
  });
  deps.wake?.(queueOf(account.id));
}
