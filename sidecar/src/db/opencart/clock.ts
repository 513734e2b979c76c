/**
 * OpenCart writes date_added/date_modified with MySQL NOW() after setting its session to the offset of
 * config_timezone (NOTES §1), and compares special/discount dates with that same NOW(). The sidecar's
 * session is UTC, so any OpenCart-side time is computed here, in the shop's zone, and written as a
 * literal. Intl does the zone arithmetic (DST included) without a dependency.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the zone (OpenCart's config_timezone values are IANA names). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** 'YYYY-MM-DD HH:MM:SS' wall-clock time in the shop's zone, the format of OpenCart's DATETIME columns. */
export function shopDateTime(timeZone: string, at: Date = new Date()): string {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const year = (parts.year ?? '').padStart(4, '0');
  return `${year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** 'YYYY-MM-DD' in the shop's zone. */
export function shopDate(timeZone: string, at: Date = new Date()): string {
  return shopDateTime(timeZone, at).slice(0, 10);
}

/** What a context needs to tell OpenCart time. */
export interface ShopClockSource {
  timezone: string;
  now: () => Date;
}

export function shopNow(ctx: ShopClockSource): string {
  return shopDateTime(ctx.timezone, ctx.now());
}

export function shopToday(ctx: ShopClockSource): string {
  return shopDate(ctx.timezone, ctx.now());
}
