import assert from 'node:assert/strict';
import { dayIndex } from '../../src/analytics/calendar';
import { knownAt, type DemandInputs } from '../../src/analytics/demand/features';
import { chooseWeight, demandOrigins, fitDemand, predictDemand, type DemandFit } from '../../src/analytics/demand/backtest';
import { levelSample } from '../../src/analytics/demand/forest';
import { poisson, rng } from './fixtures';

// A catalogue whose demand the naive rate cannot see coming: scheduled specials (known ahead, as
// OpenCart's product_special rows are) triple a product's sales for a week at 20 % off.
const DAYS = 280;
const START = dayIndex('2025-03-03');
const FOREST = { maxRows: 250, trees: 15, maxDepth: 6, step: 7 };

function catalogue(seed: number, products: number): DemandInputs[] {
  const r = rng(seed);
  const out: DemandInputs[] = [];
  for (let p = 0; p < products; p++) {
    const base = p === 0 ? 10 : 0.5 * Math.pow(60, r()); // 0.5 … 30 units a day
    const special = new Array<number>(DAYS + 30).fill(0);
    // The first product's special starts tomorrow (the day after the history), the others' anywhen.
    const first = p === 0 ? DAYS % 42 : 10 + Math.floor(r() * 30);
    for (let d = first; d < DAYS + 30; d += p === 0 ? 42 : 35 + Math.floor(r() * 30)) {
      for (let k = 0; k < 7 && d + k < special.length; k++) special[d + k] = 1;
    }
    const units = Array.from({ length: DAYS }, (_, d) => poisson(r, base * (special[d] ? 3 : 1)));
    out.push({ units, price: special.map((s) => (s ? 8 : 10)), special, startDay: START });
  }
  return out;
}

const wape = (f: DemandFit) => f.scores.reduce((a, s) => a + s.abs, 0) / f.scores.reduce((a, s) => a + s.actual, 0);
const naiveWape = (f: DemandFit) => f.scores.reduce((a, s) => a + s.naiveAbs, 0) / f.scores.reduce((a, s) => a + s.actual, 0);

describe('analytics: demand forest, rolling-origin backtest and blend with the naive rate', () => {
  const products = catalogue(5, 40);
  let fit7: DemandFit;
  before(async () => {
    fit7 = await fitDemand(products, { horizon: 7, origins: 3, forest: FOREST });
  });

  it('plans origins a fortnight (or h) apart, the newest leaving h days, none before day 56', () => {
    assert.deepEqual(demandOrigins(280, 7, 3), [231, 245, 259, 273]);
    assert.deepEqual(demandOrigins(280, 30, 3), [160, 190, 220, 250]);
    assert.deepEqual(demandOrigins(100, 30, 3), [70]);
    assert.deepEqual(demandOrigins(50, 7, 3), []);
  });

  it('beats the naive rate in its backtest when scheduled specials drive demand', () => {
    assert.equal(fit7.scores.length, 3, 'three scored origins');
    assert.equal(fit7.origins.length, 4, 'plus one that only chooses the first weight');
    assert.equal(fit7.forests, 5, 'one forest per origin and the live one');
    const w = wape(fit7);
    const n = naiveWape(fit7);
    assert.ok(w < 0.6 * n, `forest WAPE ${w.toFixed(3)} vs naive ${n.toFixed(3)}`);
    // The served forecast of a product whose special starts tomorrow is above its naive rate.
    const promo = products[0]!;
    assert.ok(promo.special[DAYS] === 1 && promo.special[DAYS - 1] === 0);
    const served = predictDemand(fit7, promo);
    const naive = (promo.units.slice(-28).reduce((a, b) => a + b, 0) / 28) * 7;
    assert.ok(served.value > 1.3 * naive, `served ${served.value.toFixed(1)} vs naive ${naive.toFixed(1)}`);
  });

  it('chooses the weight used at an origin on older origins only', async () => {
    // From each scored origin on, every product's sales are replaced by a flat continuation of its last
    // four weeks: the naive rate becomes nearly exact there and the forest does not.
    const flatFrom = (origin: number) =>
      products.map((p) => {
        const rate = p.units.slice(origin - 28, origin).reduce((a, b) => a + b, 0) / 28;
        return { ...p, units: [...p.units.slice(0, origin), ...new Array<number>(DAYS - origin).fill(rate)] };
      });
    const weights = fit7.scores.map((s) => s.weight);
    for (const [k, score] of fit7.scores.entries()) {
      const changed = await fitDemand(flatFrom(score.origin), { horizon: 7, origins: 3, forest: FOREST });
      assert.notEqual(changed.scores[k]!.naiveAbs, score.naiveAbs, 'the scored window did change');
      assert.deepEqual(
        changed.scores.slice(0, k + 1).map((s) => s.weight),
        weights.slice(0, k + 1),
        `weights up to origin ${score.origin}`,
      );
      // The live weight may use every window, and here it follows the change (so the check has teeth).
      if (k === 0) assert.ok(changed.weight < fit7.weight, `live weight ${changed.weight} vs ${fit7.weight}`);
    }
  });

  it('scores each origin with only the specials known then: a special starting later is not foreseen', async () => {
    // OpenCart keeps no creation date on product_special: one that starts after an origin may have been
    // entered after it, so the backtest must not credit the forest with it. A running one is known.
    assert.deepEqual(knownAt({ units: [], price: [], special: [0, 1, 1, 0, 0, 1, 1], startDay: 0 }, 2).special, [0, 1, 1, 0, 0, 0, 0]);
    assert.deepEqual(knownAt({ units: [], price: [], special: [0, 1, 1, 0, 0, 1, 1], startDay: 0 }, 6).special, [0, 1, 1, 0, 0, 1, 1]);
    assert.deepEqual(knownAt({ units: [], price: [], special: [1, 1, 0], startDay: 0 }, 0).special, [0, 0, 0]);
    // Products whose special starts inside a scored window: the same backtest without those specials
    // (their sales unchanged) must score that origin identically.
    for (const [k, score] of fit7.scores.entries()) {
      const o = score.origin;
      const starting = products.filter((p) => p.special[o - 1] === 0 && p.special.slice(o, o + 7).includes(1));
      assert.ok(starting.length > 0, `a special starts in the window of origin ${o}`);
      const unscheduled = products.map((p) => (starting.includes(p) ? { ...p, special: [...p.special.slice(0, o), ...new Array<number>(p.special.length - o).fill(0)] } : p));
      const refit = await fitDemand(unscheduled, { horizon: 7, origins: 3, forest: FOREST });
      assert.equal(refit.scores[k]!.abs, score.abs, `origin ${o}: ${starting.length} products' later specials changed its score`);
    }
  });

  it('picks the blend weight with the least absolute error, ties to the forest; no evidence, no forest', () => {
    const pair = (actual: number, forest: number, naive: number, fitted = true) => ({ actual, forest, naive, fitted });
    assert.equal(chooseWeight([]), 0, 'a forest nobody has scored is not served');
    assert.equal(chooseWeight([pair(10, 10, 10, false)]), 0, 'the naive rate standing in for a forest that could not be fitted is no evidence');
    assert.equal(chooseWeight([pair(10, 20, 10)]), 0);
    assert.equal(chooseWeight([pair(15, 20, 10)]), 0.5);
    assert.equal(chooseWeight([pair(10, 10, 10)]), 1);
    // Best at w = 0.3: the grid's nearest is ¼. Pooled over pairs, not averaged per pair.
    assert.equal(chooseWeight([pair(13, 20, 10)]), 0.25);
    assert.equal(chooseWeight([pair(100, 100, 0), pair(0, 10, 0)]), 1);
    assert.equal(chooseWeight([pair(15, 20, 10), pair(1000, 1000, 0, false)]), 0.5, 'unfitted pairs do not sway the choice');
  });

  it('samples training rows in proportion to the product level', () => {
    const rows = [...Array.from({ length: 90 }, () => ({ level: 1 })), ...Array.from({ length: 10 }, () => ({ level: 81 }))];
    const sample = levelSample(rows, 50);
    assert.equal(sample.length, 50);
    // 10 × 81 of 900 units of level: 45 of 50 draws.
    assert.equal(sample.filter((r) => r.level === 81).length, 45);
  });
});
