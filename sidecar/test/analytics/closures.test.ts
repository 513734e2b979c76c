import assert from 'node:assert/strict';
import { dayIndex, dayString, weekday } from '../../src/analytics/calendar';
import { closedWeekdays, closureFlags, detectClosures, easterSunday, englandWales, englandWalesHolidays, fillClosed, holidayCalendarFor } from '../../src/analytics/forecast/closures';
import { forecastSeries } from '../../src/analytics/forecast/engine';
import { poisson, rng } from './fixtures';

/** Weekday volumes of a shop closed on Saturdays (index = weekday, 0 = Sunday). */
const WEEKDAY = [40, 120, 110, 105, 115, 100, 0];

/** A store series from `first` for `days` days, closed on the England and Wales bank holidays when `closesOnHolidays`. */
function store(seed: number, first: string, days: number, closesOnHolidays: boolean, level = (_t: number) => 1): number[] {
  const r = rng(seed);
  const start = dayIndex(first);
  const holidays = new Set<number>();
  for (let year = 2009; year <= 2014; year++) for (const d of englandWalesHolidays(year)) holidays.add(d);
  return Array.from({ length: days }, (_, t) => (closesOnHolidays && holidays.has(start + t) ? 0 : poisson(r, WEEKDAY[weekday(start + t)]! * level(t))));
}

describe('analytics: closures and holidays', () => {
  it('knows the England and Wales bank holidays, with weekend substitutes', () => {
    assert.equal(dayString(easterSunday(2011)), '2011-04-24');
    assert.equal(dayString(easterSunday(2024)), '2024-03-31');
    // Easter Sunday (Sunday Trading Act) and the proclaimed royal wedding day are closing days too.
    assert.deepEqual(englandWalesHolidays(2011).map(dayString).sort(), ['2011-01-03', '2011-04-22', '2011-04-24', '2011-04-25', '2011-04-29', '2011-05-02', '2011-05-30', '2011-08-29', '2011-12-25', '2011-12-26', '2011-12-27']);
    assert.deepEqual(englandWalesHolidays(2010).map(dayString).filter((d) => d >= '2010-12-01').sort(), ['2010-12-25', '2010-12-27', '2010-12-28']);
    assert.deepEqual(englandWalesHolidays(2015).map(dayString).filter((d) => d >= '2015-12-01').sort(), ['2015-12-25', '2015-12-28']);
    assert.deepEqual(englandWalesHolidays(2021).map(dayString).sort(), ['2021-01-01', '2021-04-02', '2021-04-04', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-25', '2021-12-27', '2021-12-28']);
  });

  it('applies the proclaimed changes: moved and extra bank holidays', () => {
    const days = (year: number) => englandWalesHolidays(year).map(dayString).filter((d) => d >= `${year}-05-01` && d < `${year}-10-01`).sort();
    assert.deepEqual(days(2012), ['2012-05-07', '2012-06-04', '2012-06-05', '2012-08-27'], 'spring holiday moved to 4 June, Diamond Jubilee on the 5th');
    assert.deepEqual(days(2020), ['2020-05-08', '2020-05-25', '2020-08-31'], 'early May holiday moved to VE Day, a Friday');
    assert.deepEqual(days(2022), ['2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19'], 'Platinum Jubilee and the state funeral');
    assert.deepEqual(days(2024), ['2024-05-06', '2024-05-27', '2024-08-26'], 'a year without proclamations keeps the standing rules');
    assert.equal(holidayCalendarFor('Europe/London'), englandWales);
    // The same days, Easter Sunday and a weekend Christmas Day told apart as days a trading law closes.
    const tagged = englandWales(2021);
    assert.deepEqual(tagged.map((h) => h.day), englandWalesHolidays(2021));
    assert.deepEqual(tagged.filter((h) => h.kind === 'trading-law').map((h) => [dayString(h.day), h.orElse]), [['2021-04-04', 'national'], ['2021-12-25', 'national']]);
    assert.equal(englandWales(2024).filter((h) => h.kind === 'trading-law').length, 1, 'Christmas 2024 is a Wednesday: a bank holiday like the others');
    assert.equal(holidayCalendarFor('America/New_York'), undefined);
  });

  it('finds a planted closure on a trading weekday, not the regular closed weekday', () => {
    const y = store(1, '2011-01-05', 140, false);
    const planted = 51; // a Friday
    assert.equal(weekday(dayIndex('2011-01-05') + planted), 5);
    y[planted] = 0;
    const found = detectClosures(y, weekday(dayIndex('2011-01-05')));
    assert.deepEqual(found.flatMap((c, t) => (c ? [t] : [])), [planted]);
  });

  it('closes future holidays only for a shop whose history shows it closes on them', () => {
    const first = '2010-12-01';
    const days = dayIndex('2011-06-18') - dayIndex(first);
    const summer = dayIndex('2011-08-29') - dayIndex(first);
    const closes = closureFlags(store(2, first, days, true), dayIndex(first), 90, englandWalesHolidays);
    assert.equal(closes.length, days + 90);
    assert.equal(closes[summer], true, 'the August bank holiday is a closed day');
    const openWeekdays = (t: number) => weekday(dayIndex(first) + t) !== 6;
    assert.equal(closes.slice(days).filter((c, k) => c && openWeekdays(days + k)).length, 1, 'and the only one on a trading weekday in the horizon');
    assert.equal(closes[dayIndex('2011-04-25') - dayIndex(first)], true, 'Easter Monday was read as closed');
    const trades = closureFlags(store(2, first, days, false), dayIndex(first), 90, englandWalesHolidays);
    assert.equal(trades[summer], false);
    assert.equal(closureFlags(store(2, first, days, true), dayIndex(first), 90)[summer], false, 'no calendar, no future holidays');
  });

  it('judges Easter Sunday on its own once the history holds two, following the bank holidays until then', () => {
    // A shop open seven days a week and shut on bank holidays; whether it shuts on Easter Sunday varies.
    const sevenDays = (seed: number, first: string, end: string, closedOnEaster: boolean) => {
      const r = rng(seed);
      const shut = new Set<number>();
      for (let year = 2017; year <= 2021; year++) {
        for (const h of englandWales(year)) if (h.kind === 'national' || closedOnEaster) shut.add(h.day);
      }
      const start = dayIndex(first);
      return Array.from({ length: dayIndex(end) - start }, (_, t) => (shut.has(start + t) ? 0 : poisson(r, 60)));
    };
    const at = (first: string, day: string) => dayIndex(day) - dayIndex(first);
    const flagsOf = (first: string, closedOnEaster: boolean) => closureFlags(sevenDays(7, first, '2021-03-20', closedOnEaster), dayIndex(first), 30, englandWales);
    // Three Easter Sundays in the history (2018–2020), all trading: the coming one stays open.
    const trades = flagsOf('2018-01-01', false);
    assert.deepEqual([trades[at('2018-01-01', '2021-04-02')], trades[at('2018-01-01', '2021-04-04')], trades[at('2018-01-01', '2021-04-05')]], [true, false, true], 'Good Friday and Easter Monday closed, Easter Sunday open');
    // The same shop shut on those Easter Sundays: the coming one is closed.
    const shuts = flagsOf('2018-01-01', true);
    assert.equal(shuts[at('2018-01-01', '2021-04-04')], true);
    // Not one Easter Sunday in the history (from June 2020): it follows the bank holidays, closed.
    const young = flagsOf('2020-06-01', false);
    assert.equal(young[at('2020-06-01', '2021-04-04')], true, 'too few Easter Sundays to judge: the bank holidays decide');
  });

  it('flags a weekday the shop no longer trades on, over history and horizon, and forecasts it as nothing', () => {
    const first = '2011-01-05';
    const start = dayIndex(first);
    const y = store(4, first, 196, false);
    const saturday = (t: number) => weekday(start + t) === 6;
    const stray = [...y.keys()].filter(saturday).at(-3)!;
    y[stray] = 7; // one stray order on a closed day does not open it
    assert.deepEqual([...closedWeekdays(y, weekday(start))], [6]);
    const flags = closureFlags(y, start, 28);
    assert.ok(flags.every((c, t) => c === saturday(t)), 'every Saturday and nothing else (no holiday calendar, no planted closure)');
    const f = forecastSeries(y, 28, { season: 7, firstWeekday: weekday(start), closed: flags }, { aggregate: true });
    for (let k = 0; k < 28; k++) {
      if (!saturday(196 + k)) continue;
      assert.equal(f.mean[k], 0);
      assert.deepEqual([f.intervals[0]!.lower[k], f.intervals[1]!.upper[k]], [0, 0]);
    }
    const sevenDays = Array.from({ length: 196 }, (_, t) => 50 + (t % 7));
    assert.equal(closedWeekdays(sevenDays, 0).size, 0, 'a shop trading every day has no closed weekday');
    const twoStray = y.map((v, t) => (saturday(t) && t > 140 && t < 160 ? 5 : v));
    assert.equal(closedWeekdays(twoStray, weekday(start)).size, 0, 'trading on two of the last eight Saturdays opens the day');
  });

  it('fills closed days from earlier weeks only', () => {
    const y = [1, 2, 3, 4, 5, 6, 0, 3, 4, 5, 6, 7, 8, 0, 0, 9];
    const closed = y.map((_, t) => t === 14);
    const filled = fillClosed(y, closed);
    assert.equal(filled[14], (3 + 1) / 2, 'mean of the same weekday one and two weeks earlier');
    assert.deepEqual(filled.filter((_, t) => t !== 14), y.filter((_, t) => t !== 14));
  });

  it('forecasts nothing on a known closed day and keeps the level of the open days', () => {
    const first = '2010-12-01';
    const days = dayIndex('2011-08-20') - dayIndex(first);
    const y = store(3, first, days, true);
    const start = dayIndex(first);
    const ctx = { season: 7, firstWeekday: weekday(start) };
    const closed = closureFlags(y, start, 28, englandWalesHolidays);
    const f = forecastSeries(y, 28, { ...ctx, closed }, { aggregate: true });
    const holiday = dayIndex('2011-08-29') - start - days;
    assert.equal(f.mean[holiday], 0);
    assert.equal(f.intervals[1]!.upper[holiday], 0);
    // Open days: the forecast's mean over the trading weekdays is near the planted volume.
    const open = f.mean.filter((_, k) => k !== holiday && weekday(start + days + k) !== 6);
    const want = open.length ? WEEKDAY.reduce((a, b) => a + b, 0) / 6 : 0;
    const got = open.reduce((a, b) => a + b, 0) / open.length;
    assert.ok(Math.abs(got / want - 1) < 0.08, `open-day mean ${got} vs ${want}`);
  });
});

describe('analytics: calibrated intervals', () => {
  it('relative intervals of a dense series cover near nominal, also after its level has doubled', () => {
    // Multiplicative noise on a level that doubles over the year: absolute errors of the past understate today's.
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (let s = 0; s < 10; s++) {
      const r = rng(500 + s);
      const start = dayIndex('2011-01-05');
      const y = Array.from({ length: 330 }, (_, t) => {
        const base = WEEKDAY[weekday(start + t)]! * 10 * (1 + t / 330);
        return Math.max(0, base * Math.exp(0.3 * gaussian(r) - 0.045));
      });
      const f = forecastSeries(y.slice(0, 300), 30, { season: 7, firstWeekday: weekday(start) }, { aggregate: true, candidates: ['ets'] });
      for (let k = 0; k < 30; k++) {
        const v = y[300 + k]!;
        if (weekday(start + 300 + k) === 6) continue;
        if (v >= f.intervals[0]!.lower[k]! && v <= f.intervals[0]!.upper[k]!) in80++;
        if (v >= f.intervals[1]!.lower[k]! && v <= f.intervals[1]!.upper[k]!) in95++;
        n++;
      }
    }
    assert.ok(in80 / n > 0.72 && in80 / n < 0.9, `80% interval covered ${in80 / n}`);
    assert.ok(in95 / n > 0.9 && in95 / n <= 0.995, `95% interval covered ${in95 / n}`);
  });

  it('count intervals cover near nominal for a product whose rate has stepped up', () => {
    // Rate 1 a day, then 4 a day for the last 70 days: most inner windows saw the old, calmer rate.
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (let s = 0; s < 12; s++) {
      const r = rng(900 + s);
      const y = Array.from({ length: 308 }, (_, t) => poisson(r, t < 210 ? 1 : 4));
      const f = forecastSeries(y.slice(0, 280), 28, { season: 7, firstWeekday: 0 });
      for (let k = 0; k < 28; k++) {
        const v = y[280 + k]!;
        if (v >= f.intervals[0]!.lower[k]! && v <= f.intervals[0]!.upper[k]!) in80++;
        if (v >= f.intervals[1]!.lower[k]! && v <= f.intervals[1]!.upper[k]!) in95++;
        n++;
      }
    }
    // The level check sees the step inside its windows (newer windows erred more than older ones) and
    // widens the bands, so they cover more than nominal here until the step leaves the windows
    // (plain split-conformal bands: 0.87 / 0.95; counts this small also cover in coarse steps).
    assert.ok(in80 / n > 0.72 && in80 / n < 0.97, `80% interval covered ${in80 / n}`);
    assert.ok(in95 / n > 0.9, `95% interval covered ${in95 / n}`);
  });
});

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
