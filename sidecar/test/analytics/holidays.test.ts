import assert from 'node:assert/strict';
import { dayIndex, dayString, weekday } from '../../src/analytics/calendar';
import { bayramStarts, closureFlags, holidayCalendarFor, turkeyHolidays, ummAlQuraBayramStarts, type HolidayKind } from '../../src/analytics/forecast/closures';
import { poisson, rng } from './fixtures';

/** Weekday volumes of a shop closed on Sundays (index = weekday, 0 = Sunday). */
const WEEKDAY = [0, 120, 110, 105, 115, 100, 70];

const days = (year: number, kind: 'religious' | 'national') =>
  turkeyHolidays(year)
    .filter((h) => h.kind === kind)
    .map((h) => dayString(h.day))
    .sort();
const starts = (year: number) => {
  const s = bayramStarts(year);
  return [...s.ramazan.map(dayString), ...s.kurban.map(dayString)];
};

/** A store series from `first` for `n` days, selling nothing on the Turkish holidays of the kinds given. */
function store(seed: number, first: string, n: number, closedOn: readonly HolidayKind[], onlyFirstDay = false): number[] {
  const r = rng(seed);
  const start = dayIndex(first);
  const shut = new Set<number>();
  for (let year = 2021; year <= 2025; year++) {
    for (const h of turkeyHolidays(year)) if (closedOn.includes(h.kind) && (!onlyFirstDay || h.day === h.first)) shut.add(h.day);
  }
  return Array.from({ length: n }, (_, t) => (shut.has(start + t) ? 0 : poisson(r, WEEKDAY[weekday(start + t)]!)));
}

describe('analytics: Turkish holidays', () => {
  it('has the bayrams on the days Diyanet gave them, also where Umm al-Qura differs', () => {
    assert.deepEqual(starts(2010), ['2010-09-09', '2010-11-16']);
    assert.deepEqual(starts(2012), ['2012-08-19', '2012-10-25']);
    assert.deepEqual(starts(2015), ['2015-07-17', '2015-09-24']);
    assert.deepEqual(starts(2016), ['2016-07-05', '2016-09-12']);
    assert.deepEqual(starts(2019), ['2019-06-04', '2019-08-11']);
    assert.deepEqual(starts(2023), ['2023-04-21', '2023-06-28']);
    assert.deepEqual(starts(2026), ['2026-03-20', '2026-05-27']);
    // Node's Umm al-Qura calendar puts these a day off: the table is what keeps them right.
    const uq = (year: number) => {
      const s = ummAlQuraBayramStarts(year);
      return [...s.ramazan.map(dayString), ...s.kurban.map(dayString)];
    };
    assert.deepEqual(uq(2016), ['2016-07-06', '2016-09-11']);
    assert.equal(uq(2010)[0], '2010-09-10');
    assert.equal(uq(2012)[1], '2012-10-26');
    assert.equal(uq(2015)[1], '2015-09-23');
    // Ramazan three days, Kurban four; the arife (half day) is no closed day.
    assert.deepEqual(days(2016, 'religious'), ['2016-07-05', '2016-07-06', '2016-07-07', '2016-09-12', '2016-09-13', '2016-09-14', '2016-09-15']);
    const kurban2016 = turkeyHolidays(2016).filter((h) => h.kind === 'religious' && h.first === dayIndex('2016-09-12'));
    assert.equal(kurban2016.length, 4, 'the four Kurban days share their first day');
  });

  it('has the national days of Law 2429: 1 May since 2009, 15 July since 2017, no 28 October half day', () => {
    assert.deepEqual(days(2016, 'national'), ['2016-01-01', '2016-04-23', '2016-05-01', '2016-05-19', '2016-08-30', '2016-10-29']);
    assert.deepEqual(days(2017, 'national'), ['2017-01-01', '2017-04-23', '2017-05-01', '2017-05-19', '2017-07-15', '2017-08-30', '2017-10-29']);
    assert.ok(!days(2008, 'national').includes('2008-05-01'), '1 May was no holiday before 2009');
    assert.ok(days(2009, 'national').includes('2009-05-01'));
    assert.ok(!days(2024, 'national').includes('2024-10-28'));
    assert.equal(holidayCalendarFor('Europe/Istanbul'), turkeyHolidays);
    assert.equal(holidayCalendarFor('Asia/Istanbul'), turkeyHolidays);
  });

  it('falls back to Umm al-Qura outside the table, and carries a bayram into January', () => {
    // 2031 is past the table: Umm al-Qura's days, which match what Diyanet has computed for 2031.
    assert.deepEqual(starts(2031), ['2031-01-24', '2031-04-02']);
    // 2008 is before it: Umm al-Qura's 1 October, where Diyanet had 30 September (the known cost of the fallback).
    assert.equal(starts(2008)[0], '2008-10-01');
    // A lunar year is shorter: 2033 holds two Ramazan bayrams.
    assert.deepEqual(bayramStarts(2033).ramazan.map(dayString), ['2033-01-03', '2033-12-23']);
    // Kurban Bayramı 2006 began on 31 December; its other three days belong to 2007's list.
    assert.deepEqual(days(2007, 'religious').slice(0, 3), ['2007-01-01', '2007-01-02', '2007-01-03']);
    assert.ok(!days(2006, 'religious').includes('2007-01-01'));
  });

  // History 2022-01-05 … 2024-03-31 holds four bayrams (2022 Ramazan and Kurban, 2023 both) and about ten
  // national days on trading weekdays; the 90-day horizon holds Ramazan and Kurban 2024, 23 April, 1 and 19 May.
  const first = '2022-01-05';
  const start = dayIndex(first);
  const n = dayIndex('2024-04-01') - start;
  const horizonDays = (flags: boolean[]) => flags.slice(n).flatMap((c, k) => (c && weekday(start + n + k) !== 0 ? [dayString(start + n + k)] : []));
  const bayrams2024 = turkeyHolidays(2024)
    .filter((h) => h.kind === 'religious' && h.day >= start + n && h.day < start + n + 90 && weekday(h.day) !== 0)
    .map((h) => dayString(h.day));

  it('closes future bayram days for a shop that closed on past bayrams, and keeps its national days open', () => {
    assert.deepEqual(bayrams2024, ['2024-04-10', '2024-04-11', '2024-04-12', '2024-06-17', '2024-06-18', '2024-06-19']);
    const flags = closureFlags(store(7, first, n, ['religious']), start, 90, turkeyHolidays);
    assert.deepEqual(horizonDays(flags), bayrams2024, 'the bayram days on trading weekdays and nothing else');
    for (const d of ['2024-04-23', '2024-05-01']) assert.equal(flags[dayIndex(d) - start], false, `${d} stays open`);
    assert.equal(flags[dayIndex('2023-06-29') - start], true, 'a past Kurban day was read as closed');
    // Judged as one kind, the ten open national days would have outvoted the four closed bayrams.
    const oneKind = (year: number) => turkeyHolidays(year).map((h) => h.day);
    assert.deepEqual(horizonDays(closureFlags(store(7, first, n, ['religious']), start, 90, oneKind)), []);
  });

  it('closes future national days, not bayrams, for a shop that shut on national days only', () => {
    const flags = closureFlags(store(8, first, n, ['national']), start, 90, turkeyHolidays);
    assert.deepEqual(horizonDays(flags), ['2024-04-23', '2024-05-01']);
  });

  it('closes nothing for a shop open on bayrams, or one that shut only their first days', () => {
    assert.deepEqual(horizonDays(closureFlags(store(9, first, n, []), start, 90, turkeyHolidays)), []);
    // Closed on each bayram's first day only: a third or a quarter of its days, so no bayram counts as closed.
    const firstOnly = store(9, first, n, ['religious'], true);
    assert.equal(firstOnly[dayIndex('2023-06-28') - start], 0);
    assert.deepEqual(horizonDays(closureFlags(firstOnly, start, 90, turkeyHolidays)), []);
  });

  it('needs two past bayrams: one closed four-day Kurban is one holiday of evidence, not four', () => {
    // History 2023-05-01 … 2024-03-31 holds only Kurban 2023 (four closed weekdays, Wednesday to Saturday).
    const from = '2023-05-01';
    const s = dayIndex(from);
    const len = dayIndex('2024-04-01') - s;
    const flags = closureFlags(store(10, from, len, ['religious']), s, 90, turkeyHolidays);
    assert.equal(flags[dayIndex('2023-06-28') - s], true, 'the past Kurban days are read as closed');
    assert.equal(flags[dayIndex('2024-04-10') - s], false, 'but one bayram is not enough to close the next');
  });
});
