import { weekday } from '../calendar';

/**
 * Public-holiday calendars, as day indices (days since 1970-01-01). closures.ts uses one only when a
 * shop's own history shows that it closes on those days.
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

function parseDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return utcDay(y, m, d);
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
 * Changes to the standing rules proclaimed for single years in England and Wales (gov.uk's list of
 * bank holidays, and the proclamations before it, 1995 onwards): days moved (`from` → `to`) and extra
 * days. Proclaimed months ahead (the 2022 state funeral: ten days), so a live shop knows them before
 * they come; a new proclamation has to be added here.
 */
const ENGLAND_WALES_PROCLAIMED: Record<number, { moved?: Array<[string, string]>; extra?: string[] }> = {
  1995: { moved: [['1995-05-01', '1995-05-08']] }, // VE Day, 50th anniversary
  1999: { extra: ['1999-12-31'] }, // millennium
  2002: { moved: [['2002-05-27', '2002-06-04']], extra: ['2002-06-03'] }, // Golden Jubilee
  2011: { extra: ['2011-04-29'] }, // royal wedding
  2012: { moved: [['2012-05-28', '2012-06-04']], extra: ['2012-06-05'] }, // Diamond Jubilee
  2020: { moved: [['2020-05-04', '2020-05-08']] }, // VE Day, 75th anniversary
  2022: { moved: [['2022-05-30', '2022-06-02']], extra: ['2022-06-03', '2022-09-19'] }, // Platinum Jubilee; state funeral
  2023: { extra: ['2023-05-08'] }, // coronation
};

/**
 * Days shops in England and Wales close: the bank holidays (New Year's Day, Good Friday, Easter
 * Monday, the first and last Monday of May, the last Monday of August, Christmas and Boxing Day, with
 * weekend substitutes, and the proclaimed changes above), Christmas Day itself when it falls on a
 * weekend, and Easter Sunday, on which the Sunday Trading Act 1994 keeps large shops shut (it is no
 * bank holiday only because it is a Sunday).
 */
export function englandWalesHolidays(year: number): number[] {
  const out: number[] = [];
  const newYear = utcDay(year, 1, 1);
  const nyw = weekday(newYear);
  out.push(nyw === 6 ? newYear + 2 : nyw === 0 ? newYear + 1 : newYear);
  const easter = easterSunday(year);
  out.push(easter - 2, easter, easter + 1);
  out.push(monday(year, 5, 1), monday(year, 5, -1), monday(year, 8, -1));
  const xmas = utcDay(year, 12, 25);
  const xw = weekday(xmas);
  // Christmas on Saturday → Monday 27 and Tuesday 28; on Sunday → Boxing Day Monday, Christmas Tuesday; Friday → Boxing Monday 28.
  if (xw === 6) out.push(xmas, xmas + 2, xmas + 3);
  else if (xw === 0) out.push(xmas, xmas + 1, xmas + 2);
  else if (xw === 5) out.push(xmas, xmas + 3);
  else out.push(xmas, xmas + 1);
  const proclaimed = ENGLAND_WALES_PROCLAIMED[year];
  if (!proclaimed) return out;
  const moved = new Map((proclaimed.moved ?? []).map(([from, to]) => [parseDay(from), parseDay(to)]));
  return [...out.map((d) => moved.get(d) ?? d), ...(proclaimed.extra ?? []).map(parseDay)];
}

/** The holiday calendar for a shop's IANA time zone, where one is known (else none). */
export function holidayCalendarFor(timezone: string): HolidayCalendar | undefined {
  if (timezone === 'Europe/London') return englandWalesHolidays;
  return undefined;
}
