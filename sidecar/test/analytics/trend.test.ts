import assert from 'node:assert/strict';
import { theilSen, trendForecast } from '../../src/analytics/forecast/trend';
import { adidaForecast } from '../../src/analytics/forecast/adida';
import { etsForecast } from '../../src/analytics/forecast/ets';
import { defaultCandidates, forecastSeries } from '../../src/analytics/forecast/engine';
import { backtest } from '../../src/analytics/forecast/backtest';
import { poisson, rng } from './fixtures';

/** Weekday shares of a shop closed on Saturdays (index = weekday, 0 = Sunday; day 0 is a Sunday). */
const SHARES = [40, 120, 110, 105, 115, 100, 0].map((v) => v / 590);
const ctx = { season: 7, firstWeekday: 0 };

/** Daily counts of a store whose weekly volume is `weekly(t / 7)` (planted), Poisson noise. */
function store(seed: number, days: number, weekly: (week: number) => number): number[] {
  const r = rng(seed);
  return Array.from({ length: days }, (_, t) => poisson(r, weekly(t / 7) * SHARES[t % 7]!));
}

const sum = (x: readonly number[]) => x.reduce((a, b) => a + b, 0);

describe('analytics: weekly trend line (Theil–Sen)', () => {
  it('recovers a planted line, and one wild point moves it little where least squares would follow', () => {
    const x = Array.from({ length: 26 }, (_, i) => 100 + 4 * i);
    assert.deepEqual(theilSen(x), { intercept: 100, slope: 4 });
    const spiked = x.slice();
    spiked[24] = 2000; // a giant wholesale week near the end
    const robust = theilSen(spiked);
    assert.ok(Math.abs(robust.slope - 4) < 0.5, `slope with one wild week ${robust.slope}`);
    assert.ok(Math.abs(robust.intercept - 100) < 5, `intercept with one wild week ${robust.intercept}`);
    assert.deepEqual(theilSen([]), { intercept: 0, slope: 0 });
  });

  it('extends a planted weekly growth into the horizon, spread by weekday, closed days at 0', () => {
    // 1,000 units a week growing by 30 a week; 203 days = 29 whole weeks, the line uses the last 26 (TREND_WEEKS).
    const weekly = (w: number) => 1000 + 30 * w;
    const y = store(5, 203, weekly);
    const f = trendForecast(y, 28, ctx);
    for (let w = 0; w < 4; w++) {
      const truth = weekly(29 + w + 0.5);
      const got = sum(f.slice(w * 7, w * 7 + 7));
      assert.ok(Math.abs(got - truth) / truth < 0.04, `week ${w + 1}: ${got.toFixed(0)} vs ${truth}`);
    }
    f.forEach((v, k) => (k % 7 === 6 ? assert.equal(v, 0, `closed Saturday ${k}`) : assert.ok(v > 0)));
    // A level method lags the climb: its four weeks fall short of the trend line's.
    const truth4 = sum([29, 30, 31, 32].map((w) => weekly(w + 0.5)));
    assert.ok(Math.abs(sum(f) - truth4) < Math.abs(sum(adidaForecast(y, 28, ctx)) - truth4));
  });

  it('is flat on a short history and never goes below 0 on a falling one', () => {
    const short = store(6, 35, () => 700);
    const f = trendForecast(short, 14, ctx);
    assert.ok(Math.abs(sum(f.slice(0, 7)) - 700) < 120, `flat week ${sum(f.slice(0, 7))}`);
    assert.ok(Math.abs(sum(f.slice(0, 7)) - sum(f.slice(7, 14))) < 1e-9, 'no slope from five weeks');
    const falling = store(7, 182, (w) => Math.max(0, 2600 - 100 * w));
    assert.ok(trendForecast(falling, 90, ctx).every((v) => v >= 0));
  });
});

describe('analytics: the trend line among the candidates', () => {
  it('is a candidate for dense aggregates only', () => {
    const dense = store(8, 182, () => 1000);
    assert.ok(defaultCandidates(dense, true).includes('trend'));
    assert.ok(!defaultCandidates(dense, false).includes('trend'), 'products (sparse, not aggregates) do not get it');
  });

  it('wins the inner backtest on a steadily growing store and forecasts the growth; only history before the origin is used', () => {
    const weekly = (w: number) => 3000 + 120 * w;
    let trendOrCombo = 0;
    let errAuto = 0;
    let errEts = 0;
    for (let s = 0; s < 6; s++) {
      const y = store(20 + s, 280, weekly);
      const origin = 245;
      const f = forecastSeries(y.slice(0, origin), 30, ctx, { aggregate: true });
      if (f.method === 'trend' || f.method === 'combo') trendOrCombo++;
      // What comes after the origin cannot change the forecast made at it.
      const later = [...y.slice(0, origin), ...y.slice(origin).map((v) => v * 50)];
      assert.deepEqual(forecastSeries(later.slice(0, origin), 30, ctx, { aggregate: true }), f);
      const actual = sum(y.slice(origin, origin + 28));
      errAuto += Math.abs(sum(f.mean.slice(0, 28)) - actual) / actual;
      errEts += Math.abs(sum(etsForecast(y.slice(0, origin), 28, ctx)) - actual) / actual;
    }
    assert.ok(trendOrCombo >= 5, `trend or its combination chosen on ${trendOrCombo} of 6 growing stores`);
    assert.ok(errAuto < errEts, `four-week total error: auto ${errAuto / 6} vs ETS alone ${errEts / 6}`);
  });

  it('scores a backtest the same whatever lies beyond the scored days', async () => {
    const y = store(30, 300, (w) => 2000 + 50 * w);
    const changed = [...y.slice(0, 270), ...y.slice(270).map((v) => v * 7 + 13)];
    const spec = { origins: [200, 228], horizons: [7, 30], firstWeekday: 0, aggregate: true };
    const a = await backtest([{ key: 's', y }], ['auto', 'trend'], spec);
    const b = await backtest([{ key: 's', y: changed }], ['auto', 'trend'], spec);
    assert.deepEqual(a, b);
  });
});
