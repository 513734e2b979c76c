import { weekday } from '../calendar';
import { CLOSED_SHARE } from './intermittent';
import { weekdayProfile } from './naive';
import type { HolidayCalendar } from './holidays';

/**
 * Days the shop does not trade, besides its closed weekdays (which the weekday profile already
 * knows): public holidays and shutdowns. A zero on such a day says nothing about demand, so the
 * methods are fitted on a history where those days are filled in from earlier weeks, and forecasts
 * put nothing on future closed days. Past closures are read from the store's own series; future
 * ones come from a public-holiday calendar, used only when the history shows that the shop really
 * closes on those holidays.
 */

export {
  bayramStarts,
  easterSunday,
  englandWales,
  englandWalesHolidays,
  holidayCalendarFor,
  turkeyHolidays,
  ummAlQuraBayramStarts,
  type Holiday,
  type HolidayCalendar,
  type HolidayKind,
} from './holidays';

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
 * past closures, and the calendar's holidays in the horizon, judged kind by kind (a shop may shut for
 * the bayrams and trade on national days): a kind's days are closed ahead when at least two of its
 * past holidays had days on trading weekdays inside the history and two thirds of those holidays were
 * closed. A holiday of several days (a bayram) counts once, as closed when two thirds of its days on
 * trading weekdays were: one four-day bayram is one occasion of evidence, not four, and a shop that
 * only shuts its first day is not taken to shut all of it. Untagged days are one kind, each a holiday.
 * A kind with too few past holidays to judge follows the verdict of its `orElse` kind where it names
 * one (England's Easter Sunday follows the bank holidays until the history holds two Easter Sundays).
 */
export function closureFlags(store: readonly number[], startDay: number, h: number, calendar?: HolidayCalendar): boolean[] {
  const firstWeekday = weekday(startDay);
  const past = detectClosures(store, firstWeekday);
  const shutWeekdays = closedWeekdays(store, firstWeekday);
  const flags = [...past, ...new Array<boolean>(h).fill(false)].map((f, t) => f || shutWeekdays.has((firstWeekday + t) % 7));
  if (!calendar) return flags;
  const end = startDay + store.length;
  const profile = weekdayProfile(store, firstWeekday, Math.ceil(store.length / 7));
  // kind → first day of a holiday → its days
  const kinds = new Map<string, Map<number, Set<number>>>();
  const orElse = new Map<string, string>();
  for (let year = yearOf(startDay); year <= yearOf(end + h); year++) {
    for (const entry of calendar(year)) {
      const { day, kind, first } = typeof entry === 'number' ? { day: entry, kind: '', first: entry } : entry;
      if (typeof entry !== 'number' && entry.orElse !== undefined) orElse.set(kind, entry.orElse);
      const occasions = kinds.get(kind) ?? new Map<number, Set<number>>();
      kinds.set(kind, occasions);
      const days = occasions.get(first) ?? new Set<number>();
      occasions.set(first, days);
      days.add(day);
    }
  }
  const verdicts = new Map<string, Verdict>();
  for (const [kind, occasions] of kinds) verdicts.set(kind, judge(occasions, past, profile, startDay));
  for (const [kind, occasions] of kinds) {
    const own = verdicts.get(kind)!;
    const fallback = orElse.get(kind);
    const verdict = own === 'unknown' && fallback !== undefined ? verdicts.get(fallback) ?? 'unknown' : own;
    if (verdict !== 'closed') continue;
    for (const days of occasions.values()) {
      for (const d of days) {
        const t = d - startDay;
        if (t >= store.length && t < flags.length) flags[t] = true;
      }
    }
  }
  return flags;
}

type Verdict = 'closed' | 'open' | 'unknown';

/** Whether the history shows the shop closing on a kind's holidays (see closureFlags); 'unknown' with fewer than two to go by. */
function judge(occasions: ReadonlyMap<number, ReadonlySet<number>>, past: readonly boolean[], profile: readonly number[], startDay: number): Verdict {
  let seen = 0;
  let closed = 0;
  for (const days of occasions.values()) {
    let trading = 0;
    let shut = 0;
    for (const d of days) {
      const t = d - startDay;
      if (t < 0 || t >= past.length || profile[weekday(d)]! <= CLOSED_SHARE) continue;
      trading++;
      if (past[t]) shut++;
    }
    if (trading === 0) continue;
    seen++;
    if (shut * 3 >= trading * 2) closed++;
  }
  if (seen < 2) return 'unknown';
  return closed * 3 >= seen * 2 ? 'closed' : 'open';
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
