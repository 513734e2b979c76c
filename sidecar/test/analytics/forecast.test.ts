import assert from 'node:assert/strict';
import { bias, coverage, mase, maseScale, quantile, rmsse, rmsseScale, wape } from '../../src/analytics/forecast/metrics';
import { seasonalNaive, weekdayProfile } from '../../src/analytics/forecast/naive';
import { etsForecast, fitEts } from '../../src/analytics/forecast/ets';
import { sbaForecast, tsbForecast } from '../../src/analytics/forecast/intermittent';
import { adidaForecast } from '../../src/analytics/forecast/adida';
import { arimaForecast, arimaRaw, ArimaFitError } from '../../src/analytics/forecast/arima';
import { forecastSeries } from '../../src/analytics/forecast/engine';
import { backtest, rollingOrigins } from '../../src/analytics/forecast/backtest';
import { poisson, rng } from './fixtures';

const WEEK = [10, 12, 11, 13, 15, 25, 0]; // Saturday-like closed day last
const ctx = { season: 7, firstWeekday: 0 };

function seasonalNoise(seed: number, days: number, level = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: days }, (_, t) => poisson(r, WEEK[t % 7]! * level));
}

describe('analytics: forecast metrics', () => {
  it('computes MASE, RMSSE, WAPE, bias and coverage as defined', () => {
    const train = [1, 2, 3, 4, 5, 6, 7, 3, 2, 5, 4, 5, 6, 9];
    // |3-1|+|2-2|+|5-3|+|4-4|+|5-5|+|6-6|+|9-7| = 6 over 7 pairs
    assert.equal(maseScale(train, 7), 6 / 7);
    assert.equal(rmsseScale(train, 7), 12 / 7);
    const actual = [4, 6, 0, 10];
    const fc = [5, 5, 1, 8];
    assert.equal(mase(actual, fc, 6 / 7), (5 / 4) / (6 / 7));
    assert.equal(rmsse(actual, fc, 12 / 7), Math.sqrt(7 / 4 / (12 / 7)));
    assert.equal(wape(actual, fc), 5 / 20);
    assert.equal(bias(actual, fc), -1 / 20);
    assert.equal(coverage(actual, [3, 6, 0, 0], [4, 7, 0, 9]), 0.75);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  });
});

describe('analytics: forecasting methods', () => {
  it('seasonal naive repeats the last observed week', () => {
    const y = [...WEEK, ...WEEK.map((v) => v + 1)];
    assert.deepEqual(seasonalNaive(y, 9, ctx), [...WEEK.map((v) => v + 1), WEEK[0]! + 1, WEEK[1]! + 1]);
  });

  it('weekday profile finds the closed day', () => {
    const p = weekdayProfile(seasonalNoise(1, 140), 0);
    assert.equal(p[6], 0);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.ok(p[5]! > p[0]!, 'the busy day carries the largest share');
  });

  it('ETS learns level and weekly season of a clean series', () => {
    const y = Array.from({ length: 140 }, (_, t) => 50 + WEEK[t % 7]!);
    const f = etsForecast(y, 14, ctx);
    for (let k = 0; k < 14; k++) assert.ok(Math.abs(f[k]! - (50 + WEEK[(140 + k) % 7]!)) < 0.5, `day ${k}: ${f[k]}`);
    const fit = fitEts(y, ctx);
    assert.ok(fit.params.alpha > 0 && fit.params.alpha < 1);
  });

  it('intermittent methods estimate the rate, spread by the weekday profile; TSB lets a dead product fade', () => {
    // 0.4 units a day on the 6 open days: 2.4 a week. Averaged over several histories (one is noisy).
    const profile = [1, 1, 1, 1, 1, 1, 0].map((v) => v / 6);
    const weekTotal = (f: number[]) => f.reduce((a, b) => a + b, 0);
    const methods = { sba: sbaForecast, tsb: tsbForecast, adida: adidaForecast };
    for (const [name, method] of Object.entries(methods)) {
      let sum = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const r = rng(seed);
        const y = Array.from({ length: 364 }, (_, t) => (t % 7 !== 6 && r() < 0.2 ? 2 : 0));
        const f = method(y, 7, { ...ctx, profile });
        assert.equal(f[6], 0, `${name}: the closed day (index 6 is weekday (364 + 6) % 7 = 6) gets nothing`);
        sum += weekTotal(f);
      }
      assert.ok(Math.abs(sum / 10 - 2.4) < 0.5, `${name}: mean week ${sum / 10}`);
    }
    const r = rng(3);
    const y = Array.from({ length: 200 }, () => (r() < 0.2 ? 2 : 0));
    const dead = [...y, ...new Array<number>(164).fill(0)];
    assert.ok(weekTotal(tsbForecast(dead, 7, ctx)) < weekTotal(sbaForecast(dead, 7, ctx)), 'TSB decays, SBA keeps the old rate');
  });

  it('SARIMA through the arima package gives finite non-negative forecasts, and refuses short series', () => {
    const y = seasonalNoise(3, 364);
    const f = arimaRaw(y, 30);
    assert.equal(f.length, 30);
    assert.ok(f.every((v) => Number.isFinite(v) && v >= 0));
    assert.throws(() => arimaRaw(y.slice(0, 20), 7), ArimaFitError);
    const reasons: string[] = [];
    const fb = arimaForecast(y.slice(0, 20), 7, ctx, (why) => reasons.push(why));
    assert.equal(fb.length, 7);
    assert.equal(reasons.length, 1, 'the fallback is reported');
  });
});

describe('analytics: method choice and intervals', () => {
  it('picks seasonal naive for a series that repeats exactly, and gives it zero-width intervals', () => {
    const y = Array.from({ length: 196 }, (_, t) => WEEK[t % 7]!);
    const f = forecastSeries(y, 14, ctx);
    assert.equal(f.method, 'snaive');
    assert.deepEqual(f.mean, seasonalNaive(y, 14, ctx));
    assert.deepEqual(f.intervals[0]!.lower, f.mean);
  });

  it('chooses by an inner backtest inside the history it is given (deterministic, nothing after the origin)', () => {
    const y = seasonalNoise(11, 300);
    const a = forecastSeries(y.slice(0, 250), 30, ctx);
    const changed = [...y.slice(0, 250), ...y.slice(250).map((v) => v * 10)];
    const b = forecastSeries(changed.slice(0, 250), 30, ctx);
    assert.deepEqual(a, b);
    assert.ok(a.innerWindows >= 4);
    assert.ok(Object.keys(a.scores).length >= 4, 'several candidates were scored');
  });

  it('intervals from backtest errors cover about as often as they claim', async () => {
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (let s = 0; s < 12; s++) {
      const y = seasonalNoise(100 + s, 260, 2);
      const f = forecastSeries(y.slice(0, 230), 30, ctx, { candidates: ['ets'] });
      for (let k = 0; k < 30; k++) {
        const v = y[230 + k]!;
        if (v >= f.intervals[0]!.lower[k]! && v <= f.intervals[0]!.upper[k]!) in80++;
        if (v >= f.intervals[1]!.lower[k]! && v <= f.intervals[1]!.upper[k]!) in95++;
        n++;
      }
    }
    assert.ok(in80 / n > 0.7 && in80 / n < 0.92, `80% interval covered ${in80 / n}`);
    assert.ok(in95 / n > 0.88, `95% interval covered ${in95 / n}`);
  });

  it('backtests at rolling origins and beats seasonal naive on noisy seasonal data', async () => {
    const origins = rollingOrigins(364, 3, 28, 30);
    assert.deepEqual(origins, [278, 306, 334]);
    assert.throws(() => rollingOrigins(60, 6, 28, 30), RangeError);
    const series = [0, 1, 2].map((i) => ({ key: String(i), y: seasonalNoise(40 + i, 364) }));
    const scores = await backtest(series, ['auto', 'snaive', 'ets'], { origins, horizons: [7, 30], firstWeekday: 0 });
    const get = (m: string, h: number) => scores.find((s) => s.method === m && s.horizon === h)!;
    assert.equal(get('auto', 30).n, 9);
    assert.equal(get('auto', 30).origins, 3);
    assert.ok(get('auto', 30).mase < get('snaive', 30).mase, `auto ${get('auto', 30).mase} vs naive ${get('snaive', 30).mase}`);
    assert.ok(get('ets', 7).wape > 0 && get('ets', 7).wape < 1);
  });
});
