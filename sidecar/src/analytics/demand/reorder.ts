import { dayString } from '../calendar';

/**
 * Days of cover and a reorder suggestion from expected demand and current stock. The first week uses
 * the 7-day prediction, later days the rest of the 30-day one. A reorder is suggested when stock runs
 * out before the next order could arrive and the one after it (lead time + review period); the amount
 * covers that span's expected demand, at the same rates as the days of cover, plus safety stock sized
 * from the demand model's own backtest error. Negative stock (sold but not in stock) is owed to
 * customers, so it is ordered too.
 */

export interface ReorderPolicy {
  leadTimeDays: number;
  reviewDays: number;
  /** Relative demand error to hold as safety stock (e.g. the 90th percentile of backtest over-demand). */
  safetyFactor: number;
}

export const DEFAULT_POLICY: ReorderPolicy = { leadTimeDays: 7, reviewDays: 14, safetyFactor: 0.3 };

export interface StockOutlook {
  dailyRate: number;
  /** null: stock lasts beyond any horizon (no expected sales). */
  daysOfCover: number | null;
  stockoutDate: string | null;
  reorder: { needed: boolean; quantity: number; orderBy: string | null };
}

export function stockOutlook(input: { stock: number; units7: number; units30: number; today: number }, policy: ReorderPolicy = DEFAULT_POLICY): StockOutlook {
  const { stock, units7, units30, today } = input;
  const rate7 = Math.max(0, units7) / 7;
  const rateLater = Math.max(0, units30 - units7) / 23;
  const dailyRate = Math.max(0, units30) / 30;
  let daysOfCover: number | null;
  if (stock <= 0) daysOfCover = 0;
  else if (rate7 <= 0 && rateLater <= 0) daysOfCover = null;
  else if (rate7 > 0 && stock <= units7) daysOfCover = stock / rate7;
  else daysOfCover = rateLater > 0 ? 7 + (stock - Math.max(0, units7)) / rateLater : null;
  // Expected units over the next `days`: the same profile as the days of cover. The flat 30-day rate
  // here once sized orders for a front-loaded forecast below the stock it had just found short
  // (reorder needed, quantity 0). The 1e-9 keeps a whole number with float noise from rounding up.
  const demandOver = (days: number) => Math.min(days, 7) * rate7 + Math.max(0, days - 7) * rateLater;
  const span = policy.leadTimeDays + policy.reviewDays;
  const safety = policy.safetyFactor * demandOver(policy.leadTimeDays);
  const short = daysOfCover !== null && daysOfCover <= span;
  const quantity = short ? Math.max(0, Math.ceil(demandOver(span) + safety - stock - 1e-9)) : 0;
  const needed = quantity > 0;
  return {
    dailyRate,
    daysOfCover,
    stockoutDate: daysOfCover === null ? null : dayString(today + Math.floor(daysOfCover)),
    reorder: { needed, quantity, orderBy: needed ? dayString(today + Math.max(0, Math.floor(daysOfCover! - policy.leadTimeDays))) : null },
  };
}
