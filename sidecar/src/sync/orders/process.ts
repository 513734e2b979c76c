import { addOrderHistory, type OcContext } from '../../db/opencart';
import { rawRows } from '../../db/raw';
import { toUnits } from '../../db/opencart/money';
import type { MarketplaceOrder, OrderLine } from '../../marketplaces/types';
import type { Logger } from '../../util/logger';
import { reservePackage, settlePackage, type ReservationTarget } from '../reservations';
import { queueAcks } from '../status-out/ack';
import { applyAdjustment, pendingAdjustments, planAdjustment } from './adjust';
import { desiredLines, groupStatus, kindOf, type DesiredLine } from './build';
import { createStoreOrder, orderComment, type AccountRef } from './create';
import { LineMatcher, type MatchedLine } from './match';
import { keptPart, returnedUnits } from './returns';
import { withGroupLease } from './lease';
import { conversionFor, CurrencyMissingError, type Conversion } from './money';
import { DEFAULT_STATUS_MAP, labelOf, loadOrderSettings, mapStatus } from './settings';
import {
  ensureGroup,
  groupById,
  packagesOf,
  setPackages,
  updateGroup,
  upsertPackage,
  type GroupRow,
  type OrderHeader,
  type PackageRow,
} from './store';
import { assertImportable, orderProblem } from './check';

/**
 * Orders in: one marketplace order (any subset of its packages, from a poll page or a webhook) → the
 * shop. Decisions, documented once here:
 *
 * - ONE OpenCart order per marketplace order number. Trendyol splits packages (a partial cancel voids the
 *   package and re-issues the remaining lines under a new package id, same order number). Each package is
 *   claimed under the unique key of meschain_orders, but all packages of a number feed the same OpenCart
 *   order, whose lines are the sum of the live packages' units. A partial cancel therefore lowers the
 *   cancelled lines' quantities and restocks exactly those units (adjust.ts); a full cancel or return
 *   changes the order status to the mapped one, and OpenCart's rule restocks what the order still holds.
 * - Everything for one order number runs under a lease on its group row (lease.ts), so repeated and
 *   concurrent deliveries (webhook + poll, three copies of a webhook, several sidecar processes)
 *   serialise and find the work done.
 * - Awaiting (payment not confirmed) packages only reserve stock (reservations/), converted when the
 *   package is confirmed and the OpenCart order has taken the stock, released when it is cancelled.
 * - A line that cannot be matched, or an order in a currency the shop does not have, HOLDS the package
 *   (state 'held' with the reason, listed by /api/orders/held) — nothing is imported half, nothing is
 *   dropped; retry re-runs this with the stored packages.
 * - The stored packages pass the order check (check.ts) again before every run: an order held because
 *   it failed the check stays held, with the latest reason, until a corrected copy replaces it.
 */

export interface OrderEnv {
  ctx: OcContext;
  logger: Logger;
  /** Whole order with all its packages (adapter.fetchOrder), to see re-issued packages after a cancel. */
  fetchOrder?: (orderId: string) => Promise<MarketplaceOrder | null>;
  /** Reads the marketplace's returns now (a package reported returned may be returned in part). */
  syncReturns?: (currentOrderId: string) => Promise<void>;
  /** How long to wait for another worker's lease on the order (default: withGroupLease's 90 s); a caller answering a person waits less. */
  leaseWaitMs?: number;
}

export interface ImportOutcome {
  groupId: number;
  remoteOrderId: string;
  state: GroupRow['state'];
  ocOrderId: number | null;
  created: boolean;
  heldReasons: string[];
}


export function headerOf(order: MarketplaceOrder): OrderHeader {
  const { packages: _packages, complete: _complete, ...header } = order;
  return header;
}

export async function importOrder(env: OrderEnv, account: AccountRef, order: MarketplaceOrder): Promise<ImportOutcome> {
  const { knex } = env.ctx;
  assertImportable(order);
  // Which units came back is in the returns, not in the package: read them before deciding (no lock held yet).
  if (env.syncReturns && order.packages.some((p) => kindOf(p.status) === 'returned')) {
    await env.syncReturns(order.orderId).catch((err: unknown) => env.logger.warn({ err, orderId: order.orderId }, 'could not read returns; a returned package counts as returned whole'));
  }
  const group = await ensureGroup(knex, account.id, order.orderId);
  return withGroupLease(knex, group.id, async () => {
    const header = headerOf(order);
    for (const p of order.packages) await upsertPackage(knex, account.id, header, p);
    // A cancel or return in a partial view: fetch the whole order, so packages Trendyol re-issued for the
    // remaining lines are seen in the same pass and those lines never bounce (restock, then re-take).
    if (!order.complete && env.fetchOrder && order.packages.some((p) => kindOf(p.status) === 'cancelled' || kindOf(p.status) === 'returned')) {
      try {
        const full = await env.fetchOrder(order.orderId);
        if (full) assertImportable(full);
        if (full) for (const p of full.packages) await upsertPackage(knex, account.id, headerOf(full), p);
      } catch (err) {
        env.logger.warn({ err, orderId: order.orderId }, 'could not fetch the whole order after a cancellation; going on with the packages at hand');
      }
    }
    return reconcile(env, account, group.id);
  }, env.leaseWaitMs);
}

/** Re-runs an order number from its stored packages (held-order retry, recovery, returns); held while they fail the check. */
export async function reprocessGroup(env: OrderEnv, account: AccountRef, groupId: number): Promise<ImportOutcome> {
  const group = await groupById(env.ctx.knex, groupId);
  if (!group) throw new Error(`order group ${groupId} does not exist`);
  return withGroupLease(env.ctx.knex, groupId, () => reconcile(env, account, groupId), env.leaseWaitMs);
}

/** Keeps an order number held with `reason` (the marketplace's copy fails the check); the store is not touched. */
export async function holdGroup(env: OrderEnv, account: AccountRef, groupId: number, reason: string): Promise<ImportOutcome> {
  const { knex } = env.ctx;
  return withGroupLease(knex, groupId, async () => {
    const group = (await groupById(knex, groupId))!;
    return keepHeld(env, account, group, await packagesOf(knex, account.id, group.remoteOrderId), reason);
  }, env.leaseWaitMs);
}

/** Holds every package not yet part of an OpenCart order, with the reason, and the group, in one commit (a check that fails, an import that failed). */
export async function keepHeld(env: OrderEnv, account: AccountRef, group: GroupRow, packages: readonly PackageRow[], reason: string): Promise<ImportOutcome> {
  const ids = packages.filter((p) => p.state !== 'imported').map((p) => p.id);
  await env.ctx.knex.transaction(async (trx) => {
    await setPackages(trx, ids, { state: 'held', hold_reason: reason.slice(0, 4000) });
    if (ids.length) await updateGroup(trx, group.id, { state: 'held' });
  });
  env.logger.warn({ accountId: account.id, orderId: group.remoteOrderId, reason }, 'marketplace order held');
  return { groupId: group.id, remoteOrderId: group.remoteOrderId, state: ids.length ? 'held' : group.state, ocOrderId: group.ocOrderId, created: false, heldReasons: [reason] };
}

function latestHeader(packages: readonly PackageRow[]): OrderHeader {
  return packages.reduce((a, b) => (b.stored.package.updatedAt > a.stored.package.updatedAt ? b : a)).stored.header;
}

/** The order as its stored packages describe it, for the check a delivered order gets. */
function storedOrder(packages: readonly PackageRow[]): MarketplaceOrder {
  return { ...latestHeader(packages), packages: packages.map((p) => p.stored.package), complete: false };
}

const lineRef = (p: PackageRow, l: OrderLine) => `${p.remotePackageId}|${l.lineId}`;

async function reconcile(env: OrderEnv, account: AccountRef, groupId: number): Promise<ImportOutcome> {
  const { ctx } = env;
  const knex = ctx.knex;
  const settings = await loadOrderSettings(knex, account.id);
  for (const id of await pendingAdjustments(knex, groupId)) await applyAdjustment(ctx, id);
  let group = (await groupById(knex, groupId))!;
  const packages = await packagesOf(knex, account.id, group.remoteOrderId);
  // What is stored need not have passed the check (holdFailed keeps a refused order's packages): the
  // data layer would refuse it mid-write, so a re-run keeps it held with the reason instead.
  const problem = orderProblem(storedOrder(packages));
  if (problem) return keepHeld(env, account, group, packages, problem);
  const header = latestHeader(packages);
  const live = packages.filter((p) => kindOf(p.stored.package.status) === 'live');
  const awaiting = packages.filter((p) => kindOf(p.stored.package.status) === 'awaiting');
  const ended = packages.filter((p) => !live.includes(p) && !awaiting.includes(p));
  // Units the buyer kept from a package returned in part are still sold.
  const returnedPackages = ended.filter((p) => kindOf(p.stored.package.status) === 'returned');
  const returned = returnedPackages.length ? await returnedUnits(knex, account.id, group.remoteOrderId) : null;
  const kept = returned ? returnedPackages.map((p) => keptPart(p, returned)).filter((p): p is PackageRow => p !== null) : [];
  const sold = [...live, ...kept];
  const effective = packages.map((p) => kept.find((k) => k.id === p.id) ?? p);

  // Match every line that sells or reserves units; collect every reason before deciding.
  const matcher = new LineMatcher(ctx, account.id);
  const matched = new Map<string, MatchedLine>();
  const held = new Map<number, string[]>();
  for (const p of [...sold, ...awaiting]) {
    for (const line of p.stored.package.lines) {
      const r = await matcher.match(line);
      if (r.ok) matched.set(lineRef(p, line), r.line);
      else held.set(p.id, [...(held.get(p.id) ?? []), r.reason]);
    }
  }
  let conv: Conversion | undefined;
  try {
    conv = await conversionFor(ctx, header.totals.currency);
  } catch (err) {
    if (!(err instanceof CurrencyMissingError)) throw err;
    for (const p of [...sold, ...awaiting]) held.set(p.id, [...(held.get(p.id) ?? []), err.message]);
  }
  if (held.size > 0 || !conv) {
    for (const [id, reasons] of held) await setPackages(knex, [id], { state: 'held', hold_reason: reasons.join('\n') });
    await updateGroup(knex, groupId, { state: 'held' });
    env.logger.warn({ accountId: account.id, orderId: group.remoteOrderId, reasons: [...held.values()].flat() }, 'marketplace order held: not imported');
    return { groupId, remoteOrderId: group.remoteOrderId, state: 'held', ocOrderId: group.ocOrderId, created: false, heldReasons: [...held.values()].flat() };
  }

  const matchOf = (p: PackageRow, l: OrderLine) => matched.get(lineRef(p, l))!;
  for (const p of awaiting) {
    await reservePackage(knex, {
      marketplaceId: account.id,
      remoteOrderId: group.remoteOrderId,
      remotePackageId: p.remotePackageId,
      targets: reservationTargets(desiredLines([p], matchOf, conv, settings)),
    });
  }

  let created = false;
  if (sold.length > 0) {
    const lines = desiredLines(sold, matchOf, conv, settings);
    if (group.ocOrderId === null) {
      await createStoreOrder(ctx, account, settings, group, packages, sold, lines, conv, header);
      created = true;
      group = (await groupById(knex, groupId))!;
    }
    const shipping = await currentShipping(ctx, group.ocOrderId!);
    const adjustment = await planAdjustment(ctx, groupId, group.ocOrderId!, lines, { shipping, comment: changeComment(account, group.remoteOrderId, packages) });
    if (adjustment !== null) await applyAdjustment(ctx, adjustment);
  }

  if (group.ocOrderId !== null) {
    const gs = groupStatus(effective);
    let target = gs ? mapStatus(settings, gs.status, gs.rawStatus) : null;
    // A new order must leave status 0 ("missing order"): OpenCart would not list it.
    if (target === null && group.ocStatusId === null) target = mapStatus(settings, 'created') ?? DEFAULT_STATUS_MAP.created;
    await applyStatus(env, account, group, target, gs?.status ?? null, statusComment(account, group.remoteOrderId, packages, gs?.rawStatus));
  }

  // Reservations end only now: a confirmed package's units are already taken by the OpenCart order.
  // Only packages that ever reserved can have rows (they were 'reserved', possibly 'held' since).
  const mayHoldReservation = (p: PackageRow) => p.state === 'reserved' || p.state === 'held';
  for (const p of live) if (group.ocOrderId !== null && mayHoldReservation(p)) await settlePackage(knex, account.id, p.remotePackageId, 'converted');
  for (const p of ended) if (mayHoldReservation(p)) await settlePackage(knex, account.id, p.remotePackageId, 'released');

  group = (await groupById(knex, groupId))!;
  const orderId = group.ocOrderId;
  const state: GroupRow['state'] = orderId !== null ? 'imported' : awaiting.length ? 'reserved' : 'cancelled';
  // Bookkeeping only (every store write is done): one commit instead of four. A package becoming part of
  // the imported order gets its ack queued in the same commit (status-out/ack.ts), so none is lost or doubled.
  await knex.transaction(async (trx) => {
    await setPackages(trx, live.map((p) => p.id), { state: orderId !== null ? 'imported' : 'claimed', oc_order_id: orderId, hold_reason: null });
    await setPackages(trx, awaiting.map((p) => p.id), { state: 'reserved', hold_reason: null });
    await setPackages(trx, ended.map((p) => p.id), { state: 'cancelled', oc_order_id: orderId, hold_reason: null });
    await updateGroup(trx, groupId, { state });
    if (orderId !== null) await queueAcks(trx, settings, account, [{ groupId, ocOrderId: orderId, packages: live.filter((p) => p.state !== 'imported') }]);
  });
  return { groupId, remoteOrderId: group.remoteOrderId, state, ocOrderId: orderId, created, heldReasons: [] };
}

function reservationTargets(lines: readonly DesiredLine[]): ReservationTarget[] {
  const acc = new Map<string, ReservationTarget>();
  const add = (productId: number, productOptionValueId: number, quantity: number) => {
    const key = `${productId}|${productOptionValueId}`;
    const t = acc.get(key) ?? { productId, productOptionValueId, quantity: 0 };
    t.quantity += quantity;
    acc.set(key, t);
  };
  for (const l of lines) {
    add(l.productId, 0, l.quantity);
    for (const o of l.options) add(l.productId, o.productOptionValueId, l.quantity);
  }
  return [...acc.values()];
}

async function currentShipping(ctx: OcContext, orderId: number): Promise<bigint> {
  const [row] = await rawRows<{ value: string }>(ctx.knex, `SELECT value FROM \`${ctx.table('order_total')}\` WHERE order_id = ? AND code = 'shipping' LIMIT 1`, [orderId]);
  return row ? toUnits(row.value) : 0n;
}

function describePackages(packages: readonly PackageRow[]): string {
  return packages.map((p) => `${p.remotePackageId} ${p.stored.package.rawStatus}`).join(', ');
}

function changeComment(account: AccountRef, orderId: string, packages: readonly PackageRow[]): string {
  return `${labelOf(account.code)} ${orderId} (${describePackages(packages)}) satırlar değişti / lines changed`;
}

export function statusComment(account: AccountRef, orderId: string, packages: readonly PackageRow[], rawStatus: string | undefined): string {
  const tracking = packages
    .map((p) => p.stored.package)
    .filter((p) => p.trackingNumber)
    .map((p) => `${p.carrier ? `${p.carrier} ` : ''}${p.trackingNumber}`);
  return `${labelOf(account.code)} ${orderId}: ${rawStatus ?? '-'}${tracking.length ? ` (takip / tracking: ${tracking.join(', ')})` : ''}`;
}

/**
 * Gives the OpenCart order the mapped status when it differs from the one the sidecar last gave it (a
 * status the store set by hand is left alone until the marketplace status changes). The token is
 * written with the target before the call, so a crash between the history row and the bookkeeping
 * replays instead of adding a second row.
 */
async function applyStatus(env: OrderEnv, account: AccountRef, group: GroupRow, target: number | null, status: string | null, comment: string): Promise<void> {
  const { ctx } = env;
  const orderId = group.ocOrderId!;
  let current = group;
  // Tokens of this group's status writes share the prefix: a worker that took over the group's lease from
  // another (a stalled batch, say) may find the status already given and must not add it again.
  const skipRepeatOf = `mco-g${current.id}-`;
  if (current.pendingStatusId !== null) {
    await addOrderHistory(ctx, orderId, current.pendingStatusId, { comment, token: `${skipRepeatOf}r${current.revision}`, skipRepeatOf });
    await updateGroup(ctx.knex, current.id, { oc_status_id: current.pendingStatusId, pending_status_id: null });
    current = (await groupById(ctx.knex, current.id))!;
  }
  if (target === null || target === current.ocStatusId) {
    if (status !== null && status !== current.status) await updateGroup(ctx.knex, current.id, { status });
    return;
  }
  // The store (or an earlier pass) already put the order there: note it, add no second history row.
  const order = (await ctx.knex(ctx.table('order')).first('order_status_id').where('order_id', orderId)) as { order_status_id: number } | undefined;
  if (order?.order_status_id === target) {
    await updateGroup(ctx.knex, current.id, { oc_status_id: target, status });
    return;
  }
  const revision = current.revision + 1;
  await updateGroup(ctx.knex, current.id, { revision, pending_status_id: target });
  const result = await addOrderHistory(ctx, orderId, target, { comment, token: `${skipRepeatOf}r${revision}`, skipRepeatOf });
  await updateGroup(ctx.knex, current.id, { oc_status_id: target, pending_status_id: null, status });
  const what = result.replayed ? 'marketplace order status was already applied' : 'marketplace order status applied';
  env.logger.info({ accountId: account.id, orderId: group.remoteOrderId, ocOrderId: orderId, statusId: target, stock: result.stock }, what);
}

export { orderComment };
