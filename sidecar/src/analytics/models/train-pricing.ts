import { rawRows } from '../../db/raw';
import { dayString } from '../calendar';
import { loadPriceHistory, type PriceHistory } from '../data/price-history';
import { CLOSED_SHARE } from '../forecast/intermittent';
import { ElasticityUnavailable, estimateElasticity, type ElasticityEstimate } from '../pricing/elasticity';
import { suggestPrice, type CompetitorPrice, type PriceRules, type PriceSuggestion } from '../pricing/optimise';
import type { DemandPayload } from './train-demand';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';
import type { PredictionRow } from './store';

/**
 * One pricing run: elasticity per product from its own price changes, else pooled over its category
 * (products of the category with their own levels), and a suggested price within the owner's rules
 * (meschain_ai_price_rules) and competitor prices when a marketplace provides them.
 */

export interface PricePayload {
  elasticity: ElasticityEstimate | null;
  unavailable: { code: string; en: string; tr: string } | null;
  rules: PriceRules;
  suggestion: PriceSuggestion;
}

export type CompetitorSource = (productIds: number[]) => Promise<Map<number, CompetitorPrice[]>>;

const REASONS: Record<string, { en: string; tr: string }> = {
  no_price_variation: { en: 'The price has not changed enough to measure a reaction.', tr: 'Fiyat, tepkiyi ölçecek kadar değişmemiş.' },
  too_few_days: { en: 'Too few days on sale to measure a reaction.', tr: 'Tepkiyi ölçmek için satışta geçen gün sayısı az.' },
  no_sales: { en: 'No sales in the window.', tr: 'Dönemde satış yok.' },
  singular: { en: 'The data cannot separate price from other effects.', tr: 'Veri, fiyatın etkisini diğer etkilerden ayıramıyor.' },
};

export async function loadPriceRules(snap: Snapshot, productIds: readonly number[]): Promise<Map<number, PriceRules>> {
  if (productIds.length === 0) return new Map();
  const rows = await rawRows<{ product_id: number; cost: string | null; min_price: string | null; max_price: string | null; min_margin: string }>(
    snap.ctx.knex,
    `SELECT product_id, cost, min_price, max_price, min_margin FROM meschain_ai_price_rules WHERE oc_prefix = ? AND product_id IN (${productIds.map(() => '?').join(',')})`,
    [snap.ctx.prefix, ...productIds],
  );
  const num = (v: string | null) => (v === null ? null : Number(v));
  return new Map(rows.map((r) => [r.product_id, { cost: num(r.cost), minPrice: num(r.min_price), maxPrice: num(r.max_price), minMargin: Number(r.min_margin) }]));
}

export async function trainPricing(
  snap: Snapshot,
  opts: AnalyticsOptions,
  demand: ReadonlyMap<string, DemandPayload>,
  competitors: CompetitorSource | undefined,
  tick: () => Promise<void>,
): Promise<{ predictions: PredictionRow[]; params: Record<string, unknown> }> {
  const ids = [...snap.products.keys()].map(Number).slice(0, Math.min(opts.maxProducts, 500));
  const prices = await loadPriceHistory(snap.ctx, ids, { from: snap.from, to: snap.to });
  const rules = await loadPriceRules(snap, ids);
  const comp = competitors ? await competitors(ids).catch(() => new Map<number, CompetitorPrice[]>()) : new Map<number, CompetitorPrice[]>();
  const closedWeekdays = snap.profile.map((s, w) => (s < CLOSED_SHARE ? w : -1)).filter((w) => w >= 0);
  const series = (id: number, p: PriceHistory) => {
    const units = snap.products.get(String(id))!;
    const from = units.findIndex((u) => u > 0);
    return { key: String(id), units, price: p.price, firstWeekday: snap.firstWeekday, from: Math.max(0, from) };
  };
  const categoryEstimates = new Map<number, ElasticityEstimate | null>();
  const categoryEstimate = (categoryId: number): ElasticityEstimate | null => {
    if (categoryEstimates.has(categoryId)) return categoryEstimates.get(categoryId)!;
    const members = ids.filter((id) => snap.facts.get(id)?.categoryIds.includes(categoryId) && prices.has(id)).slice(0, 30);
    let est: ElasticityEstimate | null = null;
    if (members.length >= 2) {
      try {
        est = estimateElasticity(
          members.map((id) => series(id, prices.get(id)!)),
          { closedWeekdays },
        );
      } catch {
        est = null;
      }
    }
    categoryEstimates.set(categoryId, est);
    return est;
  };

  const predictions: PredictionRow[] = [];
  let own = 0;
  let pooled = 0;
  for (const id of ids) {
    const p = prices.get(id);
    const facts = snap.facts.get(id);
    if (!p || !facts) continue;
    let est: ElasticityEstimate | null = null;
    let unavailable: PricePayload['unavailable'] = null;
    try {
      est = estimateElasticity([series(id, p)], { closedWeekdays });
      own++;
    } catch (err) {
      const code = err instanceof ElasticityUnavailable ? err.code : 'singular';
      unavailable = { code, ...(REASONS[code] ?? REASONS.singular!) };
      const cat = facts.categoryIds[0];
      est = cat !== undefined ? categoryEstimate(cat) : null;
      if (est) pooled++;
    }
    const r: PriceRules = rules.get(id) ?? { cost: null };
    const units = snap.products.get(String(id))!;
    const recentRate = units.slice(-28).reduce((a, b) => a + b, 0) / Math.min(28, units.length);
    const base = demand.get(String(id))?.dailyRate ?? recentRate;
    const suggestion = suggestPrice({ currentPrice: facts.listPrice > 0 ? facts.listPrice : (p.price[p.price.length - 1] ?? 1), baseUnitsPerDay: base, elasticity: est, rules: r, competitors: comp.get(id) ?? [] });
    const payload: PricePayload = { elasticity: est, unavailable, rules: r, suggestion };
    predictions.push({
      kind: 'price',
      level: 'product',
      seriesKey: String(id),
      measure: 'price',
      method: est ? (est.scope === 'product' ? 'loglog' : 'loglog-category') : 'none',
      origin: dayString(snap.today),
      horizonDays: 30,
      total: est?.elasticity ?? null,
      payload,
    });
    await tick();
  }
  return { predictions, params: { products: ids.length, ownEstimates: own, categoryEstimates: pooled, model: 'Poisson GLM, log E[units] ~ log(price) + weekday + trend' } };
}
