import { z } from 'zod';

/**
 * The owner's rules for what a marketplace listing shows, validated at the edge (API, DB load).
 * Amounts are decimal strings (never floats); percentages may be numbers or decimal strings.
 */

const decimal = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
    .refine((v) => /^-?\d{1,11}(\.\d{1,4})?$/.test(v), `${what} must be a decimal number with at most 4 decimals`);

const nonNegativeDecimal = (what: string) => decimal(what).refine((v) => !v.startsWith('-'), `${what} must not be negative`);

export const roundingSchema = z
  .object({
    /** Prices land on k·step + ending, e.g. step 1 + ending 0.90 → x.90; step 10 + ending 9.90 → x9.90. */
    step: nonNegativeDecimal('rounding.step').refine((v) => Number(v) > 0, 'rounding.step must be above 0').default('1'),
    ending: nonNegativeDecimal('rounding.ending').default('0'),
    direction: z.enum(['up', 'down', 'nearest']).default('up'),
  })
  .refine((r) => Number(r.ending) < Number(r.step), { message: 'rounding.ending must be below rounding.step', path: ['ending'] })
  .refine((r) => /^\d+(\.\d{1,2})?$/.test(r.step) && /^\d+(\.\d{1,2})?$/.test(r.ending), { message: 'rounding step and ending are prices: at most 2 decimals', path: ['step'] });

export const priceRuleSchema = z.object({
  /** base: oc_product.price; special: the active special for the default customer group, else base. */
  source: z.enum(['base', 'special']).default('special'),
  /** Add tax per OpenCart's tax rates (marketplaces show prices including VAT). */
  includeTax: z.boolean().default(true),
  /** Marketplace currency (oc_currency.code); default: the account's currency setting. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter code such as TRY')
    .optional(),
  markupPercent: decimal('markupPercent').refine((v) => Number(v) > -100 && Number(v) <= 1000, 'markupPercent must be above -100 and at most 1000').default('0'),
  /** Added after conversion, in the marketplace currency. */
  markupFixed: decimal('markupFixed').default('0'),
  /** null: whole cents. */
  rounding: roundingSchema.nullable().default(null),
  /** listPrice (the struck-through price): the base price through the same rule, or the sale price. */
  listPrice: z.enum(['base', 'sale']).default('base'),
});

export const stockRuleSchema = z.object({
  /** Units kept back from every marketplace (overselling guard). */
  buffer: z.number().int().min(0, 'buffer must be 0 or more').default(0),
  /** Share of the remaining stock to show, rounded down. */
  percent: z.number().min(0, 'percent must be 0-100').max(100, 'percent must be 0-100').default(100),
  /** Below this many units show 0 (a "safety quantity"). */
  minQuantity: z.number().int().min(0, 'minQuantity must be 0 or more').default(0),
  /** Never show more than this. */
  maxQuantity: z.number().int().min(0, 'maxQuantity must be 0 or more').nullable().default(null),
});

export const safetyRuleSchema = z.object({
  /** Floor = cost × (1 + minMarginPercent/100), then tax and currency as the price. */
  minMarginPercent: nonNegativeDecimal('minMarginPercent').default('0'),
  /** Ceiling = cost × this (when cost is known); null: no cost-based ceiling. */
  maxCostMultiple: nonNegativeDecimal('maxCostMultiple').nullable().default(null),
  /** At most this share (%) of an account's listings may get a new price within the window; the rest is held. */
  maxPriceChangeShare: z.number().min(0).max(100).default(20),
  priceChangeWindowMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Changes up to this count are never held, whatever the share (small catalogues). */
  priceChangeAllowance: z.number().int().min(0).default(10),
  /** Rejections in a row before a listing is quarantined. */
  quarantineAfter: z.number().int().min(1).max(100).default(5),
});

export type PriceRule = z.output<typeof priceRuleSchema>;
export type StockRule = z.output<typeof stockRuleSchema>;
export type SafetyRule = z.output<typeof safetyRuleSchema>;
export type PriceRuleInput = z.input<typeof priceRuleSchema>;
export type StockRuleInput = z.input<typeof stockRuleSchema>;
export type SafetyRuleInput = z.input<typeof safetyRuleSchema>;

export const DEFAULT_PRICE_RULE: PriceRule = priceRuleSchema.parse({});
export const DEFAULT_STOCK_RULE: StockRule = stockRuleSchema.parse({});
export const DEFAULT_SAFETY_RULE: SafetyRule = safetyRuleSchema.parse({});

export interface RuleSet {
  price: PriceRule;
  stock: StockRule;
  safety: SafetyRule;
}

/** A rule row as the API takes it: any part may be left out (inherited from the wider scope). */
export const ruleRowSchema = z.object({
  scope: z.enum(['account', 'category', 'product']).default('account'),
  scopeId: z.number().int().min(0).default(0),
  price: priceRuleSchema.nullable().optional(),
  stock: stockRuleSchema.nullable().optional(),
  safety: safetyRuleSchema.nullable().optional(),
});
export type RuleRowInput = z.input<typeof ruleRowSchema>;

/** A rule refused where it is saved, with what is wrong in English and Turkish. */
export class RuleInputError extends Error {
  override name = 'RuleInputError';
  constructor(
    readonly issues: string[],
    readonly issuesTr: string[],
  ) {
    super(`invalid rule: ${issues.join('; ')}`);
  }
}

/**
 * Checks across fields of a rule being saved. They are kept out of the schemas above on purpose: those
 * also read the stored rules, and a stored rule that failed to load would stop the sync of the account.
 */
export function ruleRowProblems(row: z.output<typeof ruleRowSchema>): { issues: string[]; issuesTr: string[] } {
  const issues: string[] = [];
  const issuesTr: string[] = [];
  const s = row.stock;
  if (s && s.maxQuantity !== null && s.minQuantity > s.maxQuantity) {
    issues.push(`stock.minQuantity: ${s.minQuantity} must not be above stock.maxQuantity (${s.maxQuantity})`);
    issuesTr.push(`stock.minQuantity: ${s.minQuantity}, stock.maxQuantity (${s.maxQuantity}) değerinden büyük olamaz`);
  }
  return { issues, issuesTr };
}
