import type { CreateOrderInput } from '../../db/opencart';
import { fromUnits, roundDiv, toUnits } from '../../db/opencart/money';
import type { OrderLine, OrderStatus } from '../../marketplaces/types';
import type { Conversion } from './money';
import type { MatchedLine } from './match';
import type { OrderSettings } from './settings';
import type { PackageRow } from './store';

/**
 * From the packages of one marketplace order to the lines and totals of its OpenCart order.
 *
 * Packages are grouped by what they mean for stock:
 *   live      created … delivered, undelivered, unknown: the units are sold
 *   awaiting  awaiting_payment: reserve only (reservations/)
 *   cancelled / returned: the units are not (or no longer) sold
 * The OpenCart order carries, per variant, the sum of the live packages' units. Marketplace prices are
 * per unit, tax included, after discounts (OrderLine.unitPrice); OpenCart stores price and tax per unit
 * EXCLUDING tax, so each unit price is split with the line's VAT rate after conversion to the shop's
 * default currency.
 */

export type PackageKind = 'live' | 'awaiting' | 'cancelled' | 'returned';

export function kindOf(status: OrderStatus): PackageKind {
  if (status === 'awaiting_payment') return 'awaiting';
  if (status === 'cancelled') return 'cancelled';
  if (status === 'returned') return 'returned';
  return 'live';
}

/** How far a package has come; the order shows the least advanced of its live packages. */
const RANK: Record<OrderStatus, number> = {
  unknown: 0,
  awaiting_payment: 0,
  created: 1,
  processing: 2,
  ready_to_ship: 3,
  shipped: 4,
  undelivered: 4,
  delivered: 5,
  cancelled: 6,
  returned: 6,
};

/** The status the whole order is in, and the raw status it came from (for rawStatusMap). */
export function groupStatus(packages: readonly PackageRow[]): { status: OrderStatus; rawStatus: string } | null {
  const pkgs = packages.map((p) => p.stored.package);
  const live = pkgs.filter((p) => kindOf(p.status) === 'live');
  if (live.length) {
    const least = live.reduce((a, b) => (RANK[b.status] < RANK[a.status] ? b : a));
    return { status: least.status, rawStatus: least.rawStatus };
  }
  const returned = pkgs.find((p) => p.status === 'returned');
  if (returned) return { status: 'returned', rawStatus: returned.rawStatus };
  const cancelled = pkgs.find((p) => p.status === 'cancelled');
  if (cancelled) return { status: 'cancelled', rawStatus: cancelled.rawStatus };
  return null;
}

export interface DesiredLine {
  productId: number;
  variantKey: string;
  options: MatchedLine['options'];
  quantity: number;
  barcode: string | null;
  sku: string | null;
  /** Per unit, default currency, excl. tax (units of 1/10000). */
  unitPrice: bigint;
  unitTax: bigint;
  taxRate: number;
  taxTitle: string;
}

export const lineKey = (productId: number, variantKey: string): string => `${productId}|${variantKey}`;

export function taxTitleOf(settings: OrderSettings, rate: number): string {
  return settings.taxTitle.replace('{rate}', String(Math.round(rate * 100) / 100));
}

/** Splits a tax-inclusive unit price with a VAT percent: net rounded to 4 places, tax the rest. */
export function splitGross(gross: bigint, ratePercent: number): { net: bigint; tax: bigint } {
  const bp = BigInt(Math.round(ratePercent * 100));
  const net = roundDiv(gross * 10_000n, 10_000n + bp);
  return { net, tax: gross - net };
}

/**
 * Sums the matched lines of the given packages per variant. `match` gives the product for a line (every
 * line has been matched before this is called).
 */
export function desiredLines(
  packages: readonly PackageRow[],
  match: (pkg: PackageRow, line: OrderLine) => MatchedLine,
  conv: Conversion,
  settings: OrderSettings,
): DesiredLine[] {
  const acc = new Map<string, { m: MatchedLine; qty: number; gross: bigint; rate: number; barcode: string | null; sku: string | null }>();
  for (const p of packages) {
    for (const line of p.stored.package.lines) {
      if (line.quantity <= 0) continue;
      const m = match(p, line);
      const key = lineKey(m.productId, m.variantKey);
      const a = acc.get(key) ?? { m, qty: 0, gross: 0n, rate: line.vatRate ?? 0, barcode: line.barcode ?? null, sku: line.sku ?? null };
      a.qty += line.quantity;
      a.gross += conv.toDefault(line.unitPrice) * BigInt(line.quantity);
      acc.set(key, a);
    }
  }
  return [...acc.values()].map((a) => {
    const unitGross = roundDiv(a.gross, BigInt(a.qty));
    const { net, tax } = splitGross(unitGross, a.rate);
    return {
      productId: a.m.productId,
      variantKey: a.m.variantKey,
      options: a.m.options,
      quantity: a.qty,
      barcode: a.barcode,
      sku: a.sku,
      unitPrice: net,
      unitTax: tax,
      taxRate: a.rate,
      taxTitle: taxTitleOf(settings, a.rate),
    };
  });
}

export interface TotalsInput {
  quantity: number;
  unitPrice: bigint;
  unitTax: bigint;
  taxTitle: string;
}

export interface ComputedTotals {
  subTotal: bigint;
  /** Per tax title, in first-seen order; zero-rate lines add none. */
  taxes: Array<{ title: string; value: bigint }>;
  shipping: bigint;
  total: bigint;
}

export function computeTotals(lines: readonly TotalsInput[], shipping: bigint): ComputedTotals {
  let subTotal = 0n;
  const taxes = new Map<string, bigint>();
  for (const l of lines) {
    subTotal += l.unitPrice * BigInt(l.quantity);
    if (l.unitTax !== 0n) taxes.set(l.taxTitle, (taxes.get(l.taxTitle) ?? 0n) + l.unitTax * BigInt(l.quantity));
  }
  const taxList = [...taxes].map(([title, value]) => ({ title, value }));
  const total = subTotal + shipping + taxList.reduce((s, t) => s + t.value, 0n);
  return { subTotal, taxes: taxList, shipping, total };
}

export const SORT = { sub_total: 1, shipping: 3, tax: 5, total: 9 } as const;

export function totalRows(t: ComputedTotals, shippingTitle: string): CreateOrderInput['totals'] {
  return [
    { code: 'sub_total', title: 'Sub-Total', value: fromUnits(t.subTotal), sortOrder: SORT.sub_total },
    { code: 'shipping', title: shippingTitle, value: fromUnits(t.shipping), sortOrder: SORT.shipping },
    ...t.taxes.map((x) => ({ code: 'tax', title: x.title, value: fromUnits(x.value), sortOrder: SORT.tax })),
    { code: 'total', title: 'Total', value: fromUnits(t.total), sortOrder: SORT.total },
  ];
}

export function shippingOf(conv: Conversion, amount: string | undefined): bigint {
  if (!amount) return 0n;
  const v = conv.toDefault(amount);
  return v > 0n ? v : 0n;
}

export { toUnits, fromUnits };
