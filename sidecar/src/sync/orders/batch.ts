import type { Knex } from 'knex';
import { addOrderHistories, createOrders, type CreateOrderInput, type WriteHooks } from '../../db/opencart';
import { fromUnits } from '../../db/opencart/money';
import { caseOf } from '../../db/opencart/sql';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import type { MarketplaceOrder, OrderLine } from '../../marketplaces/types';
import { queueAcks } from '../status-out/ack';
import { desiredLines, groupStatus, kindOf, type DesiredLine } from './build';
import { buildCreateInput, type AccountRef } from './create';
import { LineMatcher, type MatchedLine } from './match';
import { conversionFor, type Conversion } from './money';
import { withNewGroupLeases } from './lease';
import { headerOf, statusComment, type ImportOutcome, type OrderEnv } from './process';
import { DEFAULT_STATUS_MAP, loadOrderSettings, mapStatus } from './settings';
import { GROUPS, insertLines, PACKAGES, type LineRow, type PackageRow } from './store';
import { orderProblem } from './check';

/**
 * Orders in, a poll page at a time: the common case — a marketplace order seen for the first time, every
 * package live, every line matched — for a whole page in a few dozen statements instead of ~80 per order.
 * It takes the same steps as process.ts's single path and leaves the same rows at each of them, so the
 * single path can pick up anywhere this stops:
 *   1. lease the page's new groups (one UPDATE) — concurrent webhooks or other processes wait or skip;
 *   2. store the packages and mark each order's claim token (`mco-claim-<package id>`) before OpenCart
 *      is touched, so a retry after a crash replays the same creation instead of making a second order;
 *   3. create the OpenCart orders through the data layer's batch (journaled per order, data layer
 *      order-batch.ts), record their lines and set each group's pending status (revision + 1);
 *   4. apply the statuses (stock taken) through the batch history write, whose tokens are the single
 *      path's `mco-g<group>-r<revision>`, then the bookkeeping in one transaction.
 * Anything else — a known order, a cancel, an awaiting payment, an unmatched line, a write the data layer
 * refused, or an error — is returned in `rest` for the single path, which holds or replays it.
 */

/** Below this, the single path is as quick. */
const MIN_BATCH = 2;

export interface BatchImport {
  outcomes: ImportOutcome[];
  rest: MarketplaceOrder[];
}

interface Work {
  order: MarketplaceOrder;
  groupId: number;
  revision: number;
  packages: PackageRow[];
  desired: DesiredLine[];
  conv: Conversion;
  target: number;
  token?: string;
  orderId?: number;
}

/** `hooks` is the test seam of the data layer (order-journal.ts): a hook that throws is a crash at that step. */
export async function importBatch(env: OrderEnv, account: AccountRef, orders: readonly MarketplaceOrder[], hooks?: WriteHooks): Promise<BatchImport> {
  const knex = env.ctx.knex;
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.orderId, (counts.get(o.orderId) ?? 0) + 1);
  const candidates = orders.filter(
    (o) =>
      counts.get(o.orderId) === 1 &&
      orderProblem(o) === null &&
      o.packages.length > 0 &&
      new Set(o.packages.map((p) => p.packageId)).size === o.packages.length &&
      o.packages.every((p) => kindOf(p.status) === 'live'),
  );
  if (candidates.length < MIN_BATCH) return { outcomes: [], rest: [...orders] };

  const ids = candidates.map((o) => o.orderId);
  await rawWrite(knex, `INSERT IGNORE INTO ${GROUPS} (marketplace_id, remote_order_id) VALUES ${ids.map(() => '(?, ?)').join(', ')}`, ids.flatMap((id) => [account.id, id]));
  const outcomes = await withNewGroupLeases(knex, account.id, ids, (groups, lease) => importLeased(env, account, candidates, groups, lease, hooks));
  const done = new Set(outcomes.map((o) => o.remoteOrderId));
  return { outcomes, rest: orders.filter((o) => !done.has(o.orderId)) };
}

async function importLeased(
  env: OrderEnv,
  account: AccountRef,
  candidates: MarketplaceOrder[],
  groups: Array<{ id: number; remoteOrderId: string; revision: number }>,
  lease: string,
  hooks?: WriteHooks,
): Promise<ImportOutcome[]> {
  const step = async (name: string) => hooks?.afterStep?.(name);
  const prefixed = (prefix: string): WriteHooks => ({ afterStep: (name) => step(`${prefix}:${name}`) });
  const { ctx } = env;
  const knex = ctx.knex;
  if (groups.length < MIN_BATCH) return [];
  // Packages stored already mean an earlier attempt or another delivery: the single path knows how to go on.
  const stored = new Set(
    (
      await rawRows<{ remote_order_id: string }>(
        knex,
        `SELECT DISTINCT remote_order_id FROM ${PACKAGES} WHERE marketplace_id = ? AND remote_order_id IN (${placeholders(groups.length)})`,
        [account.id, ...groups.map((g) => g.remoteOrderId)],
      )
    ).map((r) => r.remote_order_id),
  );
  const groupOf = new Map(groups.filter((g) => !stored.has(g.remoteOrderId)).map((g) => [g.remoteOrderId, g]));
  const fresh = candidates.filter((o) => groupOf.has(o.orderId));
  if (fresh.length < MIN_BATCH) return [];

  const settings = await loadOrderSettings(knex, account.id);
  const matcher = new LineMatcher(ctx, account.id);
  await matcher.prefetch(fresh.flatMap((o) => o.packages.flatMap((p) => p.lines)));
  const conversions = new Map<string, Conversion | null>();
  const work: Work[] = [];
  for (const order of fresh) {
    const group = groupOf.get(order.orderId)!;
    const packages = order.packages.map((p): PackageRow => ({
      id: 0,
      marketplaceId: account.id,
      remoteOrderId: order.orderId,
      remotePackageId: p.packageId,
      state: 'claimed',
      claimToken: null,
      ocOrderId: null,
      remoteStatus: p.rawStatus,
      holdReason: null,
      stored: { header: headerOf(order), package: p },
    }));
    const matched = new Map<OrderLine, MatchedLine>();
    let ok = true;
    for (const line of packages.flatMap((p) => p.stored.package.lines)) {
      const r = await matcher.match(line);
      if (r.ok) matched.set(line, r.line);
      else ok = false;
    }
    const currency = order.totals.currency;
    if (!conversions.has(currency)) conversions.set(currency, await conversionFor(ctx, currency).catch(() => null));
    const conv = conversions.get(currency);
    if (!ok || !conv) continue; // held by the single path, with its reasons
    const desired = desiredLines(packages, (_p, l) => matched.get(l)!, conv, settings);
    if (desired.length === 0) continue;
    const gs = groupStatus(packages);
    const target = (gs ? mapStatus(settings, gs.status, gs.rawStatus) : null) ?? mapStatus(settings, 'created') ?? DEFAULT_STATUS_MAP.created;
    if (target === null) continue;
    work.push({ order, groupId: group.id, revision: Number(group.revision), packages, desired, conv, target });
  }
  if (work.length < MIN_BATCH) return [];

  await storePackages(knex, account.id, work);
  await step('packages');
  const inputs: CreateOrderInput[] = [];
  for (const w of work) inputs.push(await buildCreateInput(ctx, account, settings, headerOf(w.order), w.packages, w.desired, w.conv, w.token!));
  const created = await createOrders(ctx, inputs, { hooks: prefixed('create') });
  if (created.refused.length) env.logger.warn({ accountId: account.id, refused: created.refused }, 'batch order creation refused some orders; they go the single way');
  const byToken = new Map(created.created.map((c) => [c.token, c]));
  let made = work.filter((w) => byToken.has(w.token!));
  if (made.length === 0) return [];
  await step('created');

  // Lines as written and the pending status, together: from here a retry replays the status change.
  await knex.transaction(async (trx) => {
    // Only groups this batch still holds: a stalled batch's lease expires, and a worker that took a group
    // over (reusing the creation token, so the same OpenCart order) finishes it; writing the group here
    // as well would set its status pending again. Locked first, as the UPDATE below would (see there).
    const kept = await heldGroups(trx, made, lease);
    made = made.filter((w) => kept.has(w.groupId));
    if (made.length === 0) return;
    const lines = made.flatMap((w) => {
      const c = byToken.get(w.token!)!;
      w.orderId = c.orderId;
      return writtenLines(w, c.orderProductIds);
    });
    // The group rows first: the lines' foreign key would take a shared lock on them, and upgrading it
    // later deadlocks with another worker's lease UPDATE queued in between.
    const [orderSql, orderBindings] = caseOf('id', made.map((w) => [w.groupId, w.orderId]));
    const [statusSql, statusBindings] = caseOf('id', made.map((w) => [w.groupId, w.target]));
    await rawWrite(
      trx,
      `UPDATE ${GROUPS} SET oc_order_id = ${orderSql}, pending_status_id = ${statusSql}, revision = revision + 1, state = 'imported', updated_at = UTC_TIMESTAMP(3)
        WHERE id IN (${placeholders(made.length)})`,
      [...orderBindings, ...statusBindings, ...made.map((w) => w.groupId)],
    );
    await insertLines(trx, lines);
  });
  if (made.length === 0) return [];
  await step('lines');

  const statuses = await addOrderHistories(
    ctx,
    made.map((w) => ({
      orderId: w.orderId!,
      orderStatusId: w.target,
      token: `mco-g${w.groupId}-r${w.revision + 1}`,
      comment: statusComment(account, w.order.orderId, w.packages, groupStatus(w.packages)?.rawStatus),
    })),
    { hooks: prefixed('status') },
  );
  if (statuses.refused.length) env.logger.warn({ accountId: account.id, refused: statuses.refused }, 'batch status change refused some orders; they go the single way');
  const appliedOrders = new Set(statuses.applied.map((a) => a.orderId));
  let finished = made.filter((w) => appliedOrders.has(w.orderId!));
  if (finished.length === 0) return [];
  await step('statuses');

  await knex.transaction(async (trx) => {
    // Again only groups still held: a worker that took one over meanwhile replays the status (same token)
    // and keeps the group's bookkeeping; `oc_status_id = pending_status_id` here would undo it.
    const kept = await heldGroups(trx, finished, lease);
    finished = finished.filter((w) => kept.has(w.groupId));
    if (finished.length === 0) return;
    const [statusSql, statusBindings] = caseOf('id', finished.map((w) => [w.groupId, groupStatus(w.packages)?.status ?? null]));
    await rawWrite(
      trx,
      `UPDATE ${GROUPS} SET oc_status_id = pending_status_id, pending_status_id = NULL, status = ${statusSql}, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${placeholders(finished.length)})`,
      [...statusBindings, ...finished.map((w) => w.groupId)],
    );
    const packages = finished.flatMap((w) => w.packages.map((p) => [p.id, w.orderId!] as const));
    const [orderSql, orderBindings] = caseOf('id', packages);
    await rawWrite(
      trx,
      `UPDATE ${PACKAGES} SET state = 'imported', oc_order_id = ${orderSql}, hold_reason = NULL, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${placeholders(packages.length)})`,
      [...orderBindings, ...packages.map(([id]) => id)],
    );
    // With the packages marked imported, as the single path does (status-out/ack.ts).
    await queueAcks(trx, settings, account, finished.map((w) => ({ groupId: w.groupId, ocOrderId: w.orderId!, packages: w.packages })));
  });
  if (finished.length === 0) return [];
  env.logger.info({ accountId: account.id, orders: finished.length }, 'marketplace orders imported as a batch');
  return finished.map((w) => ({ groupId: w.groupId, remoteOrderId: w.order.orderId, state: 'imported', ocOrderId: w.orderId!, created: true, heldReasons: [] }));
}

/** The groups of `work` this batch's lease still holds, row-locked until the caller's transaction ends. */
async function heldGroups(trx: Knex.Transaction, work: readonly Work[], lease: string): Promise<Set<number>> {
  const held = await rawRows<{ id: number }>(trx, `SELECT id FROM ${GROUPS} WHERE id IN (${placeholders(work.length)}) AND locked_by = ? FOR UPDATE`, [...work.map((w) => w.groupId), lease]);
  return new Set(held.map((r) => Number(r.id)));
}

/** Stores the packages (claimed) and marks each order's claim token on its first package, in one transaction. */
async function storePackages(knex: Knex, accountId: number, work: Work[]): Promise<void> {
  await knex.transaction(async (trx) => {
    const rows = work.flatMap((w) => w.packages);
    await rawWrite(
      trx,
      `INSERT INTO ${PACKAGES} (marketplace_id, remote_order_id, remote_package_id, state, claimed_at, remote_status, raw)
       VALUES ${rows.map(() => "(?, ?, ?, 'claimed', UTC_TIMESTAMP(3), ?, ?)").join(', ')}
       ON DUPLICATE KEY UPDATE id = id`,
      rows.flatMap((p) => [accountId, p.remoteOrderId, p.remotePackageId, p.remoteStatus, JSON.stringify(p.stored)]),
    );
    const stored = await rawRows<{ id: number; remote_order_id: string; remote_package_id: string }>(
      trx,
      `SELECT id, remote_order_id, remote_package_id FROM ${PACKAGES} WHERE marketplace_id = ? AND remote_order_id IN (${placeholders(work.length)})`,
      [accountId, ...work.map((w) => w.order.orderId)],
    );
    const idOf = new Map(stored.map((r) => [`${r.remote_order_id}|${r.remote_package_id}`, Number(r.id)]));
    for (const w of work) {
      for (const p of w.packages) p.id = idOf.get(`${p.remoteOrderId}|${p.remotePackageId}`)!;
      const claim = w.packages[0]!;
      w.token = `mco-claim-${claim.id}`;
      claim.claimToken = w.token;
      claim.state = 'writing';
    }
    const claims = work.map((w) => w.packages[0]!.id);
    await rawWrite(trx, `UPDATE ${PACKAGES} SET state = 'writing', claim_token = CONCAT('mco-claim-', id) WHERE id IN (${placeholders(claims.length)})`, claims);
  });
}

/** The sidecar's record of the lines as written: the desired lines with the order_product ids they got. */
function writtenLines(w: Work, orderProductIds: number[]): Array<Omit<LineRow, 'id'>> {
  return w.desired.map((d, i) => ({
    groupId: w.groupId,
    ocOrderId: w.orderId!,
    ocOrderProductId: orderProductIds[i]!,
    productId: d.productId,
    variantKey: d.variantKey,
    options: d.options,
    barcode: d.barcode,
    sku: d.sku,
    quantityOrdered: d.quantity,
    quantity: d.quantity,
    unitPrice: fromUnits(d.unitPrice),
    unitTax: fromUnits(d.unitTax),
    taxRate: String(d.taxRate),
    taxTitle: d.taxTitle,
  }));
}

