import { isKnownTimeZone, shopDateTime } from '../../sidecar/src/db/opencart/clock';

/**
 * Shop-local wall-clock arithmetic for generated history. OpenCart stores local times as plain
 * 'YYYY-MM-DD HH:MM:SS' strings, so generated times are built and shifted as wall-clock values
 * (treated as UTC only for the arithmetic). That ignores DST jumps, which Europe/Istanbul has not had
 * since 2016; in a DST zone a generated time may fall in a skipped hour, which OpenCart itself would
 * happily store too.
 */

export interface LocalDay {
  /** 'YYYY-MM-DD' */
  date: string;
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  daysInMonth: number;
}

export interface ShopClock {
  timezone: string;
  /** The shop's current local time, 'YYYY-MM-DD HH:MM:SS'. */
  now: string;
  today: LocalDay;
}

export function shopClock(timezone: string, at: Date): ShopClock {
  if (!isKnownTimeZone(timezone)) throw new Error(`unknown time zone ${JSON.stringify(timezone)}: use an IANA name such as Europe/Istanbul`);
  const now = shopDateTime(timezone, at);
  return { timezone, now, today: parseDay(now.slice(0, 10)) };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function fromMs(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function toMs(local: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(local);
  if (!m) throw new Error(`not a local date/time: ${local}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

export function parseDay(date: string): LocalDay {
  const ms = toMs(date);
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  return {
    date: date.slice(0, 10),
    year,
    month,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

/** The local date `days` after (or before, if negative) `date`. */
export function addDays(date: string, days: number): string {
  return fromMs(toMs(date) + days * 86_400_000).slice(0, 10);
}

/** A local date/time shifted by whole seconds. */
export function addSeconds(local: string, seconds: number): string {
  return fromMs(toMs(local) + seconds * 1000);
}

export function atTime(date: string, hour: number, minute: number, second: number): string {
  return `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

/** Whole days from a to b (b − a), both local dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((toMs(b.slice(0, 10)) - toMs(a.slice(0, 10))) / 86_400_000);
}
