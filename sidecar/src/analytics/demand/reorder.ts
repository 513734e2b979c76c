import { dayString } from '../calendar';

/**
 * Days of cover and a reorder suggestion from expected demand and current stock. The first week uses
 * the 7-day prediction, later days the rest of the 30-day one. A reorder is suggested when stock runs
 * out before the next order could arrive and the one after it (lead time + review period); the amount
 * covers that span plus safety stock sized from the demand model's own backtest error.
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
  const span = policy.leadTimeDays + policy.reviewDays;
  const needed = daysOfCover !== null && daysOfCover <= span;
  const safety = policy.safetyFactor * dailyRate * policy.leadTimeDays;
  const quantity = needed ? Math.max(0, Math.ceil(dailyRate * span + safety - Math.max(0, stock))) : 0;
  return {
    dailyRate,
    daysOfCover,
    stockoutDate: daysOfCover === null ? null : dayString(today + Math.floor(daysOfCover)),
    reorder: { needed, quantity, orderBy: needed ? dayString(today + Math.max(0, Math.floor(daysOfCover! - policy.leadTimeDays))) : null },
  };
}
