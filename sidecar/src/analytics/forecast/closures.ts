import { weekday } from '../calendar';
import { CLOSED_SHARE } from './intermittent';
import { weekdayProfile } from './naive';

/**
 * Days the shop does not trade, besides its closed weekdays (which the weekday profile already
 * knows): public holidays and shutdowns. A zero on such a day says nothing about demand, so the
 * methods are fitted on a history where those days are filled in from earlier weeks, and forecasts
 * put nothing on future closed days. Past closures are read from the store's own series; future
 * ones come from a public-holiday calendar, used only when the history shows that the shop really
 * closes on those holidays.
 */

export type HolidayCalendar = (year: number) => number[];

/** Easter Sunday (anonymous Gregorian algorithm) as a day index. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utcDay(year, month, day);
}

function utcDay(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** First (n = 1) or last (n = -1) Monday of a month. */
function monday(year: number, month: number, n: 1 | -1): number {
  if (n === 1) {
    const first = utcDay(year, month, 1);
    return first + ((8 - weekday(first)) % 7);
  }
  const last = utcDay(year, month + 1, 1) - 1;
  return last - ((weekday(last) + 6) % 7);
}

/**
 * Bank holidays of England and Wales by their standing rules (gov.uk): New Year's Day, Good Friday,
 * Easter Monday, the first and last Monday of May, the last Monday of August, Christmas and Boxing
 * Day, with weekend substitutes. One-off holidays proclaimed for a single year are not included.
 */
export function englandWalesHolidays(year: number): number[] {
  const out: number[] = [];
  const newYear = utcDay(year, 1, 1);
  const nyw = weekday(newYear);
  out.push(nyw === 6 ? newYear + 2 : nyw === 0 ? newYear + 1 : newYear);
  const easter = easterSunday(year);
  out.push(easter - 2, easter + 1);
  out.push(monday(year, 5, 1), monday(year, 5, -1), monday(year, 8, -1));
  const xmas = utcDay(year, 12, 25);
  const xw = weekday(xmas);
  // Christmas on Saturday → Monday 27 and Tuesday 28; on Sunday → Boxing Day Monday, Christmas Tuesday; Friday → Boxing Monday 28.
  if (xw === 6) out.push(xmas + 2, xmas + 3);
  else if (xw === 0) out.push(xmas + 1, xmas + 2);
  else if (xw === 5) out.push(xmas, xmas + 3);
  else out.push(xmas, xmas + 1);
  return out;
}

/** The holiday calendar for a shop's IANA time zone, where one is known (else none). */
export function holidayCalendarFor(timezone: string): HolidayCalendar | undefined {
  if (timezone === 'Europe/London') return englandWalesHolidays;
  return undefined;
}

/** A day on an open weekday selling at most this share of that weekday's usual volume counts as closed. */
const CLOSED_LEVEL = 0.05;

/**
 * Irregular closures in a store-level history: days on a weekday the shop trades on, selling
 * (almost) nothing against the median of the same weekday in the eight weeks on either side.
 */
export function detectClosures(store: readonly number[], firstWeekday: number): boolean[] {
  const profile = weekdayProfile(store, firstWeekday, Math.ceil(store.length / 7));
  const out = new Array<boolean>(store.length).fill(false);
  for (let t = 0; t < store.length; t++) {
    if (profile[(firstWeekday + t) % 7]! <= CLOSED_SHARE) continue;
    const around: number[] = [];
    for (let j = -8; j <= 8; j++) {
      const u = t + 7 * j;
      if (j !== 0 && u >= 0 && u < store.length) around.push(store[u]!);
    }
    around.sort((a, b) => a - b);
    const typical = around.length ? around[Math.floor(around.length / 2)]! : 0;
    out[t] = typical > 0 && store[t]! <= CLOSED_LEVEL * typical;
  }
  return out;
}

/** Same weekdays looked at to call a weekday closed, and how many of them may have sold something. */
const CLOSED_WEEKDAY_WEEKS = 8;
const CLOSED_WEEKDAY_TRADING_DAYS = 1;

/**
 * Weekdays the shop does not trade on now: at most one of the last eight such days sold anything
 * and they hold at most CLOSED_SHARE of those weeks' volume (a stray order on a closed day does not
 * open it). Read from the store's history only.
 */
export function closedWeekdays(store: readonly number[], firstWeekday: number): Set<number> {
  const out = new Set<number>();
  if (store.length < 7 * CLOSED_WEEKDAY_WEEKS) return out;
  const profile = weekdayProfile(store, firstWeekday, CLOSED_WEEKDAY_WEEKS);
  for (let w = 0; w < 7; w++) {
    if (profile[w]! > CLOSED_SHARE) continue;
    let trading = 0;
    for (let t = store.length - 7 * CLOSED_WEEKDAY_WEEKS; t < store.length; t++) if ((firstWeekday + t) % 7 === w && store[t]! > 0) trading++;
    if (trading <= CLOSED_WEEKDAY_TRADING_DAYS) out.add(w);
  }
  return out;
}

/**
 * Closed flags over history and horizon (index 0 = the first history day): every day of a weekday
 * the shop does not trade on now (so forecasts and their intervals are 0 there, as the history is;
 * with no open day of that weekday left unflagged, fillClosed leaves them as they are), the detected
 * past closures, and the calendar's holidays in the horizon when at least two past holidays on
 * trading weekdays fell inside the history and two thirds of them were closed.
 */
export function closureFlags(store: readonly number[], startDay: number, h: number, calendar?: HolidayCalendar): boolean[] {
  const firstWeekday = weekday(startDay);
  const past = detectClosures(store, firstWeekday);
  const shutWeekdays = closedWeekdays(store, firstWeekday);
  const flags = [...past, ...new Array<boolean>(h).fill(false)].map((f, t) => f || shutWeekdays.has((firstWeekday + t) % 7));
  if (!calendar) return flags;
  const end = startDay + store.length;
  const profile = weekdayProfile(store, firstWeekday, Math.ceil(store.length / 7));
  const holidays = new Set<number>();
  for (let year = yearOf(startDay); year <= yearOf(end + h); year++) for (const d of calendar(year)) holidays.add(d);
  let seen = 0;
  let closed = 0;
  for (const d of holidays) {
    const t = d - startDay;
    if (t < 0 || t >= store.length || profile[weekday(d)]! <= CLOSED_SHARE) continue;
    seen++;
    if (past[t]) closed++;
  }
  if (seen < 2 || closed * 3 < seen * 2) return flags;
  for (const d of holidays) {
    const t = d - startDay;
    if (t >= store.length && t < flags.length) flags[t] = true;
  }
  return flags;
}

function yearOf(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/**
 * The history with closed days filled in by the mean of the same weekday in up to four earlier open
 * weeks (earlier days only, so an inner backtest never sees past its own origin).
 */
export function fillClosed(y: readonly number[], closed: readonly boolean[]): number[] {
  const out = y.slice();
  for (let t = 0; t < y.length; t++) {
    if (!closed[t]) continue;
    let sum = 0;
    let n = 0;
    for (let u = t - 7; u >= 0 && n < 4; u -= 7) {
      if (closed[u]) continue;
      sum += out[u]!;
      n++;
    }
    if (n > 0) out[t] = sum / n;
  }
  return out;
}
