import { ZERO_DATE } from '../../sidecar/src/db/opencart/schema/types';
import { LANG, type Bilingual } from './context';
import { GIFT_NOTES } from './catalog-options';
import type { PriceRule, SeededOptionValue, SeededProduct } from './products';
import type { Rng } from './prng';
import { FLAT_SHIPPING_COST, FREE_SHIPPING_OVER } from './settings';
import { TAX_CLASS, TAX_RATES, taxRateFor } from './reference';
import { units } from './util';

/**
 * Order lines and totals computed the way OpenCart's cart does: storefront price rules (special, then
 * quantity discount, then list price), option price modifiers, KDV per unit, flat or free shipping
 * (taxed like the flat rate's tax class), one tax line per rate. All money in 0.0001 units.
 */

function activeAt(rule: PriceRule, date: string): boolean {
  // OpenCart compares DATE columns with NOW(): a rule starts on its start day and ends before its end day.
  return (rule.start === ZERO_DATE || rule.start <= date) && (rule.end === ZERO_DATE || rule.end > date);
}

/** The price OpenCart's storefront would charge a customer group on `date` for `quantity` units. */
export function basePrice(product: SeededProduct, groupId: number, date: string, quantity: number): number {
  const specials = product.specials
    .filter((s) => s.customerGroupId === groupId && activeAt(s, date))
    .sort((a, b) => a.priority - b.priority || a.price - b.price);
  if (specials[0]) return specials[0].price;
  const discounts = product.discounts
    .filter((d) => d.customerGroupId === groupId && d.quantity <= quantity && activeAt(d, date))
    .sort((a, b) => b.quantity - a.quantity || a.priority - b.priority || a.price - b.price);
  return discounts[0]?.price ?? product.price;
}

export function hasActiveSpecial(product: SeededProduct, groupId: number, date: string): boolean {
  return product.specials.some((s) => s.customerGroupId === groupId && activeAt(s, date));
}

export interface ChosenOption {
  productOptionId: number;
  productOptionValueId: number;
  name: Bilingual;
  value: Bilingual;
  type: string;
}

export interface OrderLine {
  product: SeededProduct;
  quantity: number;
  /** Unit price excluding tax, options included. */
  price: number;
  /** Tax on one unit. */
  tax: number;
  taxRateId: number | null;
  options: ChosenOption[];
}

/** Picks option values like a shopper would: every required option, sometimes gift wrap or a note. */
export function chooseOptions(rng: Rng, product: SeededProduct): { options: ChosenOption[]; modifier: number } {
  const options: ChosenOption[] = [];
  let modifier = 0;
  for (const o of product.options) {
    if (o.type === 'text') {
      if (!rng.chance(0.1)) continue;
      const note = rng.pick(GIFT_NOTES);
      options.push({ productOptionId: o.productOptionId, productOptionValueId: 0, name: o.name, value: { tr: note, en: note }, type: o.type });
      continue;
    }
    if (o.values.length === 0) continue;
    if (!o.required && !rng.chance(0.15)) continue;
    const v: SeededOptionValue = rng.weighted(o.values, (x) => x.demand);
    modifier += v.price;
    options.push({ productOptionId: o.productOptionId, productOptionValueId: v.productOptionValueId, name: o.name, value: v.name, type: o.type });
  }
  return { options, modifier };
}

export function makeLine(rng: Rng, product: SeededProduct, groupId: number, date: string, quantity: number, domestic: boolean): OrderLine {
  const { options, modifier } = chooseOptions(rng, product);
  const price = basePrice(product, groupId, date, quantity) + modifier;
  const rate = taxRateFor(product.taxClassId);
  // Tax rules are based on the shipping address, and the KDV zone is Turkey: exports carry none.
  const tax = domestic ? Math.round((price * rate.rate) / 100) : 0;
  return { product, quantity, price, tax, taxRateId: domestic ? rate.id : null, options };
}

export interface TotalLine {
  code: string;
  title: string;
  value: number;
  sort_order: number;
}

export interface Shipping {
  code: string;
  title: Bilingual;
  cost: number;
}

const FLAT: Shipping = { code: 'flat.flat', title: { tr: 'Sabit Kargo Ücreti', en: 'Flat Shipping Rate' }, cost: units(FLAT_SHIPPING_COST) };
const FREE: Shipping = { code: 'free.free', title: { tr: 'Ücretsiz Kargo', en: 'Free Shipping' }, cost: 0 };

export function shippingFor(subTotal: number): Shipping {
  // OpenCart's free shipping compares the subtotal excluding tax with its threshold.
  return subTotal >= units(FREE_SHIPPING_OVER) ? FREE : FLAT;
}

/** The order_total rows and the grand total, exactly as OpenCart's total extensions add them up. */
export function orderTotals(lines: OrderLine[], shipping: Shipping, domestic: boolean, languageId: number): { totals: TotalLine[]; total: number } {
  const t = (b: Bilingual) => (languageId === LANG.tr ? b.tr : b.en);
  const subTotal = lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const taxByRate = new Map<number, number>();
  for (const l of lines) {
    if (l.taxRateId !== null) taxByRate.set(l.taxRateId, (taxByRate.get(l.taxRateId) ?? 0) + l.tax * l.quantity);
  }
  if (domestic && shipping.cost > 0) {
    // The flat rate carries tax class "Taxable Goods" (KDV 20 %).
    const rate = taxRateFor(TAX_CLASS.standard);
    taxByRate.set(rate.id, (taxByRate.get(rate.id) ?? 0) + Math.round((shipping.cost * rate.rate) / 100));
  }
  const totals: TotalLine[] = [
    { code: 'sub_total', title: t({ tr: 'Ara Toplam', en: 'Sub-Total' }), value: subTotal, sort_order: 1 },
    { code: 'shipping', title: t(shipping.title), value: shipping.cost, sort_order: 3 },
  ];
  for (const rate of TAX_RATES) {
    const value = taxByRate.get(rate.id);
    if (value) totals.push({ code: 'tax', title: rate.name, value, sort_order: 5 });
  }
  const total = totals.reduce((s, l) => s + l.value, 0);
  totals.push({ code: 'total', title: t({ tr: 'Toplam', en: 'Total' }), value: total, sort_order: 9 });
  return { totals, total };
}
