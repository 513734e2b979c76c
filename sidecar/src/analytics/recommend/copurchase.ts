import type { OcContext } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import { salesStatuses } from '../data/sales-series';

/**
 * "Bought together" from co-purchases: for each pair of products in the same order, support (share of
 * orders with both), confidence (share of A's orders that also have B) and lift (how much more often
 * they meet than chance would make them). Pairs need `minPairOrders` shared orders and `minSupport`;
 * they are ranked by a shrunk lift, n_AB / (E[n_AB] + 1), so a pair of rare products that met twice by
 * chance does not outrank a pair that meets every week, and pairs that meet no more than chance would
 * have them (two best sellers) give way to the popularity fallback. Very large orders (wholesale baskets) are left
 * out: their pairs say little and cost quadratically.
 */

export interface Basket {
  orderId: number;
  /** Shop-local day the order was placed. */
  day: string;
  products: number[];
}

export interface PairStat {
  productId: number;
  relatedId: number;
  together: number;
  support: number;
  confidence: number;
  lift: number;
  score: number;
}

export interface CoPurchaseOptions {
  minPairOrders?: number;
  minSupport?: number;
  maxBasketSize?: number;
  /**
   * Least shrunk lift n_AB / (E[n_AB] + 1) a pair needs (default 1.5): below it, the pair meets about as
   * often as two products that popular would by chance, and best sellers are the better suggestion.
   */
  minScore?: number;
  /** Recommendations kept per product. */
  perProduct?: number;
}

export interface CoPurchaseModel {
  orders: number;
  productOrders: Map<number, number>;
  /** product → its best partners, best first. */
  together: Map<number, PairStat[]>;
}

export async function loadBaskets(ctx: OcContext, window: { from: string; toExclusive: string }): Promise<Basket[]> {
  const statuses = salesStatuses(ctx);
  const rows = await rawRows<{ order_id: number; product_id: number; d: string }>(
    ctx.knex,
    `SELECT DISTINCT op.order_id, op.product_id, DATE_FORMAT(o.date_added, '%Y-%m-%d') AS d FROM \`${ctx.table('order')}\` o JOIN \`${ctx.table('order_product')}\` op ON op.order_id = o.order_id
      WHERE o.order_status_id IN (${placeholders(statuses.length)}) AND o.store_id = ? AND o.date_added >= ? AND o.date_added < ?
      ORDER BY op.order_id`,
    [...statuses, ctx.storeId, `${window.from} 00:00:00`, `${window.toExclusive} 00:00:00`],
  );
  const out: Basket[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.orderId === r.order_id) last.products.push(r.product_id);
    else out.push({ orderId: r.order_id, day: r.d, products: [r.product_id] });
  }
  return out;
}

export function buildCoPurchase(baskets: readonly Basket[], opts: CoPurchaseOptions = {}): CoPurchaseModel {
  const maxBasket = opts.maxBasketSize ?? 40;
  const minPair = opts.minPairOrders ?? 3;
  const minSupport = opts.minSupport ?? 0;
  const perProduct = opts.perProduct ?? 10;
  const minScore = opts.minScore ?? 1.5;
  const productOrders = new Map<number, number>();
  const pairs = new Map<number, Map<number, number>>();
  let orders = 0;
  for (const b of baskets) {
    orders++;
    const items = [...new Set(b.products)].sort((x, y) => x - y);
    for (const p of items) productOrders.set(p, (productOrders.get(p) ?? 0) + 1);
    if (items.length < 2 || items.length > maxBasket) continue;
    for (let i = 0; i < items.length; i++) {
      const a = items[i]!;
      let row = pairs.get(a);
      if (!row) {
        row = new Map();
        pairs.set(a, row);
      }
      for (let j = i + 1; j < items.length; j++) row.set(items[j]!, (row.get(items[j]!) ?? 0) + 1);
    }
  }
  const together = new Map<number, PairStat[]>();
  const add = (s: PairStat) => {
    const list = together.get(s.productId);
    if (list) list.push(s);
    else together.set(s.productId, [s]);
  };
  for (const [a, row] of pairs) {
    for (const [b, n] of row) {
      if (n < minPair || n / orders < minSupport) continue;
      const na = productOrders.get(a)!;
      const nb = productOrders.get(b)!;
      const expected = (na * nb) / orders;
      const lift = (n * orders) / (na * nb);
      const score = n / (expected + 1);
      if (score < minScore) continue;
      add({ productId: a, relatedId: b, together: n, support: n / orders, confidence: n / na, lift, score });
      add({ productId: b, relatedId: a, together: n, support: n / orders, confidence: n / nb, lift, score });
    }
  }
  for (const [p, list] of together) {
    list.sort((x, y) => y.score - x.score || y.together - x.together || x.relatedId - y.relatedId);
    together.set(p, list.slice(0, perProduct));
  }
  return { orders, productOrders, together };
}

export interface Recommendation {
  productId: number;
  kind: 'together' | 'popular';
  score: number;
  reason: { en: string; tr: string };
  stats?: { together: number; support: number; confidence: number; lift: number };
}

/**
 * Up to `k` products to show with `productId`: co-purchase partners first, then the best sellers of
 * its categories and then of the shop (popularity fallback), never the product itself.
 */
export function recommendFor(
  productId: number,
  model: CoPurchaseModel,
  popular: { inCategory: number[]; overall: number[] },
  names: (id: number) => string,
  k = 5,
): Recommendation[] {
  const out: Recommendation[] = [];
  const seen = new Set<number>([productId]);
  const na = model.productOrders.get(productId) ?? 0;
  for (const s of model.together.get(productId) ?? []) {
    if (out.length >= k) break;
    seen.add(s.relatedId);
    out.push({
      productId: s.relatedId,
      kind: 'together',
      score: s.score,
      stats: { together: s.together, support: s.support, confidence: s.confidence, lift: s.lift },
      reason: {
        en: `Bought together with ${names(productId)} in ${s.together} of its ${na} orders (${(s.confidence * 100).toFixed(0)}%), ${s.lift.toFixed(1)}× more often than chance.`,
        tr: `${names(productId)} ile ${na} siparişin ${s.together} tanesinde birlikte alındı (%${(s.confidence * 100).toFixed(0)}); tesadüfen beklenenden ${s.lift.toFixed(1)} kat sık.`,
      },
    });
  }
  const fill = (ids: number[], en: string, tr: string) => {
    for (const id of ids) {
      if (out.length >= k) return;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ productId: id, kind: 'popular', score: 0, reason: { en, tr } });
    }
  };
  fill(popular.inCategory, 'A best seller in the same category (not enough shared orders yet for a pairing).', 'Aynı kategorinin çok satanlarından (eşleştirme için yeterli ortak sipariş henüz yok).');
  fill(popular.overall, 'One of the shop’s best sellers (popularity fallback).', 'Mağazanın çok satanlarından (popülerlik yedeği).');
  return out;
}

export interface CoPurchaseBacktest {
  /** Share of (basket, product) trials where another product of the basket was among the top k shown. */
  hitRate: number;
  /** The same for showing the k best sellers (the baseline). */
  popularityHitRate: number;
  trials: number;
  k: number;
}

/**
 * Holdout check: learn from baskets before `cutoffDay`, then for each later basket and each product in
 * it, see whether any other product of that basket is among the k recommended for it.
 */
export function backtestCoPurchase(baskets: readonly Basket[], cutoffDay: string, opts: CoPurchaseOptions = {}, k = 5): CoPurchaseBacktest {
  const train = baskets.filter((b) => b.day < cutoffDay);
  const test = baskets.filter((b) => b.day >= cutoffDay && new Set(b.products).size >= 2);
  const model = buildCoPurchase(train, opts);
  const popular = [...model.productOrders.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
  let hits = 0;
  let popHits = 0;
  let trials = 0;
  for (const b of test) {
    const items = [...new Set(b.products)];
    for (const a of items) {
      if (!model.productOrders.has(a)) continue;
      const others = new Set(items.filter((x) => x !== a));
      const shown = recommendFor(a, model, { inCategory: [], overall: popular.slice(0, k + 1) }, String, k).map((r) => r.productId);
      const baseline = popular.filter((x) => x !== a).slice(0, k);
      trials++;
      if (shown.some((x) => others.has(x))) hits++;
      if (baseline.some((x) => others.has(x))) popHits++;
    }
  }
  return { hitRate: trials ? hits / trials : Number.NaN, popularityHitRate: trials ? popHits / trials : Number.NaN, trials, k };
}
