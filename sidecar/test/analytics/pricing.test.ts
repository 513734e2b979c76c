import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadPriceHistory } from '../../src/analytics/data/price-history';
import { loadSeries } from '../../src/analytics/data/sales-series';
import { poissonRegression } from '../../src/analytics/pricing/glm';
import { ElasticityUnavailable, estimateElasticity, type ElasticityEstimate } from '../../src/analytics/pricing/elasticity';
import { suggestPrice } from '../../src/analytics/pricing/optimise';
import { weekday, dayIndex } from '../../src/analytics/calendar';
import { dailyHistory, shopWith, type ShopFixture } from './fixtures';

// Price regimes of two weeks each; demand = 6 · (price / 20)^−1.5 units a day, busier at weekends.
const PRICES = [20, 24, 17, 22, 19, 26, 16, 21];
const priceOn = (d: number) => PRICES[Math.floor(d / 14) % PRICES.length]!;
const WEEKEND = [1.3, 0.9, 0.9, 0.9, 1, 1.1, 1.2];

describe('analytics: price elasticity from the shop’s own price changes', () => {
  let shop: ShopFixture;
  before(async () => {
    const history = dailyHistory({
      seed: 21,
      firstDay: '2025-09-01',
      days: 224,
      products: [
        { key: 'ELASTIC', price: priceOn, rate: (d, wd) => 6 * Math.pow(priceOn(d) / 20, -1.5) * WEEKEND[wd]! },
        { key: 'FLAT', price: 30, rate: () => 3 },
      ],
    });
    shop = await shopWith(history, { prefix: 'prc_', today: '2026-04-13' });
  });
  after(async () => shop?.db.drop());

  async function series(key: string) {
    const id = shop.written.productIds.get(key)!;
    const window = { from: '2025-09-01', to: '2026-04-12' };
    const units = (await loadSeries(shop.ctx, { level: 'product', measure: 'units', ...window, keys: [id] })).series.get(String(id))!;
    const prices = (await loadPriceHistory(shop.ctx, [id], window)).get(id)!;
    return { key, units, price: prices.price, firstWeekday: weekday(dayIndex(window.from)) };
  }

  it('recovers a planted elasticity of −1.5 within ±0.3, with a confidence interval around it', async () => {
    const est = estimateElasticity([await series('ELASTIC')]);
    assert.ok(Math.abs(est.elasticity + 1.5) <= 0.3, `elasticity ${est.elasticity}`);
    if (process.env.ANALYTICS_VERBOSE) console.log(`planted −1.5 → estimated ${est.elasticity.toFixed(3)} (95% ${est.ci95.map((v) => v.toFixed(2)).join('…')})`);
    assert.ok(est.ci95[0] < -1.5 + 0.3 && est.ci95[1] > -1.5 - 0.3, `CI ${est.ci95}`);
    assert.ok(est.significant);
    assert.equal(est.scope, 'product');
    assert.ok(est.priceLevels >= 6);
  });

  it('refuses to invent an elasticity when the price never changed', async () => {
    const flat = await series('FLAT');
    assert.throws(() => estimateElasticity([flat]), (err: unknown) => err instanceof ElasticityUnavailable && err.code === 'no_price_variation');
  });

  it('Poisson regression matches a known fit', () => {
    // log μ = 0.5 + 0.8 x, noise-free means: the fit returns the coefficients.
    const x = Array.from({ length: 50 }, (_, i) => [1, i / 25]);
    const y = x.map((r) => Math.exp(0.5 + 0.8 * r[1]!));
    const fit = poissonRegression(x, y);
    assert.ok(Math.abs(fit.coefficients[0]! - 0.5) < 1e-6 && Math.abs(fit.coefficients[1]! - 0.8) < 1e-6);
    assert.ok(fit.converged);
  });
});

describe('analytics: price suggestions', () => {
  const est = (elasticity: number, se = 0.1): ElasticityEstimate => ({
    scope: 'product', elasticity, se, ci95: [elasticity - 1.96 * se, elasticity + 1.96 * se], significant: Math.abs(elasticity) > 1.96 * se, confidence: 'high', days: 200, priceLevels: 4, priceRange: [10, 20], dispersion: 1,
  });

  it('moves towards the profit-maximising price c·β/(1+β), at most one step at a time', () => {
    // β = −3, cost 10: p* = 15. From 20 the step limit (15 %) stops at 17.
    const s = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 10, elasticity: est(-3), rules: { cost: 10 } });
    assert.equal(s.action, 'lower');
    assert.equal(s.suggested.price, 17);
    assert.ok(s.suggested.profitPerDay! > s.current.profitPerDay!);
    assert.ok(s.range && s.range.profitChange[0] <= s.range.profitChange[1]);
    const near = suggestPrice({ currentPrice: 16, baseUnitsPerDay: 10, elasticity: est(-3), rules: { cost: 10 } });
    assert.equal(near.suggested.price, 15);
  });

  it('keeps the price without evidence, and says why in both languages', () => {
    const s = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 10, elasticity: est(-0.2, 0.5), rules: { cost: 10 } });
    assert.equal(s.action, 'keep');
    assert.match(s.reason.tr, /sıfırdan ayırt edilemiyor/);
    assert.equal(suggestPrice({ currentPrice: 20, baseUnitsPerDay: 10, elasticity: est(-2), rules: { cost: null } }).action, 'unavailable');
  });

  it('never goes below cost or outside the owner’s bounds and margin floor, whatever the action', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.option(fc.double({ min: 0.2, max: 3, noNaN: true })),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.option(fc.double({ min: 0.5, max: 2, noNaN: true })),
        fc.option(fc.double({ min: 0.5, max: 2, noNaN: true })),
        // Elasticity with an interval that may or may not include 0; null: none for the product or its category.
        fc.option(fc.record({ beta: fc.double({ min: -6, max: 0.5, noNaN: true }), se: fc.double({ min: 0.02, max: 2, noNaN: true }) })),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { maxLength: 4 }),
        (price, costRatio, margin, minRatio, maxRatio, elasticity, comps) => {
          const cost = costRatio === null ? null : price * costRatio;
          const minPrice = minRatio === null ? null : price * minRatio;
          const maxPrice = maxRatio === null ? null : price * maxRatio;
          const s = suggestPrice({
            currentPrice: price,
            baseUnitsPerDay: 5,
            elasticity: elasticity && est(elasticity.beta, elasticity.se),
            rules: { cost, minMargin: margin, minPrice, maxPrice },
            competitors: comps.map((c) => ({ marketplace: 'trendyol', price: price * c })),
          });
          seen.add(s.action);
          const p = s.suggested.price;
          const floor = Math.max(minPrice ?? 0, cost === null ? 0 : cost / (1 - margin));
          const ceiling = maxPrice ?? Infinity;
          // 1e-9: floating-point noise in the generated cost (real costs have four decimals).
          if (cost !== null) assert.ok(p >= cost - 1e-9, `${s.action} ${p} below cost ${cost}`);
          // Prices are whole cents: rules with no whole-cent price between floor and ceiling contradict.
          if (Math.ceil(floor * 100 - 1e-6) > Math.floor(ceiling * 100 + 1e-6)) {
            assert.equal(s.action, 'unavailable');
            assert.match(s.reason.en, /contradict/);
            assert.match(s.reason.tr, /çelişiyor/);
            assert.ok(p >= floor - 1e-9, `${p} below the floor ${floor}`);
            return;
          }
          assert.ok(p >= floor - 1e-9 && p <= ceiling + 1e-9, `${s.action} ${p} outside [${floor}, ${ceiling}]`);
          if (cost !== null && p > 0) assert.ok((p - cost) / p >= margin - 1e-9, `${s.action} ${p}: margin below ${margin}`);
          assert.ok(p >= s.bounds.lower && p <= s.bounds.upper, `${p} outside the reported bounds ${JSON.stringify(s.bounds)}`);
          const today = Math.round(price * 100) / 100;
          const outside = today < Math.ceil(floor * 100 - 1e-6) / 100 || today > Math.floor(ceiling * 100 + 1e-6) / 100;
          assert.equal(s.forced !== null, outside, `${today} in [${floor}, ${ceiling}]: forced ${JSON.stringify(s.forced)}`);
          if (s.action === 'unavailable') assert.ok(s.suggested.unitsPerDay === null && s.suggested.profitPerDay === null, JSON.stringify(s.suggested));
          if (today < floor - 1e-9 || today > ceiling + 1e-9) {
            assert.notEqual(s.action, 'keep', `${today} outside [${floor}, ${ceiling}] kept`);
            assert.ok(p !== today);
            // Without evidence to optimise on (no cost, no elasticity or one not distinguishable from 0): exactly the nearest bound.
            const evidence = cost !== null && elasticity !== null && Math.abs(elasticity.beta) > 1.96 * elasticity.se;
            if (!evidence) assert.ok(Math.abs(p - (today < floor ? Math.ceil(floor * 100 - 1e-6) / 100 : Math.floor(ceiling * 100 + 1e-6) / 100)) < 1e-9, `${p}: not the nearest bound`);
          }
        },
      ),
      { numRuns: 500 },
    );
    assert.deepEqual([...seen].sort(), ['keep', 'lower', 'raise', 'unavailable']);
  });

  it('moves a price below cost and the owner’s minimum up to the minimum, even without evidence on demand', () => {
    // The audit's case: price 8, cost 10, minPrice 12; the elasticity −0.2 ± 0.98 is not significant.
    const s = suggestPrice({ currentPrice: 8, baseUnitsPerDay: 5, elasticity: est(-0.2, 0.5), rules: { cost: 10, minPrice: 12 } });
    assert.equal(s.action, 'raise');
    assert.equal(s.suggested.price, 12);
    assert.deepEqual(s.bounds, { lower: 12, upper: 12 });
    assert.match(s.reason.en, /below the unit cost 10\.00.*lowest price your rules allow is 12\.00 \(your minimum price\)/);
    assert.match(s.reason.tr, /birim maliyetin \(10\.00\) altında.*en düşük fiyat 12\.00/);
    // Effect under the point estimate: 5 · (12/8)^−0.2 = 4.6105 units a day, profit 2 × 4.6105 = 9.2211
    // against (8 − 10) × 5 = −10 today.
    assert.ok(Math.abs(s.suggested.unitsPerDay! - 4.6105) < 1e-4, `${s.suggested.unitsPerDay}`);
    assert.ok(Math.abs(s.suggested.profitPerDay! - 9.2211) < 1e-4, `${s.suggested.profitPerDay}`);
    assert.equal(s.current.profitPerDay, -10);
    // Interval ends −1.18 and 0.78: units 5·1.5^−1.18 − 5 = −1.9013 … 5·1.5^0.78 − 5 = +1.8600.
    assert.ok(s.range && Math.abs(s.range.unitsChange[0] + 1.9013) < 1e-4 && Math.abs(s.range.unitsChange[1] - 1.86) < 1e-4, JSON.stringify(s.range));

    // No elasticity for the product or its category: the same move, its effect not estimated.
    const blind = suggestPrice({ currentPrice: 8, baseUnitsPerDay: 5, elasticity: null, rules: { cost: 10, minPrice: 12 } });
    assert.equal(blind.action, 'unavailable');
    assert.equal(blind.suggested.price, 12);
    assert.equal(blind.range, null);
    assert.match(blind.reason.en, /below the unit cost 10\.00.*Raise it to 12\.00.*not estimated/);
    assert.match(blind.reason.tr, /Fiyatı 12\.00 yapın.*tahmin edilmedi/);

    // Above cost but below the 10 % margin floor: 10 / 0.9 = 11.111…, rounded up to 11.12.
    const thin = suggestPrice({ currentPrice: 10.5, baseUnitsPerDay: 5, elasticity: est(-0.2, 0.5), rules: { cost: 10, minMargin: 0.1 } });
    assert.equal(thin.action, 'raise');
    assert.equal(thin.suggested.price, 11.12);
    assert.match(thin.reason.en, /below the margin floor 11\.12/);
    assert.match(thin.reason.tr, /asgari marj sınırının \(11\.12\) altında/);
  });

  it('moves a price above the owner’s maximum down to it', () => {
    const s = suggestPrice({ currentPrice: 30, baseUnitsPerDay: 5, elasticity: est(-0.2, 0.5), rules: { cost: 10, maxPrice: 25 } });
    assert.equal(s.action, 'lower');
    assert.equal(s.suggested.price, 25);
    assert.match(s.reason.en, /above your maximum price 25\.00.*Lower it to 25\.00/);
    assert.match(s.reason.tr, /en yüksek fiyatın \(25\.00\) üstünde/);
    // 5 · (25/30)^−0.2 = 5.1857 units a day; profit 15 × 5.1857 = 77.785 against 20 × 5 = 100.
    assert.ok(Math.abs(s.suggested.unitsPerDay! - 5.1857) < 1e-4 && Math.abs(s.suggested.profitPerDay! - 77.785) < 1e-3, JSON.stringify(s.suggested));
    // With a significant elasticity the optimiser also stays at or below the maximum.
    const sig = suggestPrice({ currentPrice: 30, baseUnitsPerDay: 5, elasticity: est(-0.5), rules: { cost: 10, maxPrice: 25 } });
    assert.equal(sig.action, 'lower');
    assert.equal(sig.suggested.price, 25);
  });

  it('says the rules contradict each other when the floor is above the maximum, and offers nothing below it', () => {
    // Cost 10 with a 10 % margin floor needs 11.12; the maximum is 10.50.
    const s = suggestPrice({ currentPrice: 8, baseUnitsPerDay: 5, elasticity: est(-3), rules: { cost: 10, minMargin: 0.1, maxPrice: 10.5 } });
    assert.equal(s.action, 'unavailable');
    assert.equal(s.suggested.price, 11.12);
    assert.deepEqual(s.bounds, { lower: 11.12, upper: 10.5 });
    assert.match(s.reason.en, /contradict.*11\.12.*above your maximum price 10\.50/);
    assert.match(s.reason.tr, /çelişiyor/);
    const above = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 5, elasticity: est(-3), rules: { cost: 10, minPrice: 15, maxPrice: 12 } });
    assert.equal(above.action, 'unavailable');
    assert.equal(above.suggested.price, 20);
    assert.match(above.reason.en, /15\.00 \(your minimum price\), is above your maximum price 12\.00/);
  });

  it('leaves the effect of an `unavailable` suggestion empty instead of repeating today’s units', () => {
    // No elasticity: the move to the minimum is made, its effect on demand unknown.
    const blind = suggestPrice({ currentPrice: 8, baseUnitsPerDay: 5, elasticity: null, rules: { cost: 10, minPrice: 12 } });
    assert.equal(blind.action, 'unavailable');
    assert.deepEqual(blind.suggested, { price: 12, unitsPerDay: null, profitPerDay: null });
    // Today's outcome is known: the demand forecast at today's price, (8 − 10) × 5 with the cost.
    assert.deepEqual(blind.current, { price: 8, unitsPerDay: 5, profitPerDay: -10 });
    // No cost: no profit either, today's or the suggestion's (before, the price was taken as all profit).
    const noCost = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 5, elasticity: est(-2), rules: { cost: null } });
    assert.deepEqual([noCost.action, noCost.current, noCost.suggested], ['unavailable', { price: 20, unitsPerDay: 5, profitPerDay: null }, { price: 20, unitsPerDay: null, profitPerDay: null }]);
    // Contradicting rules, though cost and elasticity are known: still not estimated.
    const contra = suggestPrice({ currentPrice: 8, baseUnitsPerDay: 5, elasticity: est(-3), rules: { cost: 10, minMargin: 0.1, maxPrice: 10.5 } });
    assert.deepEqual([contra.action, contra.suggested.unitsPerDay, contra.suggested.profitPerDay], ['unavailable', null, null]);
  });

  it('marks a move the owner’s rules force with the rule broken and its price', () => {
    const forced = (currentPrice: number, rules: Parameters<typeof suggestPrice>[0]['rules'], elasticity: ElasticityEstimate | null = est(-0.2, 0.5)) =>
      suggestPrice({ currentPrice, baseUnitsPerDay: 5, elasticity, rules }).forced;
    assert.deepEqual(forced(8, { cost: 10, minPrice: 12 }), { rule: 'cost', limit: 10 });
    assert.deepEqual(forced(10.5, { cost: 10, minMargin: 0.1 }), { rule: 'margin', limit: 11.12 });
    assert.deepEqual(forced(11, { cost: 5, minPrice: 12 }), { rule: 'min_price', limit: 12 });
    assert.deepEqual(forced(30, { cost: 10, maxPrice: 25 }), { rule: 'max_price', limit: 25 });
    // Marked whatever the action: with a significant elasticity, and with none (unavailable).
    assert.deepEqual(forced(30, { cost: 10, maxPrice: 25 }, est(-0.5)), { rule: 'max_price', limit: 25 });
    assert.deepEqual(forced(30, { cost: null, maxPrice: 25 }, null), { rule: 'max_price', limit: 25 });
    // Inside the rules: nothing forced, whether kept or optimised.
    assert.equal(forced(20, { cost: 10 }), null);
    assert.equal(forced(20, { cost: 10 }, est(-3)), null);
    // Contradicting rules: a price below the floor is still raised to it; one above the maximum is left.
    assert.deepEqual(forced(8, { cost: 10, minMargin: 0.1, maxPrice: 10.5 }, est(-3)), { rule: 'cost', limit: 10 });
    assert.equal(forced(20, { cost: 10, minPrice: 15, maxPrice: 12 }, est(-3)), null);
  });

  it('does not price above the dearest competitor', () => {
    const s = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 10, elasticity: est(-0.5), rules: { cost: 5 }, competitors: [{ marketplace: 'hepsiburada', price: 21 }, { marketplace: 'n11', price: 19 }] });
    assert.equal(s.action, 'raise');
    assert.equal(s.suggested.price, 21);
    assert.deepEqual(s.competitors, { lowest: 19, highest: 21, count: 2 });
  });
});
