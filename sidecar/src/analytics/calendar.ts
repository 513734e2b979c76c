/**
 * Shop-local calendar days as integers (days since 1970-01-01), so daily series are plain arrays and
 * day arithmetic is addition. OpenCart keeps its DATETIMEs in the shop's wall-clock time, so the
 * first ten characters of `date_added` already are the shop-local day; no zone conversion is needed
 * here, only when "today" is derived from the current instant (see db/opencart/clock.ts).
 */

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})/;

export function dayIndex(date: string): number {
  const m = DAY_RE.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms)) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return Math.round(ms / DAY_MS);
}

export function dayString(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(index: number): number {
  return (((index + 4) % 7) + 7) % 7;
}

export function monthOf(index: number): number {
  return new Date(index * DAY_MS).getUTCMonth() + 1;
}

export function dayOfMonth(index: number): number {
  return new Date(index * DAY_MS).getUTCDate();
}

export function isValidDay(date: string): boolean {
  try {
    return dayString(dayIndex(date)) === date;
  } catch {
    return false;
  }
}
