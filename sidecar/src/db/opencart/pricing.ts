import type { OcContext } from './context';
import { shopNow } from './clock';
import { groupBy, inChunks } from './sql';

/**
 * Specials and quantity discounts, chosen exactly as OpenCart's storefront product model does:
 *   (date_start = '0000-00-00' OR date_start < NOW()) AND (date_end = '0000-00-00' OR date_end > NOW())
 *   ORDER BY priority ASC, price ASC LIMIT 1
 * where NOW() is the shop's wall-clock time and the DATE columns compare as midnight. So a special runs
 * from the first second of date_start to the last second before date_end (the end day is excluded).
 * Rows are loaded once per batch and chosen here, with the shop's clock rather than the UTC session's.
 */

export interface OcPriceRule {
  id: number;
  productId: number;
  customerGroupId: number;
  priority: number;
  /** DECIMAL(15,4) as text, excluding tax. */
  price: string;
  /** 'YYYY-MM-DD' or '0000-00-00' (open). */
  dateStart: string;
  dateEnd: string;
}

export type OcSpecial = OcPriceRule;

export interface OcDiscount extends OcPriceRule {
  /** Minimum quantity in the cart for this price. */
  quantity: number;
}

const ZERO_DATE = '0000-00-00';

/** Whether OpenCart's date condition holds at shop-local time `at` ('YYYY-MM-DD HH:MM:SS'). */
export function isActiveAt(rule: Pick<OcPriceRule, 'dateStart' | 'dateEnd'>, at: string): boolean {
  const started = rule.dateStart === ZERO_DATE || `${rule.dateStart} 00:00:00` < at;
  const notEnded = rule.dateEnd === ZERO_DATE || `${rule.dateEnd} 00:00:00` > at;
  return started && notEnded;
}

/** The rule OpenCart would pick: active for the group, lowest priority, then lowest price (then lowest id, for a stable answer). */
export function pickActive<T extends OcPriceRule>(rules: readonly T[], customerGroupId: number, at: string): T | null {
  let best: T | null = null;
  for (const r of rules) {
    if (r.customerGroupId !== customerGroupId || !isActiveAt(r, at)) continue;
    if (!best || compareRules(r, best) < 0) best = r;
  }
  return best;
}

function compareRules(a: OcPriceRule, b: OcPriceRule): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const pa = Number(a.price);
  const pb = Number(b.price);
  if (pa !== pb) return pa - pb;
  return a.id - b.id;
}

interface RuleRow {
  id: number;
  product_id: number;
  customer_group_id: number;
  priority: number;
  price: string;
  date_start: string;
  date_end: string;
  quantity?: number;
}

function toRule(r: RuleRow): OcPriceRule {
  return {
    id: r.id,
    productId: r.product_id,
    customerGroupId: r.customer_group_id,
    priority: r.priority,
    price: r.price,
    dateStart: r.date_start,
    dateEnd: r.date_end,
  };
}

export async function loadSpecials(ctx: OcContext, productIds: readonly number[]): Promise<Map<number, OcSpecial[]>> {
  const rows = await inChunks(productIds, (chunk) =>
    ctx
      .knex(ctx.table('product_special'))
      .select('product_special_id as id', 'product_id', 'customer_group_id', 'priority', 'price', 'date_start', 'date_end')
      .whereIn('product_id', chunk)
      .orderBy(['product_id', 'priority', 'price', 'product_special_id']) as Promise<RuleRow[]>,
  );
  return groupBy(rows.map(toRule), (r) => r.productId);
}

export async function loadDiscounts(ctx: OcContext, productIds: readonly number[]): Promise<Map<number, OcDiscount[]>> {
  const rows = await inChunks(productIds, (chunk) =>
    ctx
      .knex(ctx.table('product_discount'))
      .select('product_discount_id as id', 'product_id', 'customer_group_id', 'quantity', 'priority', 'price', 'date_start', 'date_end')
      .whereIn('product_id', chunk)
      .orderBy(['product_id', 'quantity', 'priority', 'price', 'product_discount_id']) as Promise<RuleRow[]>,
  );
  return groupBy(
    rows.map((r) => ({ ...toRule(r), quantity: r.quantity ?? 0 })),
    (r) => r.productId,
  );
}

export interface StorefrontPrice {
  /** product.price, excluding tax. */
  basePrice: string;
  /** The active special for the group, if any (what the storefront shows struck-through against price). */
  special: OcSpecial | null;
  /** The active quantity-1 discount, which replaces the base price in OpenCart's getProduct. */
  discount: OcDiscount | null;
  /** What a guest pays per unit excluding tax: special, else quantity-1 discount, else price. */
  effectivePrice: string;
}

/** OpenCart's getProduct price logic for one product, at the shop's current time unless `at` is given. */
export function storefrontPrice(
  ctx: Pick<OcContext, 'timezone' | 'now' | 'customerGroupId'>,
  basePrice: string,
  specials: readonly OcSpecial[],
  discounts: readonly OcDiscount[],
  options: { customerGroupId?: number; at?: string } = {},
): StorefrontPrice {
  const group = options.customerGroupId ?? ctx.customerGroupId;
  const at = options.at ?? shopNow(ctx);
  const special = pickActive(specials, group, at);
  const discount = pickActive(
    discounts.filter((d) => d.quantity === 1),
    group,
    at,
  );
  return { basePrice, special, discount, effectivePrice: special?.price ?? discount?.price ?? basePrice };
}
