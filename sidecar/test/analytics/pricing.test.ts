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
    assert.ok(s.suggested.profitPerDay > s.current.profitPerDay);
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

  it('never goes below cost or outside the owner’s bounds and margin floor', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -6, max: 0.5, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.option(fc.double({ min: 0.5, max: 1.5, noNaN: true })),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { maxLength: 4 }),
        (beta, price, costRatio, margin, maxRatio, comps) => {
          const cost = price * costRatio;
          const maxPrice = maxRatio === null ? null : price * maxRatio;
          const s = suggestPrice({
            currentPrice: price,
            baseUnitsPerDay: 5,
            elasticity: est(beta, 0.05),
            rules: { cost, minMargin: margin, maxPrice },
            competitors: comps.map((c) => ({ marketplace: 'trendyol', price: price * c })),
          });
          if (s.action === 'keep' || s.action === 'unavailable') return true;
          const floor = Math.max(cost, cost / (1 - margin));
          const withinMax = maxPrice === null || maxPrice < floor || s.suggested.price <= maxPrice + 0.005;
          return s.suggested.price >= Math.floor(floor * 100) / 100 && s.suggested.price >= cost - 0.005 && withinMax;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not price above the dearest competitor', () => {
    const s = suggestPrice({ currentPrice: 20, baseUnitsPerDay: 10, elasticity: est(-0.5), rules: { cost: 5 }, competitors: [{ marketplace: 'hepsiburada', price: 21 }, { marketplace: 'n11', price: 19 }] });
    assert.equal(s.action, 'raise');
    assert.equal(s.suggested.price, 21);
    assert.deepEqual(s.competitors, { lowest: 19, highest: 21, count: 2 });
  });
});
