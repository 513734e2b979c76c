import type { ElasticityEstimate } from './elasticity';

/**
 * The suggested price: the profit-maximising price under a constant-elasticity demand curve
 * q(p) = q0·(p/p0)^β, kept inside everything the owner set (bounds, margin floor) and never below
 * cost, moved at most `maxStep` from today's price (the curve is only known near prices actually
 * tried), and not above the dearest competitor when competitors are known. With an elasticity whose
 * 95 % interval includes 0 there is no evidence to act on: the price stays if it keeps to the rules.
 *
 * The owner's rules hold whatever the evidence: a price outside them goes to the nearest allowed price
 * (past the step limit if need be), and the answer names the rule it broke and gives the effect under
 * the elasticity it has, or says that none is known. Rules that cannot all hold (floor above the
 * maximum) are reported as such, and no price below the floor is offered.
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
  /** Expected units a day at `price`; null where how demand reacts to the price is not estimated (`unavailable`'s suggested outcome). */
  unitsPerDay: number | null;
  /** (price − cost) × units a day; null without a cost or without units. */
  profitPerDay: number | null;
}

/** The owner's rule today's price breaks: below the unit cost, the margin floor or the minimum price, or above the maximum. */
export type BrokenPriceRule = 'cost' | 'margin' | 'min_price' | 'max_price';

export interface PriceSuggestion {
  /**
   * raise / lower / keep rest on an elasticity and a unit cost. `unavailable`: no cost, no elasticity
   * (neither the product's nor its category's) or rules that contradict each other; the suggested
   * price still keeps to the rules, but how demand reacts is not estimated: `range` is null and the
   * suggested outcome's units and profit are null (`current` keeps the demand forecast at today's
   * price, and its profit when the cost is known), so nothing can be ranked on its profit.
   */
  action: 'raise' | 'lower' | 'keep' | 'unavailable';
  reason: { en: string; tr: string };
  current: PriceOutcome;
  suggested: PriceOutcome;
  /** Units and profit change at the suggested price under the ends of the elasticity's 95 % interval. */
  range: { unitsChange: [number, number]; profitChange: [number, number] } | null;
  /**
   * Prices this answer chose from: the owner's rules narrowed by the step and competitors when an
   * elasticity was optimised, else the one price it gives; lower > upper only when the rules contradict.
   */
  bounds: { lower: number; upper: number };
  competitors: { lowest: number; highest: number; count: number } | null;
  /**
   * Set when today's price breaks one of the owner's rules (whatever `action` says, `unavailable`
   * included): the suggested price is the move back inside them, to be made whatever it does to profit.
   * `limit` is the broken rule's price: the unit cost, the margin floor (whole cents), the minimum or the maximum.
   */
  forced: { rule: BrokenPriceRule; limit: number } | null;
}

type Text = { en: string; tr: string };

const round2 = (x: number) => Math.round(x * 100) / 100;
// Money is suggested in whole cents: the floor rounds up and the ceiling down, so rounding never
// takes a price below cost or past the owner's maximum.
const ceil2 = (x: number) => (Number.isFinite(x) ? Math.ceil(x * 100 - 1e-6) / 100 : x);
const floor2 = (x: number) => (Number.isFinite(x) ? Math.floor(x * 100 + 1e-6) / 100 : x);
const money = (x: number) => x.toFixed(2);
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const CONFIDENCE_TR = { low: 'düşük', medium: 'orta', high: 'yüksek' } as const;

/** An outcome under an elasticity and a cost: every figure known. */
type Estimated = { [K in keyof PriceOutcome]: number };

function outcome(p: number, p0: number, q0: number, beta: number, cost: number): Estimated {
  const q = q0 * Math.pow(p / p0, beta);
  return { price: round2(p), unitsPerDay: q, profitPerDay: (p - cost) * q };
}

interface Limits {
  cost: number | null;
  margin: number;
  /** Lowest price with the margin floor on the cost (= cost when the margin is 0). */
  marginFloor: number | null;
  minPrice: number | null;
  /** Whole-cent floor and ceiling of the allowed prices. */
  lo: number;
  hi: number;
}

function limitsOf(rules: PriceRules): Limits {
  const cost = rules.cost ?? null;
  const margin = Math.min(0.95, Math.max(0, rules.minMargin ?? 0.1));
  const marginFloor = cost !== null ? Math.max(cost, cost / (1 - margin)) : null;
  const minPrice = rules.minPrice ?? null;
  const maxPrice = rules.maxPrice ?? null;
  return { cost, margin, marginFloor, minPrice, lo: ceil2(Math.max(minPrice ?? 0, marginFloor ?? 0)), hi: floor2(maxPrice ?? Infinity) };
}

/** What sets the floor, for the reasons. */
function floorSource(l: Limits): Text {
  if (l.minPrice !== null && l.minPrice >= (l.marginFloor ?? 0)) return { en: 'your minimum price', tr: 'belirlediğiniz en düşük fiyat' };
  if (l.margin > 0) {
    const m = `${+(l.margin * 100).toFixed(2)}`;
    return { en: `unit cost ${money(l.cost!)} with the ${m}% margin floor`, tr: `birim maliyet ${money(l.cost!)} ve %${m} asgari marj` };
  }
  return { en: 'the unit cost', tr: 'birim maliyet' };
}

/** Which rule today's price breaks and the nearest allowed price; null when it keeps to them. */
function outOfBounds(price: number, l: Limits): { target: number; broken: NonNullable<PriceSuggestion['forced']>; text: Text } | null {
  if (price < l.lo) {
    const src = floorSource(l);
    const [broken, cause]: [NonNullable<PriceSuggestion['forced']>, Text] =
      l.cost !== null && price < l.cost
        ? [{ rule: 'cost', limit: l.cost }, { en: `below the unit cost ${money(l.cost)}`, tr: `birim maliyetin (${money(l.cost)}) altında` }]
        : l.marginFloor !== null && price < ceil2(l.marginFloor)
          ? [{ rule: 'margin', limit: ceil2(l.marginFloor) }, { en: `below the margin floor ${money(ceil2(l.marginFloor))}`, tr: `asgari marj sınırının (${money(ceil2(l.marginFloor))}) altında` }]
          : [{ rule: 'min_price', limit: l.lo }, { en: `below your minimum price ${money(l.lo)}`, tr: `belirlediğiniz en düşük fiyatın (${money(l.lo)}) altında` }];
    return {
      target: l.lo,
      broken,
      text: {
        en: `Today's price ${money(price)} is ${cause.en}; the lowest price your rules allow is ${money(l.lo)} (${src.en}).`,
        tr: `Bugünkü fiyat ${money(price)}, ${cause.tr}; kurallarınızın izin verdiği en düşük fiyat ${money(l.lo)} (${src.tr}).`,
      },
    };
  }
  if (price > l.hi) {
    return {
      target: l.hi,
      broken: { rule: 'max_price', limit: l.hi },
      text: {
        en: `Today's price ${money(price)} is above your maximum price ${money(l.hi)}.`,
        tr: `Bugünkü fiyat ${money(price)}, belirlediğiniz en yüksek fiyatın (${money(l.hi)}) üstünde.`,
      },
    };
  }
  return null;
}

function elasticityText(est: ElasticityEstimate): Text {
  const ci = `${est.ci95[0].toFixed(2)}`;
  const ciEnd = `${est.ci95[1].toFixed(2)}`;
  return {
    en: `Elasticity ${est.elasticity.toFixed(2)} (95% ${ci} to ${ciEnd}, ${est.confidence} confidence${est.significant ? '' : ', not distinguishable from zero'})`,
    tr: `Esneklik ${est.elasticity.toFixed(2)} (%95 ${ci} – ${ciEnd}, güven: ${CONFIDENCE_TR[est.confidence]}${est.significant ? '' : ', sıfırdan ayırt edilemiyor'})`,
  };
}

function rangeOf(est: ElasticityEstimate, price: number, p0: number, q0: number, cost: number): NonNullable<PriceSuggestion['range']> {
  const ends = est.ci95.map((b) => {
    const at = outcome(price, p0, q0, b, cost);
    const now = outcome(p0, p0, q0, b, cost);
    return { u: at.unitsPerDay - now.unitsPerDay, p: at.profitPerDay - now.profitPerDay };
  });
  return {
    unitsChange: [Math.min(ends[0]!.u, ends[1]!.u), Math.max(ends[0]!.u, ends[1]!.u)],
    profitChange: [Math.min(ends[0]!.p, ends[1]!.p), Math.max(ends[0]!.p, ends[1]!.p)],
  };
}

const NO_COST: Text = {
  en: 'No unit cost is set for this product, so profit cannot be computed; set it to get a suggestion.',
  tr: 'Bu ürün için birim maliyet girilmemiş; kâr hesaplanamıyor. Öneri için maliyeti girin.',
};
const NO_COST_MOVED: Text = {
  en: 'No unit cost is set for this product, so the effect on profit cannot be computed.',
  tr: 'Bu ürün için birim maliyet girilmemiş; kâra etkisi hesaplanamıyor.',
};
const NO_ELASTICITY: Text = {
  en: 'Not enough price changes in the sales history (of this product or its category) to measure how demand reacts to price, so the effect on units and profit is not estimated.',
  tr: 'Satış geçmişinde (bu ürünün veya kategorisinin) fiyatın talebe etkisini ölçecek kadar fiyat değişikliği yok; adet ve kâra etkisi tahmin edilmedi.',
};

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
  const lim = limitsOf(rules);
  const { cost } = lim;
  const comps = input.competitors?.filter((c) => c.price > 0) ?? [];
  const competitors = comps.length ? { lowest: Math.min(...comps.map((c) => c.price)), highest: Math.max(...comps.map((c) => c.price)), count: comps.length } : null;
  const step = rules.maxStep ?? 0.15;
  const today = round2(p0);
  const join = (...parts: Text[]): Text => ({ en: parts.map((t) => t.en).join(' '), tr: parts.map((t) => t.tr).join(' ') });
  // Without an estimate of the reaction only today's outcome is known (its profit only with a cost);
  // the suggested one is left empty rather than filled with today's units, which would read as a forecast.
  const unestimated = (price: number, forced: PriceSuggestion['forced']): PriceSuggestion => {
    const current: PriceOutcome = { price: today, unitsPerDay: q0, profitPerDay: cost === null ? null : (p0 - cost) * q0 };
    return { action: 'unavailable', reason: { en: '', tr: '' }, current, suggested: { price: round2(price), unitsPerDay: null, profitPerDay: null }, range: null, bounds: { lower: lim.lo, upper: lim.hi }, competitors, forced };
  };

  if (lim.lo > lim.hi) {
    // The floor (cost, margin, minimum) is above the maximum: no price keeps every rule. The floor
    // wins, so nothing below cost is ever offered; the owner has to settle the rules.
    const src = floorSource(lim);
    const price = Math.max(today, lim.lo);
    // Only a price below the floor is moved; one above the maximum stays, the rules being what is wrong.
    const s = unestimated(price, price > today ? (outOfBounds(today, lim)?.broken ?? null) : null);
    s.reason = {
      en: `Your price rules contradict each other: the lowest price they allow, ${money(lim.lo)} (${src.en}), is above your maximum price ${money(lim.hi)}, so no price keeps to all of them. ${price > today ? `Today's price ${money(today)} is below that floor; do not sell below ${money(price)}.` : "Today's price stays."} Raise the maximum or check the cost and margin.`,
      tr: `Fiyat kurallarınız birbiriyle çelişiyor: izin verdikleri en düşük fiyat ${money(lim.lo)} (${src.tr}), belirlediğiniz en yüksek fiyatın (${money(lim.hi)}) üstünde; hiçbir fiyat hepsine uymuyor. ${price > today ? `Bugünkü fiyat ${money(today)} bu sınırın altında; ${money(price)} altında satmayın.` : 'Bugünkü fiyat korunuyor.'} En yüksek fiyatı artırın ya da maliyeti ve marjı kontrol edin.`,
    };
    return s;
  }

  // Search range: the owner's rules are hard; the step limit and competitors only narrow within them.
  let lower = Math.max(ceil2(p0 * (1 - step)), lim.lo);
  let upper = Math.min(floor2(p0 * (1 + step)), lim.hi);
  if (competitors) upper = Math.min(upper, Math.max(floor2(competitors.highest), lower));
  if (upper < lower) {
    // Today's price is outside the owner's bounds by more than a step: go to the nearest allowed price.
    const nearest = Math.min(lim.hi, Math.max(lim.lo, today));
    lower = nearest;
    upper = nearest;
  }
  const bounds = { lower, upper };
  const out = outOfBounds(today, lim);
  // Without evidence to optimise on, a move the rules force goes exactly to the nearest allowed price.
  const forced = out ? out.target : today;
  const forcedBounds = { lower: forced, upper: forced };
  const moveText = (price: number): Text => ({ en: `${price > p0 ? 'Raise' : 'Lower'} it to ${money(price)}.`, tr: `Fiyatı ${money(price)} yapın.` });

  if (cost === null || !est) {
    const why = cost === null ? (out ? NO_COST_MOVED : NO_COST) : NO_ELASTICITY;
    const s = unestimated(forced, out?.broken ?? null);
    return { ...s, reason: out ? join(out.text, moveText(forced), why) : why, bounds: forcedBounds };
  }

  const beta = est.elasticity;
  const current = outcome(p0, p0, q0, beta, cost);
  if (!est.significant && !out) {
    const e = elasticityText(est);
    return {
      action: 'keep',
      reason: { en: `${e.en}: keeping the price.`, tr: `${e.tr}: fiyat korunuyor.` },
      current,
      suggested: current,
      range: null,
      bounds: forcedBounds,
      competitors,
      forced: null,
    };
  }

  let best: number;
  if (!est.significant) {
    // No evidence to optimise on, but the rules still have to hold.
    best = forced;
  } else {
    // Constant elasticity: profit peaks at p* = c·β/(1+β) when β < −1; otherwise it rises with price.
    const unconstrained = beta < -1 ? (cost * beta) / (1 + beta) : Infinity;
    best = Math.min(upper, Math.max(lower, unconstrained));
    // Check the bounds too: with a floor above p* the nearest bound wins; compare numerically.
    const candidates = [lower, upper, best].filter((p) => Number.isFinite(p));
    best = candidates.reduce((b, p) => (outcome(p, p0, q0, beta, cost).profitPerDay > outcome(b, p0, q0, beta, cost).profitPerDay ? p : b), candidates[0]!);
    best = Math.min(upper, Math.max(lower, round2(best)));
  }
  const suggested = outcome(best, p0, q0, beta, cost);
  const chosenFrom = est.significant ? bounds : forcedBounds;
  const range = rangeOf(est, best, p0, q0, cost);
  const change = (best - p0) / p0;
  // A move the rules force is always named as a move, however small.
  const action = out ? (best > p0 ? 'raise' : 'lower') : Math.abs(change) < 0.005 ? 'keep' : change > 0 ? 'raise' : 'lower';
  const pct = `${(change * 100).toFixed(1)}%`;
  const dUnits = (suggested.unitsPerDay - current.unitsPerDay) * 30;
  const dProfit = (suggested.profitPerDay - current.profitPerDay) * 30;
  const e = elasticityText(est);
  const effect: Text = out
    ? join(moveText(best), {
        en: `${e.en}: expected change over 30 days ${signed(dUnits, 1)} units, profit ${signed(dProfit, 2)}.`,
        tr: `${e.tr}: 30 günde beklenen değişim ${signed(dUnits, 1)} adet, kâr ${signed(dProfit, 2)}.`,
      })
    : {
        en: `${e.en}: ${action === 'keep' ? 'today’s price is already near the best allowed' : `${action} ${pct} to ${money(best)}`}; expected profit change ${dProfit.toFixed(2)} per 30 days.`,
        tr: `${e.tr}: ${action === 'keep' ? 'bugünkü fiyat izin verilen en iyi fiyata zaten yakın' : `fiyatı ${pct} değiştirip ${money(best)} yapın`}; 30 günde beklenen kâr değişimi ${dProfit.toFixed(2)}.`,
      };
  return { action, reason: out ? join(out.text, effect) : effect, current, suggested, range, bounds: chosenFrom, competitors, forced: out?.broken ?? null };
}
