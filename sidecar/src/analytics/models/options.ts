import { z } from 'zod';

/**
 * Settings of the analytics module. Defaults suit a shop of up to a few thousand products on a small
 * server; every value can be overridden where the module is created. The owner's settings (anomaly
 * sensitivity, alert severity, lead time and review days, schedule) also come from the configuration
 * (config/schema.ts `analytics`, MESCHAIN_* variables), whose ranges must stay those below.
 */
export const analyticsOptionsSchema = z.object({
  /** Products forecast and modelled per run: the best sellers of the last 91 days. */
  maxProducts: z.number().int().min(1).max(20_000).default(1000),
  /** Days of history used (at most two years, as the backtest protocol). */
  historyDays: z.number().int().min(28).max(728).default(728),
  horizonDays: z.number().int().min(7).max(90).default(90),
  backtestOrigins: z.number().int().min(1).max(6).default(3),
  /** Products scored in the product-level backtest (top sellers). */
  backtestProducts: z.number().int().min(1).max(5000).default(200),
  leadTimeDays: z.number().int().min(0).max(180).default(7),
  reviewDays: z.number().int().min(1).max(180).default(14),
  anomalySensitivity: z.enum(['low', 'normal', 'high']).default('normal'),
  anomalyRecentDays: z.number().int().min(1).max(90).default(28),
  alertMinSeverity: z.enum(['low', 'medium', 'high']).default('medium'),
  forestRows: z.number().int().min(50).max(2000).default(250),
  forestTrees: z.number().int().min(5).max(200).default(25),
  copurchaseDays: z.number().int().min(7).max(730).default(365),
  /** node-cron expression for retraining (in the shop's time zone); null = only on demand. */
  schedule: z.string().nullable().default('30 3 * * *'),
  /** Train at start-up when no model exists yet. */
  trainOnStart: z.boolean().default(true),
  keepVersions: z.number().int().min(1).max(50).default(3),
});

export type AnalyticsOptions = z.infer<typeof analyticsOptionsSchema>;
export type AnalyticsOptionsInput = z.input<typeof analyticsOptionsSchema>;
