import type { Season } from './catalog-tree';
import type { LocalDay } from './time';

/**
 * How busy a day is and what sells when. Multiplicative factors, roughly what Turkish e-commerce shows:
 * evenings and Sundays are busy, salaries (1st and 15th) lift the next days, the month's end is quiet,
 * November ("Efsane Kasım", 11.11, Black Friday) is the peak, December gifts follow, July–August lull.
 */

// Jan … Dec
const MONTH = [1.0, 0.85, 0.95, 1.0, 1.05, 0.9, 0.72, 0.75, 1.0, 1.05, 1.5, 1.3];
// Sun … Sat
const WEEKDAY = [1.3, 1.05, 0.95, 0.95, 0.95, 1.0, 1.15];

/** Local hour of day → relative share of orders. */
export const HOUR_WEIGHTS = [0.6, 0.3, 0.15, 0.1, 0.08, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.5, 1.4, 1.2, 1.2, 1.3, 1.4, 1.5, 1.7, 2.0, 2.3, 2.1, 1.4];

/** Day of month of the Friday after November's fourth Thursday. */
export function blackFriday(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - firstWeekday + 7) % 7);
  return firstThursday + 21 + 1;
}

function eventFactor(day: LocalDay): number {
  const { month, day: d } = day;
  if (month === 11) {
    const bf = blackFriday(day.year);
    if (d === 11) return 2.2;
    if (d === bf) return 3;
    if (d === bf + 1) return 2;
    if (d === bf + 2) return 1.8;
    if (d === bf + 3) return 1.7;
  }
  if (month === 12 && d >= 20) return 1.25;
  if (month === 2 && d >= 7 && d <= 13) return 1.2;
  // The week before Mother's Day (second Sunday of May).
  if (month === 5) {
    const firstSunday = 1 + ((7 - new Date(Date.UTC(day.year, 4, 1)).getUTCDay()) % 7);
    const mothersDay = firstSunday + 7;
    if (d >= mothersDay - 7 && d < mothersDay) return 1.3;
  }
  return 1;
}

function paydayFactor(day: LocalDay): number {
  if (day.day <= 2) return 1.2;
  if (day.day === 15 || day.day === 16) return 1.15;
  if (day.day > day.daysInMonth - 3) return 0.9;
  return 1;
}

/**
 * Relative order volume of a day. `progress` runs 0 → 1 across the generated year and adds the slow
 * growth of a shop that is doing fine.
 */
export function dayWeight(day: LocalDay, progress: number): number {
  return MONTH[day.month - 1]! * WEEKDAY[day.weekday]! * paydayFactor(day) * eventFactor(day) * (0.85 + 0.3 * progress);
}

const SEASON: Record<Season, number[]> = {
  summer: [0.6, 0.6, 0.8, 1.0, 1.3, 1.6, 1.7, 1.6, 1.1, 0.8, 0.7, 0.7],
  winter: [1.5, 1.3, 0.9, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.3, 1.7, 1.7],
  spring: [0.7, 0.8, 1.3, 1.5, 1.4, 1.0, 0.8, 0.8, 1.0, 1.0, 0.9, 0.8],
  school: [0.8, 0.9, 0.9, 0.8, 0.7, 0.8, 1.0, 1.8, 2.0, 1.0, 0.8, 0.8],
  gifts: [1.0, 1.1, 0.9, 0.9, 1.2, 0.9, 0.8, 0.8, 0.9, 1.0, 1.6, 1.8],
  all: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};

/** How a product kind's demand moves with the month (1-12). */
export function seasonFactor(season: Season, month: number): number {
  return SEASON[season][month - 1]!;
}
