import { weekday } from '../calendar';
import { closedWeekdays, closureFlags, detectClosures, type HolidayCalendar } from '../forecast/closures';

/**
 * The shop's closed days as the forecast code knows them, for the anomaly detector: weekdays it no
 * longer trades on, holidays of the kinds its history shows it closes on, and near-empty days on
 * trading weekdays (detected closures). A holiday's verdict is reached on the history before the
 * examined days, the way a forecast made then would have seen it.
 */

export interface ClosedDays {
  /** Known closed: not scored, and out of every baseline and scale. */
  closed: boolean[];
  /** Closures with no holiday or closed weekday behind them: still scored, but out of baselines and scales. */
  unusual: boolean[];
}

function holidayDays(calendar: HolidayCalendar, from: number, to: number): Set<number> {
  const out = new Set<number>();
  const year = (d: number) => new Date(d * 86_400_000).getUTCFullYear();
  for (let y = year(from); y <= year(to); y++) {
    for (const entry of calendar(y)) out.add(typeof entry === 'number' ? entry : entry.day);
  }
  return out;
}

/**
 * Closed days of a store series (daily units, index 0 = `startDay`) whose days from `firstExamined`
 * on are about to be scored.
 */
export function closedDays(store: readonly number[], startDay: number, firstExamined: number, calendar?: HolidayCalendar): ClosedDays {
  const n = store.length;
  const e = Math.min(n, Math.max(0, firstExamined - startDay));
  const firstWeekday = weekday(startDay);
  const detected = detectClosures(store, firstWeekday);
  const shut = closedWeekdays(store, firstWeekday);
  // The examined days as a forecast from just before them: closed weekdays then, holidays judged closed.
  const ahead = closureFlags(store.slice(0, e), startDay, n - e, calendar);
  const holidays = calendar ? holidayDays(calendar, startDay, startDay + n) : new Set<number>();
  const closed: boolean[] = [];
  const unusual: boolean[] = [];
  for (let t = 0; t < n; t++) {
    const known = shut.has((firstWeekday + t) % 7) || (t >= e && ahead[t]!) || (detected[t]! && holidays.has(startDay + t));
    closed.push(known);
    unusual.push(!known && (detected[t]! || ahead[t]!));
  }
  return { closed, unusual };
}
