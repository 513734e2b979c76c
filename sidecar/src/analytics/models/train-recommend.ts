import { rawRows } from '../../db/raw';
import { dayString } from '../calendar';
import { rankActions, type ListingStatus, type PriceOutlook, type ProductOutlook } from '../recommend/actions';
import { backtestCoPurchase, buildCoPurchase, loadBaskets, recommendFor } from '../recommend/copurchase';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';
import type { DemandPayload } from './train-demand';
import type { PricePayload } from './train-pricing';

/** One recommendations run: bought-together lists with popularity fallback, and ranked seller actions. */

export interface RecommendationRow {
  kind: 'together' | 'popular' | 'action';
  productId: number;
  relatedProductId: number;
  action: string;
  marketplaceId: number | null;
  rank: number;
  score: number;
  expectedValue: number | null;
  reason: Record<string, unknown>;
}

export async function trainRecommendations(
  snap: Snapshot,
  opts: AnalyticsOptions,
  demand: ReadonlyMap<string, DemandPayload>,
  prices: ReadonlyMap<string, PricePayload>,
): Promise<{ rows: RecommendationRow[]; params: Record<string, unknown> }> {
  const { ctx } = snap;
  const baskets = await loadBaskets(ctx, { from: dayString(snap.today - opts.copurchaseDays), toExclusive: dayString(snap.today) });
  const model = buildCoPurchase(baskets);
  const backtest = backtestCoPurchase(baskets, dayString(snap.today - 28));
  const recent = (v: number[]) => v.slice(-90).reduce((a, b) => a + b, 0);
  const ranked = [...snap.products.entries()].map(([k, v]) => ({ id: Number(k), units: recent(v) })).sort((a, b) => b.units - a.units || a.id - b.id);
  const overall = ranked.slice(0, 20).map((r) => r.id);
  const byCategory = new Map<number, number[]>();
  for (const r of ranked) for (const c of snap.facts.get(r.id)?.categoryIds ?? []) byCategory.set(c, [...(byCategory.get(c) ?? []), r.id]);
  const name = (id: number) => snap.facts.get(id)?.name ?? `#${id}`;

  const rows: RecommendationRow[] = [];
  for (const { id } of ranked) {
    const inCategory = (snap.facts.get(id)?.categoryIds ?? []).flatMap((c) => byCategory.get(c) ?? []).slice(0, 20);
    recommendFor(id, model, { inCategory, overall }, name, 5).forEach((r, i) =>
      rows.push({ kind: r.kind, productId: id, relatedProductId: r.productId, action: '', marketplaceId: null, rank: i + 1, score: r.score, expectedValue: null, reason: { ...r.reason, ...(r.stats ? { stats: r.stats } : {}) } }),
    );
  }

  const products = new Map<number, ProductOutlook>();
  for (const [key, d] of demand) {
    const id = Number(key);
    const f = snap.facts.get(id);
    if (!f) continue;
    const cost = prices.get(key)?.rules.cost ?? null;
    products.set(id, { productId: id, name: f.name, price: f.listPrice, unitCost: cost, stock: d.stock, units30: d.units30, daysOfCover: d.daysOfCover, reorderQuantity: d.reorder.quantity });
  }
  const priceOutlooks: PriceOutlook[] = [...prices.entries()].map(([key, p]) => {
    const { action, current, suggested, forced } = p.suggestion;
    // An `unavailable` suggestion has no estimated effect: nothing to rank on its profit (a forced move still ranks).
    const estimated = action !== 'unavailable' && current.profitPerDay !== null && suggested.profitPerDay !== null;
    return {
      productId: Number(key),
      action,
      currentPrice: current.price,
      suggestedPrice: suggested.price,
      units30: current.unitsPerDay === null ? null : current.unitsPerDay * 30,
      profitChange30: estimated ? (suggested.profitPerDay! - current.profitPerDay!) * 30 : null,
      forced,
    };
  });
  const listings = await rawRows<{ id: number; marketplace_id: number; code: string; product_id: number; state: string; last_error: string | null }>(
    ctx.knex,
    `SELECT l.id, l.marketplace_id, m.code, l.product_id, l.state, l.last_error FROM meschain_listings l JOIN meschain_marketplaces m ON m.id = l.marketplace_id
      WHERE m.store_id = ? AND (l.state IN ('blocked', 'failed', 'quarantined', 'inactive') OR (l.state = 'active' AND TRIM(l.last_error) <> ''))`,
    [ctx.storeId],
  );
  const listingStatus: ListingStatus[] = listings.map((l) => ({ listingId: Number(l.id), marketplaceId: l.marketplace_id, marketplace: l.code, productId: l.product_id, state: l.state, lastError: l.last_error }));
  const total28 = [...snap.marketplaces.values()].reduce((s, v) => s + v.slice(-28).reduce((a, b) => a + b, 0), 0);
  const share = new Map([...snap.marketplaces.entries()].map(([code, v]) => [code, total28 > 0 ? v.slice(-28).reduce((a, b) => a + b, 0) / total28 : 0]));
  const actions = rankActions({ products, prices: priceOutlooks, listings: listingStatus, marketplaceShare: share, leadTimeDays: opts.leadTimeDays });
  actions.slice(0, 200).forEach((a, i) =>
    rows.push({ kind: 'action', productId: a.productId, relatedProductId: 0, action: a.action, marketplaceId: a.marketplaceId ?? null, rank: i + 1, score: a.expectedValue, expectedValue: a.expectedValue, reason: a.reason }),
  );
  return { rows, params: { backtest, baskets: model.orders, productsWithPairs: model.together.size, actions: actions.length, minPairOrders: 3, maxBasketSize: 40 } };
}
