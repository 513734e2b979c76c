import assert from 'node:assert/strict';
import { calibratedLevel, conformalQuantiles } from '../../src/analytics/forecast/intervals';
import { forecastSeries } from '../../src/analytics/forecast/engine';
import { rng } from './fixtures';

/** Weekday volumes of a shop closed on Saturdays (index = weekday, 0 = Sunday; day 0 is a Sunday). */
const WEEKDAY = [40, 120, 110, 105, 115, 100, 0];

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Coverage of the last 30 days' open days by the 80 % and 95 % bands of a forecast made 30 days before the end. */
function coverageOf(series: number[][], calibrateIntervals: boolean): { c80: number; c95: number } {
  let in80 = 0;
  let in95 = 0;
  let n = 0;
  for (const y of series) {
    const origin = y.length - 30;
    const f = forecastSeries(y.slice(0, origin), 30, { season: 7, firstWeekday: 0 }, { aggregate: true, candidates: ['ets'], calibrateIntervals });
    for (let k = 0; k < 30; k++) {
      if ((origin + k) % 7 === 6) continue;
      const v = y[origin + k]!;
      if (v >= f.intervals[0]!.lower[k]! && v <= f.intervals[0]!.upper[k]!) in80++;
      if (v >= f.intervals[1]!.lower[k]! && v <= f.intervals[1]!.upper[k]!) in95++;
      n++;
    }
  }
  return { c80: in80 / n, c95: in95 / n };
}

describe('analytics: interval calibration', () => {
  it('takes the conformal order statistic ⌈(n+1)(1 − α/2)⌉ of n scores', () => {
    const scores = Array.from({ length: 19 }, (_, i) => i + 1); // 1 … 19
    // α = 0.1: upper ⌈20 · 0.95⌉ = 19th smallest, lower ⌊20 · 0.05⌋ = 1st.
    assert.deepEqual(conformalQuantiles(scores, 0.1), [1, 19]);
    // α = 0.5: upper ⌈20 · 0.75⌉ = 15th, lower ⌊20 · 0.25⌋ = 5th; unsorted input is sorted first.
    assert.deepEqual(conformalQuantiles([...scores].reverse(), 0.5), [5, 15]);
    // Too few scores for the level: the band is the sample's range.
    assert.deepEqual(conformalQuantiles([3, 1, 2], 0.05), [1, 3]);
    assert.deepEqual(conformalQuantiles([], 0.2), [0, 0]);
  });

  it('keeps about the nominal level when the windows are alike, and raises it when newer windows err more', () => {
    const innerH = 28;
    const inner = (spread: (w: number) => number, seed: number) => {
      const r = rng(seed);
      const errors: number[] = [];
      for (let w = 0; w < 16; w++) for (let k = 0; k < innerH; k++) errors.push(spread(w) * gaussian(r)); // window 0 is the newest
      return { errors, forecasts: errors.map(() => 1), innerH, step: 7, historyLength: 400 };
    };
    const flat = (_k: number) => 1;
    let alike = 0;
    let drifting = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const a = inner(() => 1, seed);
      alike += calibratedLevel(a.errors, a, flat, 0.8) / 10;
      const d = inner((w) => 1 + (15 - w) * 0.08, seed);
      drifting += calibratedLevel(d.errors, d, flat, 0.8) / 10;
    }
    assert.ok(Math.abs(alike - 0.8) < 0.05, `level on exchangeable windows ${alike}`);
    assert.ok(drifting > 0.87, `level when errors grow window after window ${drifting}`);
  });

  it('covers near nominal on a series whose level ramps up, where plain split-conformal bands under-cover', () => {
    // Flat for 200 days, then a level rising faster and faster (an autumn ramp), multiplicative noise.
    const series = Array.from({ length: 20 }, (_, s) => {
      const r = rng(700 + s);
      return Array.from({ length: 330 }, (_, t) => {
        const level = t < 200 ? 0 : ((t - 200) / 130) ** 2 * 1.2;
        return WEEKDAY[t % 7]! * 10 * Math.exp(level + 0.25 * gaussian(r));
      });
    });
    const plain = coverageOf(series, false);
    const calibrated = coverageOf(series, true);
    assert.ok(calibrated.c80 > 0.74 && calibrated.c80 < 0.87, `calibrated 80 % band covered ${calibrated.c80}`);
    assert.ok(calibrated.c95 > 0.9 && calibrated.c95 < 0.99, `calibrated 95 % band covered ${calibrated.c95}`);
    assert.ok(plain.c80 < calibrated.c80 - 0.05, `plain 80 % band ${plain.c80} vs calibrated ${calibrated.c80}`);
    assert.ok(plain.c95 < calibrated.c95, `plain 95 % band ${plain.c95} vs calibrated ${calibrated.c95}`);
  });

  it('stays near nominal on a stationary series', () => {
    const series = Array.from({ length: 20 }, (_, s) => {
      const r = rng(800 + s);
      return Array.from({ length: 330 }, (_, t) => WEEKDAY[t % 7]! * 10 * Math.exp(0.25 * gaussian(r)));
    });
    const { c80, c95 } = coverageOf(series, true);
    assert.ok(c80 > 0.72 && c80 < 0.88, `80 % band covered ${c80}`);
    assert.ok(c95 > 0.9 && c95 < 0.99, `95 % band covered ${c95}`);
  });

  it('gives a relatively noisier weekday a relatively wider band', () => {
    // Sundays (weekday 0) carry three times the relative noise of the other open days.
    const r = rng(42);
    const y = Array.from({ length: 300 }, (_, t) => WEEKDAY[t % 7]! * 10 * Math.exp((t % 7 === 0 ? 0.45 : 0.15) * gaussian(r)));
    const f = forecastSeries(y, 14, { season: 7, firstWeekday: 0 }, { aggregate: true, candidates: ['ets'] });
    const relWidth = (k: number) => (f.intervals[0]!.upper[k]! - f.intervals[0]!.lower[k]!) / f.mean[k]!;
    const sunday = [...Array(14).keys()].find((k) => (300 + k) % 7 === 0)!;
    const tuesday = [...Array(14).keys()].find((k) => (300 + k) % 7 === 2)!;
    assert.ok(relWidth(sunday) > 2 * relWidth(tuesday), `Sunday ${relWidth(sunday)} vs Tuesday ${relWidth(tuesday)}`);
  });
});
