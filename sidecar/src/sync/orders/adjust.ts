import type { Knex } from 'knex';
import {
  addOrderHistory,
  adjustOptionValueQuantity,
  adjustProductQuantity,
  encodeOcText,
  stockHoldingStatuses,
  type OcContext,
} from '../../db/opencart';
import { fromUnits, toUnits } from '../../db/opencart/money';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import { computeTotals, lineKey, SORT, type DesiredLine } from './build';
import { insertLines, linesOf, LINES, type LineRow } from './store';

/**
 * Changes the lines of an OpenCart order the sidecar already wrote, when the marketplace changes the
 * order under the same number: a partial cancel (Trendyol cancels the package and re-issues the rest as a
 * new package), a partial return, or a package that arrives later. OpenCart has no call for this, and its
 * tables are MyISAM, so the change is planned whole in InnoDB first (meschain_order_adjustments) and each
 * step is safe to repeat:
 *   1. stock: only the changed units, only while the order holds stock (status in P), honouring
 *      `subtract` as OpenCart would; each move is exactly-once through the data layer's idempotency key;
 *   2. oc_order_product quantity/total set to the new absolute values (a line cancelled whole stays
 *      with quantity 0, so the store still sees what was ordered), new lines adopted or inserted;
 *   3. oc_order_total and oc_order.total recomputed absolutely;
 *   4. one order-history row saying what changed (same status: no stock effect), token per adjustment;
 *   5. the sidecar's line rows and the adjustment marked done, in one InnoDB transaction.
 * A later full cancel then restocks exactly what the order still holds — nothing is given back twice.
 */

export const ADJUSTMENTS = 'meschain_order_adjustments';

interface StockStep {
  target: 'product' | 'option_value';
  id: number;
  delta: number;
}

interface LineChange {
  lineId: number;
  orderProductId: number;
  productId: number;
  from: number;
  to: number;
  unitPrice: string;
}

interface Addition {
  productId: number;
  variantKey: string;
  options: DesiredLine['options'];
  quantity: number;
  unitPrice: string;
  unitTax: string;
  taxRate: number;
  taxTitle: string;
  barcode: string | null;
  sku: string | null;
}

export interface AdjustPlan {
  orderId: number;
  groupId: number;
  holdsStock: boolean;
  changes: LineChange[];
  additions: Addition[];
  stock: StockStep[];
  totals: { subTotal: string; taxes: Array<{ title: string; value: string }>; total: string };
  comment: string;
}

/** Lines whose sold quantity differs from what the marketplace now says, or that are new. */
export function diffLines(current: readonly LineRow[], desired: readonly DesiredLine[]): { changes: Array<{ line: LineRow; to: number }>; additions: DesiredLine[] } {
  const want = new Map(desired.map((d) => [lineKey(d.productId, d.variantKey), d]));
  const changes: Array<{ line: LineRow; to: number }> = [];
  for (const line of current) {
    const d = want.get(lineKey(line.productId, line.variantKey));
    const to = d?.quantity ?? 0;
    if (to !== line.quantity) changes.push({ line, to });
    want.delete(lineKey(line.productId, line.variantKey));
  }
  return { changes, additions: [...want.values()] };
}

async function subtractFlags(ctx: OcContext, productIds: number[], valueIds: number[]): Promise<{ products: Set<number>; values: Set<number> }> {
  const products = productIds.length
    ? await rawRows<{ id: number }>(ctx.knex, `SELECT product_id AS id FROM \`${ctx.table('product')}\` WHERE subtract = 1 AND product_id IN (${placeholders(productIds.length)})`, productIds)
    : [];
  const values = valueIds.length
    ? await rawRows<{ id: number }>(
        ctx.knex,
        `SELECT product_option_value_id AS id FROM \`${ctx.table('product_option_value')}\` WHERE subtract = 1 AND product_option_value_id IN (${placeholders(valueIds.length)})`,
        valueIds,
      )
    : [];
  return { products: new Set(products.map((r) => r.id)), values: new Set(values.map((r) => r.id)) };
}

/** Journals an adjustment (returns its id), or null when nothing differs. */
export async function planAdjustment(
  ctx: OcContext,
  groupId: number,
  orderId: number,
  desired: readonly DesiredLine[],
  opts: { shipping: bigint; comment: string },
): Promise<number | null> {
  const current = await linesOf(ctx.knex, groupId);
  const { changes, additions } = diffLines(current, desired);
  if (changes.length === 0 && additions.length === 0) return null;
  const order = (await ctx.knex(ctx.table('order')).first('order_status_id').where('order_id', orderId)) as { order_status_id: number } | undefined;
  if (!order) throw new Error(`OpenCart order ${orderId} is gone from ${ctx.table('order')}`);
  const holdsStock = stockHoldingStatuses(ctx).has(order.order_status_id);

  const stock: StockStep[] = [];
  if (holdsStock) {
    const productIds = [...new Set([...changes.map((c) => c.line.productId), ...additions.map((a) => a.productId)])];
    const valueIds = [...new Set([...changes.flatMap((c) => c.line.options), ...additions.flatMap((a) => a.options)].map((o) => o.productOptionValueId))];
    const flags = await subtractFlags(ctx, productIds, valueIds);
    const move = (productId: number, options: DesiredLine['options'], delta: number) => {
      if (flags.products.has(productId)) stock.push({ target: 'product', id: productId, delta });
      for (const o of options) if (flags.values.has(o.productOptionValueId)) stock.push({ target: 'option_value', id: o.productOptionValueId, delta });
    };
    for (const c of changes) move(c.line.productId, c.line.options, c.line.quantity - c.to);
    for (const a of additions) move(a.productId, a.options, -a.quantity);
  }

  const after = [
    ...current.map((l) => {
      const c = changes.find((x) => x.line.id === l.id);
      return { quantity: c ? c.to : l.quantity, unitPrice: toUnits(l.unitPrice), unitTax: toUnits(l.unitTax), taxTitle: l.taxTitle };
    }),
    ...additions.map((a) => ({ quantity: a.quantity, unitPrice: a.unitPrice, unitTax: a.unitTax, taxTitle: a.taxTitle })),
  ];
  const totals = computeTotals(after, opts.shipping);
  const plan: AdjustPlan = {
    orderId,
    groupId,
    holdsStock,
    changes: changes.map((c) => ({ lineId: c.line.id, orderProductId: c.line.ocOrderProductId, productId: c.line.productId, from: c.line.quantity, to: c.to, unitPrice: c.line.unitPrice })),
    additions: additions.map((a) => ({
      productId: a.productId,
      variantKey: a.variantKey,
      options: a.options,
      quantity: a.quantity,
      unitPrice: fromUnits(a.unitPrice),
      unitTax: fromUnits(a.unitTax),
      taxRate: a.taxRate,
      taxTitle: a.taxTitle,
      barcode: a.barcode,
      sku: a.sku,
    })),
    stock,
    totals: { subTotal: fromUnits(totals.subTotal), taxes: totals.taxes.map((t) => ({ title: t.title, value: fromUnits(t.value) })), total: fromUnits(totals.total) },
    comment: `${opts.comment}: ${[
      ...changes.map((c) => `${c.line.barcode ?? c.line.sku ?? `#${c.line.productId}`} ${c.line.quantity} → ${c.to}`),
      ...additions.map((a) => `${a.barcode ?? a.sku ?? `#${a.productId}`} + ${a.quantity}`),
    ].join(', ')}${holdsStock ? ' (stok güncellendi / stock updated)' : ''}`,
  };
  const reason = additions.length > 0 || changes.some((c) => c.to > c.line.quantity) ? 'restore' : 'cancel';
  const [id] = (await ctx.knex(ADJUSTMENTS).insert({ group_id: groupId, oc_order_id: orderId, reason, plan: JSON.stringify(plan) })) as number[];
  return id as number;
}

export async function pendingAdjustments(knex: Knex, groupId: number): Promise<number[]> {
  const rows = (await knex(ADJUSTMENTS).select('id').where({ group_id: groupId, state: 'pending' }).orderBy('id')) as Array<{ id: number }>;
  return rows.map((r) => Number(r.id));
}

/** Carries out (or finishes) a journaled adjustment; every step may run again after a crash. */
export async function applyAdjustment(ctx: OcContext, adjustmentId: number): Promise<void> {
  const row = (await ctx.knex(ADJUSTMENTS).first('*').where({ id: adjustmentId })) as { plan: string | object; state: string } | undefined;
  if (!row || row.state === 'done') return;
  const plan = (typeof row.plan === 'string' ? JSON.parse(row.plan) : row.plan) as AdjustPlan;
  const t = ctx.table.bind(ctx);
  const ref = { refType: 'oc_order', refId: String(plan.orderId) };

  for (const [i, s] of plan.stock.entries()) {
    const options = { reason: s.delta > 0 ? 'restock' : 'order', ...ref, idempotencyKey: `mco-adj-${adjustmentId}-${i}` };
    if (s.target === 'product') await adjustProductQuantity(ctx, s.id, s.delta, options);
    else await adjustOptionValueQuantity(ctx, s.id, s.delta, options);
  }

  for (const c of plan.changes) {
    await ctx.knex(t('order_product')).where({ order_product_id: c.orderProductId, order_id: plan.orderId }).update({ quantity: c.to, total: fromUnits(toUnits(c.unitPrice) * BigInt(c.to)) });
  }
  const added = await writeAdditions(ctx, plan);

  const existingTax = (await ctx.knex(t('order_total')).select('order_total_id', 'title').where({ order_id: plan.orderId, code: 'tax' })) as Array<{ order_total_id: number; title: string }>;
  const wanted = new Map(plan.totals.taxes.map((x) => [encodeOcText(x.title), x.value]));
  for (const row of existingTax) {
    const v = wanted.get(row.title);
    if (v === undefined) await ctx.knex(t('order_total')).where('order_total_id', row.order_total_id).delete();
    else await ctx.knex(t('order_total')).where('order_total_id', row.order_total_id).update({ value: v });
    wanted.delete(row.title);
  }
  for (const [title, value] of wanted) await ctx.knex(t('order_total')).insert({ order_id: plan.orderId, code: 'tax', title, value, sort_order: SORT.tax });
  await ctx.knex(t('order_total')).where({ order_id: plan.orderId, code: 'sub_total' }).update({ value: plan.totals.subTotal });
  await ctx.knex(t('order_total')).where({ order_id: plan.orderId, code: 'total' }).update({ value: plan.totals.total });
  await ctx.knex(t('order')).where({ order_id: plan.orderId }).update({ total: plan.totals.total });

  const status = (await ctx.knex(t('order')).first('order_status_id').where('order_id', plan.orderId)) as { order_status_id: number };
  await addOrderHistory(ctx, plan.orderId, status.order_status_id, { comment: plan.comment, token: `mco-adj-${adjustmentId}` });

  await ctx.knex.transaction(async (trx) => {
    for (const c of plan.changes) await trx(LINES).where({ id: c.lineId }).update({ quantity: c.to });
    await insertLines(trx, added);
    await trx(ADJUSTMENTS).where({ id: adjustmentId }).update({ state: 'done', updated_at: trx.raw('UTC_TIMESTAMP(3)') });
  });
}

/**
 * Adds the plan's new lines to oc_order_product / oc_order_option as OpenCart's checkout names them. A
 * row of this order for the product that the sidecar's line table does not know is one a crashed earlier
 * attempt inserted: it is adopted (its options rewritten) instead of inserting a second.
 */
async function writeAdditions(ctx: OcContext, plan: AdjustPlan): Promise<Array<Omit<LineRow, 'id'>>> {
  if (plan.additions.length === 0) return [];
  const t = ctx.table.bind(ctx);
  const known = new Set(((await ctx.knex(LINES).select('oc_order_product_id').where({ group_id: plan.groupId })) as Array<{ oc_order_product_id: number }>).map((r) => r.oc_order_product_id));
  const out: Array<Omit<LineRow, 'id'>> = [];
  for (const a of plan.additions) {
    const rows = (await ctx.knex(t('order_product')).select('order_product_id').where({ order_id: plan.orderId, product_id: a.productId }).orderBy('order_product_id')) as Array<{ order_product_id: number }>;
    let orderProductId = rows.find((r) => !known.has(r.order_product_id) && !out.some((o) => o.ocOrderProductId === r.order_product_id))?.order_product_id;
    const [product] = await rawRows<{ model: string; name: string | null }>(
      ctx.knex,
      `SELECT p.model, pd.name FROM \`${t('product')}\` p LEFT JOIN \`${t('product_description')}\` pd ON pd.product_id = p.product_id AND pd.language_id = ? WHERE p.product_id = ?`,
      [ctx.languageId, a.productId],
    );
    const total = fromUnits(toUnits(a.unitPrice) * BigInt(a.quantity));
    if (orderProductId === undefined) {
      const res = await rawWrite(
        ctx.knex,
        `INSERT INTO \`${t('order_product')}\` (order_id, product_id, name, model, quantity, price, total, tax, reward) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        [plan.orderId, a.productId, product?.name ?? '', product?.model ?? '', a.quantity, a.unitPrice, total, a.unitTax],
      );
      orderProductId = res.insertId;
    } else {
      await ctx.knex(t('order_product')).where({ order_product_id: orderProductId }).update({ quantity: a.quantity, price: a.unitPrice, total, tax: a.unitTax });
    }
    await ctx.knex(t('order_option')).where({ order_product_id: orderProductId }).delete();
    for (const o of a.options) {
      const [opt] = await rawRows<{ name: string | null; type: string | null; value: string | null }>(
        ctx.knex,
        `SELECT od.name, o.type, ovd.name AS value
           FROM \`${t('product_option_value')}\` pov
           JOIN \`${t('option')}\` o ON o.option_id = pov.option_id
           LEFT JOIN \`${t('option_description')}\` od ON od.option_id = pov.option_id AND od.language_id = ?
           LEFT JOIN \`${t('option_value_description')}\` ovd ON ovd.option_value_id = pov.option_value_id AND ovd.language_id = ?
          WHERE pov.product_option_value_id = ?`,
        [ctx.languageId, ctx.languageId, o.productOptionValueId],
      );
      await ctx.knex(t('order_option')).insert({
        order_id: plan.orderId,
        order_product_id: orderProductId,
        product_option_id: o.productOptionId,
        product_option_value_id: o.productOptionValueId,
        name: opt?.name ?? '',
        value: opt?.value ?? '',
        type: opt?.type ?? '',
      });
    }
    out.push({
      groupId: plan.groupId,
      ocOrderId: plan.orderId,
      ocOrderProductId: orderProductId,
      productId: a.productId,
      variantKey: a.variantKey,
      options: a.options,
      barcode: a.barcode,
      sku: a.sku,
      quantityOrdered: a.quantity,
      quantity: a.quantity,
      unitPrice: a.unitPrice,
      unitTax: a.unitTax,
      taxRate: String(a.taxRate),
      taxTitle: a.taxTitle,
    });
  }
  return out;
}
