import { shopToday, type OcContext } from '../../db/opencart';
import { dayIndex, dayString, weekday } from '../calendar';
import { loadProductFacts, loadSeries, salesSpan, type ProductFacts } from '../data/sales-series';
import { weekdayProfile } from '../forecast/naive';
import type { AnalyticsOptions } from './options';

/**
 * The data one training run works on, read once: daily series of the last `historyDays` complete
 * shop-local days (today is still running and is left out) for the store, categories, marketplaces
 * and the best-selling products, plus the catalogue facts behind those products.
 */

export interface Snapshot {
  ctx: OcContext;
  from: string;
  to: string;
  startDay: number;
  /** Shop-local day index of today (the first day to predict). */
  today: number;
  days: number;
  firstWeekday: number;
  store: { units: number[]; revenue: number[]; orders: number[] };
  /** The store's weekday shares: spreads sparse series over the week (closed days get nothing). */
  profile: number[];
  categories: Map<string, number[]>;
  marketplaces: Map<string, number[]>;
  products: Map<string, number[]>;
  marketplaceProductUnits: Map<string, number[]>;
  facts: Map<number, ProductFacts>;
}

export class NoSalesHistory extends Error {
  override name = 'NoSalesHistory';
}

export async function loadSnapshot(ctx: OcContext, opts: Pick<AnalyticsOptions, 'historyDays' | 'maxProducts'>): Promise<Snapshot> {
  const span = await salesSpan(ctx);
  if (!span) throw new NoSalesHistory('the shop has no orders in a sales status yet');
  const today = dayIndex(shopToday(ctx));
  const toDay = today - 1;
  const fromDay = Math.max(dayIndex(span.first), toDay - opts.historyDays + 1);
  if (toDay - fromDay + 1 < 14) throw new NoSalesHistory(`only ${toDay - fromDay + 1} days of sales history (need 14)`);
  const window = { from: dayString(fromDay), to: dayString(toDay) };
  const [units, revenue, orders, categories, marketplaces, allProducts] = await Promise.all([
    loadSeries(ctx, { level: 'store', measure: 'units', ...window }),
    loadSeries(ctx, { level: 'store', measure: 'revenue', ...window }),
    loadSeries(ctx, { level: 'store', measure: 'orders', ...window }),
    loadSeries(ctx, { level: 'category', measure: 'units', ...window }),
    loadSeries(ctx, { level: 'marketplace', measure: 'units', ...window }),
    loadSeries(ctx, { level: 'product', measure: 'units', ...window }),
  ]);
  const recent = (v: number[]) => v.slice(-91).reduce((a, b) => a + b, 0);
  const top = [...allProducts.series.entries()]
    .map(([k, v]) => ({ k, v, r: recent(v) }))
    .filter((p) => p.r > 0)
    .sort((a, b) => b.r - a.r || (a.k < b.k ? -1 : 1))
    .slice(0, opts.maxProducts);
  const products = new Map(top.map((p) => [p.k, p.v]));
  const ids = top.map((p) => Number(p.k));
  const [facts, mpUnits] = await Promise.all([
    loadProductFacts(ctx, ids),
    ids.length ? loadSeries(ctx, { level: 'product', measure: 'units', ...window, keys: ids, marketplaceOnly: true }) : Promise.resolve(null),
  ]);
  const storeUnits = units.series.get('store')!;
  const firstWeekday = weekday(fromDay);
  return {
    ctx,
    ...window,
    startDay: fromDay,
    today,
    days: toDay - fromDay + 1,
    firstWeekday,
    store: { units: storeUnits, revenue: revenue.series.get('store')!, orders: orders.series.get('store')! },
    profile: weekdayProfile(storeUnits, firstWeekday),
    categories: categories.series,
    marketplaces: marketplaces.series,
    products,
    marketplaceProductUnits: mpUnits?.series ?? new Map(),
    facts,
  };
}
