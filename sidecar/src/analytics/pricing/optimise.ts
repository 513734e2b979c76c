import type { ElasticityEstimate } from './elasticity';

/**
 * The suggested price: the profit-maximising price under a constant-elasticity demand curve
 * q(p) = q0·(p/p0)^β, kept inside everything the owner set (bounds, margin floor) and never below
 * cost, moved at most `maxStep` from today's price (the curve is only known near prices actually
 * tried), and not above the dearest competitor when competitors are known. With an elasticity whose
 * 95 % interval includes 0 there is no evidence to act on: the price stays.
 */

export interface PriceRules {
  cost: number | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  /** Floor on (price − cost) / price, e.g. 0.1. */
  minMargin?: number;
  /** Largest relative change in one suggestion (default 0.15). */
  maxStep?: number;
}

export interface CompetitorPrice {
  marketplace: string;
  price: number;
  seller?: string;
}

export interface PriceOutcome {
  price: number;
  unitsPerDay: number;
  profitPerDay: number;
}

export interface PriceSuggestion {
  action: 'raise' | 'lower' | 'keep' | 'unavailable';
  reason: { en: string; tr: string };
  current: PriceOutcome;
  suggested: PriceOutcome;
  /** Units and profit change at the suggested price under the ends of the elasticity's 95 % interval. */
  range: { unitsChange: [number, number]; profitChange: [number, number] } | null;
  bounds: { lower: number; upper: number };
  competitors: { lowest: number; highest: number; count: number } | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function outcome(p: number, p0: number, q0: number, beta: number, cost: number): PriceOutcome {
  const q = q0 * Math.pow(p / p0, beta);
  return { price: round2(p), unitsPerDay: q, profitPerDay: (p - cost) * q };
}

export function suggestPrice(input: {
  currentPrice: number;
  /** Expected units per day at today's price (the demand forecast). */
  baseUnitsPerDay: number;
  elasticity: ElasticityEstimate | null;
  rules: PriceRules;
  competitors?: readonly CompetitorPrice[];
}): PriceSuggestion {
  const { currentPrice: p0, baseUnitsPerDay: q0, elasticity: est, rules } = input;
  if (!(p0 > 0)) throw new RangeError(`current price must be positive, got ${p0}`);
  const cost = rules.cost ?? null;
  const comps = input.competitors?.filter((c) => c.price > 0) ?? [];
  const competitors = comps.length ? { lowest: Math.min(...comps.map((c) => c.price)), highest: Math.max(...comps.map((c) => c.price)), count: comps.length } : null;
  const step = rules.maxStep ?? 0.15;
  const margin = Math.min(0.95, Math.max(0, rules.minMargin ?? 0.1));
  const floorFromCost = cost !== null ? Math.max(cost, cost / (1 - margin)) : 0;
  // The owner's bounds (and cost) are hard; the step limit and competitors only narrow within them.
  const ownLower = Math.max(rules.minPrice ?? 0, floorFromCost);
  const ownUpper = Math.max(ownLower, rules.maxPrice ?? Infinity);
  let lower = Math.max(p0 * (1 - step), ownLower);
  let upper = Math.min(p0 * (1 + step), ownUpper);
  if (competitors) upper = Math.min(upper, Math.max(competitors.highest, lower));
  if (upper < lower) {
    // Today's price is outside the owner's bounds by more than a step: go to the nearest allowed price.
    const nearest = Math.min(ownUpper, Math.max(ownLower, p0));
    lower = nearest;
    upper = nearest;
  }
  lower = round2(lower);
  upper = round2(upper);
  const keep = (en: string, tr: string): PriceSuggestion => {
    const c = outcome(p0, p0, q0, est?.elasticity ?? 0, cost ?? 0);
    return { action: cost === null || !est ? 'unavailable' : 'keep', reason: { en, tr }, current: c, suggested: c, range: null, bounds: { lower, upper }, competitors };
  };
  if (cost === null) return keep('No unit cost is set for this product, so profit cannot be computed; set it to get a suggestion.', 'Bu ürün için birim maliyet girilmemiş; kâr hesaplanamıyor. Öneri için maliyeti girin.');
  if (!est) return keep('Not enough price changes in the sales history to measure how demand reacts to price.', 'Satış geçmişinde fiyatın talebe etkisini ölçecek kadar fiyat değişikliği yok.');
  if (!est.significant) {
    return keep(
      `Elasticity ${est.elasticity.toFixed(2)} is not distinguishable from zero (95% interval ${est.ci95[0].toFixed(2)} to ${est.ci95[1].toFixed(2)}); keeping the price.`,
      `Esneklik ${est.elasticity.toFixed(2)} sıfırdan ayırt edilemiyor (%95 aralık ${est.ci95[0].toFixed(2)} – ${est.ci95[1].toFixed(2)}); fiyat korunuyor.`,
    );
  }
  const beta = est.elasticity;
  // Constant elasticity: profit peaks at p* = c·β/(1+β) when β < −1; otherwise it rises with price.
  const unconstrained = beta < -1 ? (cost * beta) / (1 + beta) : Infinity;
  let best = Math.min(upper, Math.max(lower, unconstrained));
  // Check the bounds too: with a floor above p* the nearest bound wins; compare numerically.
  const candidates = [lower, upper, best].filter((p) => Number.isFinite(p));
  best = candidates.reduce((b, p) => (outcome(p, p0, q0, beta, cost).profitPerDay > outcome(b, p0, q0, beta, cost).profitPerDay ? p : b), candidates[0]!);
  best = round2(Math.max(best, cost));
  const current = outcome(p0, p0, q0, beta, cost);
  const suggested = outcome(best, p0, q0, beta, cost);
  const ends = [est.ci95[0], est.ci95[1]].map((b) => ({ u: outcome(best, p0, q0, b, cost).unitsPerDay - outcome(p0, p0, q0, b, cost).unitsPerDay, p: outcome(best, p0, q0, b, cost).profitPerDay - outcome(p0, p0, q0, b, cost).profitPerDay }));
  const range = {
    unitsChange: [Math.min(ends[0]!.u, ends[1]!.u), Math.max(ends[0]!.u, ends[1]!.u)] as [number, number],
    profitChange: [Math.min(ends[0]!.p, ends[1]!.p), Math.max(ends[0]!.p, ends[1]!.p)] as [number, number],
  };
  const change = (best - p0) / p0;
  const action = Math.abs(change) < 0.005 ? 'keep' : change > 0 ? 'raise' : 'lower';
  const pct = `${(change * 100).toFixed(1)}%`;
  const dProfit = (suggested.profitPerDay - current.profitPerDay) * 30;
  return {
    action,
    reason: {
      en: `Elasticity ${beta.toFixed(2)} (95% ${est.ci95[0].toFixed(2)} to ${est.ci95[1].toFixed(2)}, ${est.confidence} confidence): ${action === 'keep' ? 'today’s price is already near the best allowed' : `${action} ${pct} to ${best.toFixed(2)}`}; expected profit change ${dProfit.toFixed(2)} per 30 days.`,
      tr: `Esneklik ${beta.toFixed(2)} (%95 ${est.ci95[0].toFixed(2)} – ${est.ci95[1].toFixed(2)}, güven: ${({ low: 'düşük', medium: 'orta', high: 'yüksek' } as const)[est.confidence]}): ${action === 'keep' ? 'bugünkü fiyat izin verilen en iyi fiyata zaten yakın' : `fiyatı ${pct} değiştirip ${best.toFixed(2)} yapın`}; 30 günde beklenen kâr değişimi ${dProfit.toFixed(2)}.`,
    },
    current,
    suggested,
    range,
    bounds: { lower, upper },
    competitors,
  };
}
