import { shopDate, type OcContext } from '../../db/opencart';
import { rawRows } from '../../db/raw';
import { dayIndex, dayString } from '../calendar';
import { loadSeries, type SeriesWindow } from '../data/sales-series';
import type { Unit } from './detect';

/**
 * The daily series anomaly detection watches: store sales (revenue) and order counts from OpenCart,
 * and, from the sidecar's own UTC tables, the marketplace sync error rate and stock movements, bucketed
 * by the hour in SQL and moved onto shop-local days here (MariaDB may lack time zone tables).
 */

export type AnomalySource = 'sales' | 'orders' | 'sync_errors' | 'stock_moves';

export interface WatchedSeries {
  source: AnomalySource;
  key: string;
  values: number[];
  startDay: number;
  unit: Unit;
  directions: Array<'spike' | 'drop'>;
  /** Smallest meaningful scale (e.g. 1 percentage point of error rate). */
  minScale: number;
  /** Follows the shop's trading days, so its closures apply (a marketplace's error rate does not). */
  followsTrading: boolean;
}

interface HourRow {
  h: string;
  key: string;
  a: string | number;
  b: string | number;
}

function localDay(ctx: OcContext, utcHour: string): number {
  return dayIndex(shopDate(ctx.timezone, new Date(`${utcHour.replace(' ', 'T')}Z`)));
}

export async function loadWatchedSeries(ctx: OcContext, window: SeriesWindow): Promise<WatchedSeries[]> {
  const start = dayIndex(window.from);
  const n = dayIndex(window.to) - start + 1;
  const [sales, orders] = await Promise.all([
    loadSeries(ctx, { level: 'store', measure: 'revenue', ...window }),
    loadSeries(ctx, { level: 'store', measure: 'orders', ...window }),
  ]);
  const out: WatchedSeries[] = [
    { source: 'sales', key: 'store', values: sales.series.get('store')!, startDay: start, unit: ` ${ctx.defaultCurrency}`, directions: ['spike', 'drop'], minScale: 1, followsTrading: true },
    { source: 'orders', key: 'store', values: orders.series.get('store')!, startDay: start, unit: '', directions: ['spike', 'drop'], minScale: 1, followsTrading: true },
  ];
  // UTC window wide enough to cover the shop-local days at any offset.
  const fromUtc = `${dayString(start - 1)} 00:00:00`;
  const toUtc = `${dayString(start + n + 1)} 00:00:00`;

  const sync = await rawRows<HourRow>(
    ctx.knex,
    `SELECT DATE_FORMAT(l.created_at, '%Y-%m-%d %H:00:00') AS h, COALESCE(m.code, CONCAT('#', l.marketplace_id)) AS \`key\`,
            COUNT(*) AS a, SUM(l.error IS NOT NULL OR l.status >= 500 OR l.status = 429) AS b
       FROM meschain_sync_logs l LEFT JOIN meschain_marketplaces m ON m.id = l.marketplace_id
      WHERE l.created_at >= ? AND l.created_at < ? AND l.marketplace_id IS NOT NULL AND (m.store_id IS NULL OR m.store_id = ?)
      GROUP BY h, \`key\``,
    [fromUtc, toUtc, ctx.storeId],
  );
  const calls = new Map<string, { calls: number[]; errors: number[] }>();
  for (const r of sync) {
    const d = localDay(ctx, r.h) - start;
    if (d < 0 || d >= n) continue;
    let s = calls.get(r.key);
    if (!s) {
      s = { calls: new Array<number>(n).fill(0), errors: new Array<number>(n).fill(0) };
      calls.set(r.key, s);
    }
    s.calls[d]! += Number(r.a);
    s.errors[d]! += Number(r.b);
  }
  for (const [key, s] of calls) {
    // Error share in percent; a day with almost no calls says nothing, so it repeats the day before.
    const values: number[] = [];
    for (let d = 0; d < n; d++) values.push(s.calls[d]! >= 20 ? (100 * s.errors[d]!) / s.calls[d]! : (values[d - 1] ?? 0));
    out.push({ source: 'sync_errors', key, values, startDay: start, unit: '%', directions: ['spike'], minScale: 1, followsTrading: false });
  }

  const moves = await rawRows<HourRow>(
    ctx.knex,
    `SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:00:00') AS h, reason AS \`key\`, SUM(ABS(delta)) AS a, COUNT(*) AS b
       FROM meschain_inventory_ledger WHERE created_at >= ? AND created_at < ? GROUP BY h, reason`,
    [fromUtc, toUtc],
  );
  if (moves.length > 0) {
    const values = new Array<number>(n).fill(0);
    for (const r of moves) {
      const d = localDay(ctx, r.h) - start;
      if (d >= 0 && d < n) values[d]! += Number(r.a);
    }
    out.push({ source: 'stock_moves', key: 'store', values, startDay: start, unit: { en: ' units', tr: ' adet' }, directions: ['spike', 'drop'], minScale: 1, followsTrading: true });
  }
  return out;
}
