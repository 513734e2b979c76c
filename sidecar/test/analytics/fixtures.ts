import type { Knex } from 'knex';
import { loadOcContext, type OcContext } from '../../src/db/opencart';
import { dayIndex, dayString } from '../../src/analytics/calendar';
import { writeHistory, type WriteHistoryResult } from '../../src/analytics/data/history-writer';
import type { HistoryLine, HistoryOrder, HistoryProduct, SalesHistory } from '../../src/analytics/data/history';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createRandom } from '../../src/util/random';

/** Small synthetic stores for the analytics tests, written through the same writer as the dataset loader. */

/** Deterministic PRNG (mulberry32), the same one the sandbox uses. */
export const rng = createRandom;

export function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

export interface ShopFixture {
  db: TestDatabase;
  ctx: OcContext;
  written: WriteHistoryResult;
  /** The fixed "now" of the shop (noon, shop-local, on `today`). */
  today: string;
}

/** A fresh database with OpenCart's real dump (given prefix), the migrations, and the history written in. */
export async function shopWith(history: SalesHistory, opts: { prefix: string; today: string; timezone?: string }): Promise<ShopFixture> {
  const db = await createTestDatabase({ prefix: opts.prefix });
  if (opts.timezone) await setSetting(db.knex, opts.prefix, 'config_timezone', opts.timezone);
  // Noon UTC on `today` is `today` in every zone from UTC−11 to UTC+11.
  const now = new Date(`${opts.today}T12:00:00Z`);
  const ctx = await loadOcContext(db.knex, { prefix: opts.prefix, now: () => now });
  const written = await writeHistory(ctx, history, { now: `${opts.today} 12:00:00` });
  return { db, ctx, written, today: opts.today };
}

export async function setSetting(knex: Knex, prefix: string, key: string, value: string): Promise<void> {
  const updated = (await knex(`${prefix}setting`).where({ store_id: 0, code: 'config', key }).update({ value, serialized: 0 })) as number;
  if (!updated) await knex(`${prefix}setting`).insert({ store_id: 0, code: 'config', key, value, serialized: 0 });
}

export interface DailyProductSpec {
  key: string;
  price: number | ((day: number) => number);
  /** Expected units per day (Poisson), day = days since the first day. */
  rate: (day: number, weekday: number) => number;
  categoryKeys?: string[];
  quantity?: number;
}

/**
 * One order per unit-batch: each day, each product sells Poisson(rate) units, split into orders of one
 * line each (so order counts follow sales), placed at 10:00 + k minutes shop time.
 */
export function dailyHistory(spec: { seed: number; firstDay: string; days: number; products: DailyProductSpec[]; categories?: string[] }): SalesHistory {
  const r = rng(spec.seed);
  const start = dayIndex(spec.firstDay);
  const orders: HistoryOrder[] = [];
  for (let d = 0; d < spec.days; d++) {
    const date = dayString(start + d);
    const weekday = (((start + d + 4) % 7) + 7) % 7;
    let k = 0;
    for (const p of spec.products) {
      const units = poisson(r, p.rate(d, weekday));
      const price = typeof p.price === 'function' ? p.price(d) : p.price;
      for (let u = 0; u < units; u++) {
        const minute = k++;
        orders.push({ placedAt: `${date} ${String(10 + Math.floor(minute / 60) % 12).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`, state: 'complete', lines: [{ productKey: p.key, quantity: 1, price }] });
      }
    }
  }
  const products: HistoryProduct[] = spec.products.map((p) => ({
    key: p.key,
    name: `Product ${p.key}`,
    price: typeof p.price === 'function' ? p.price(spec.days - 1) : p.price,
    quantity: p.quantity ?? 100,
    categoryKeys: p.categoryKeys ?? [],
    dateAdded: `${spec.firstDay} 09:00:00`,
  }));
  return { categories: (spec.categories ?? []).map((k) => ({ key: k, name: `Category ${k}` })), products, orders };
}

export function order(placedAt: string, lines: HistoryLine[], state: HistoryOrder['state'] = 'complete', extra: Partial<HistoryOrder> = {}): HistoryOrder {
  return { placedAt, state, lines, ...extra };
}
