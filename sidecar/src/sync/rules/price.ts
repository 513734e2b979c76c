import { priceWithTax, type TaxRateTable } from '../../db/opencart/tax';
import { addPercent, centsText, convert, fromUnits, maxUnits, minUnits, snap, toCents, toUnits, type RoundDirection } from './decimal';
import type { PriceRule, SafetyRule } from './schema';

/**
 * What a listing's price should be, from OpenCart's numbers and the account's rules. Pure: every input
 * (tax rates, currency rates, cost) is passed in, so it is exhaustively testable.
 *
 * Order: OpenCart price (base or active special, plus the option values' price modifiers; excl. tax,
 * default currency) → tax per OpenCart's rates → currency conversion (oc_currency.value) → markup % →
 * markup fixed → whole cents → rounding grid → floor / ceiling. The list price goes through the same
 * steps from the base price and is never below the sale price. A sale price not above zero is a
 * PriceRuleError: the listing then gets no price (its stock still goes out).
 */

export interface PriceInput {
  /** oc_product.price (DECIMAL text, excl. tax, default currency). */
  basePrice: string;
  /** The active special for the default customer group, or null. */
  specialPrice: string | null;
  /** Signed sum of the chosen option values' price modifiers ('+' adds, '-' subtracts). */
  optionDelta: string;
  taxClassId: number;
  taxRates: TaxRateTable;
  /** oc_currency.value of the default currency and of the marketplace currency (default = 1 in OpenCart). */
  fromRate: bigint;
  toRate: bigint;
  /** Unit cost excl. tax, default currency (from the variant table); null when unknown. */
  cost: string | null;
  /** Owner-set lowest / highest price as shown (incl. tax when the rule includes it), default currency. */
  minPrice: string | null;
  maxPrice: string | null;
}

export interface PriceResult {
  /** What to send, 2 decimals, marketplace currency. */
  salePrice: string;
  listPrice: string;
  /** The price the rule alone gives (before floor/ceiling). */
  rulePrice: string;
  floor: string | null;
  ceiling: string | null;
  /** Why the price sent is not the rule's (clamped to the floor or ceiling), for the listing state. */
  note: string | null;
}

export class PriceRuleError extends Error {
  override name = 'PriceRuleError';
}

function shown(rule: PriceRule, input: PriceInput, exclTax: bigint): bigint {
  const withTax = rule.includeTax ? toUnits(priceWithTax(input.taxRates, fromUnits(exclTax), input.taxClassId)) : exclTax;
  const converted = convert(withTax, input.fromRate, input.toRate);
  return addPercent(converted, rule.markupPercent) + toUnits(rule.markupFixed);
}

function onGrid(rule: PriceRule, value: bigint, direction?: RoundDirection): bigint {
  const cents = toCents(value, direction ?? 'nearest');
  if (!rule.rounding) return cents;
  return snap(cents, toUnits(rule.rounding.step), toUnits(rule.rounding.ending), direction ?? rule.rounding.direction);
}

/** A cost or owner amount in the default currency turned into the shown, marketplace-currency terms. */
function boundFromCost(rule: PriceRule, input: PriceInput, cost: bigint, multiplier: string): bigint {
  const target = addPercent(cost, multiplier);
  const withTax = rule.includeTax ? toUnits(priceWithTax(input.taxRates, fromUnits(target), input.taxClassId)) : target;
  return convert(withTax, input.fromRate, input.toRate);
}

export function computePrice(rule: PriceRule, safety: SafetyRule, input: PriceInput): PriceResult {
  const base = toUnits(input.basePrice) + toUnits(input.optionDelta);
  const special = rule.source === 'special' && input.specialPrice !== null ? toUnits(input.specialPrice) + toUnits(input.optionDelta) : null;
  const effective = special ?? base;
  if (effective <= 0n) throw new PriceRuleError(`price ${fromUnits(effective)} is not above zero (base ${input.basePrice}, options ${input.optionDelta})`);

  const rulePrice = onGrid(rule, shown(rule, input, effective));
  let sale = rulePrice;
  let list = rule.listPrice === 'base' ? onGrid(rule, shown(rule, input, base)) : sale;

  // Floor: the cost plus the minimum margin, and the owner's minimum; never sell below either.
  let floor: bigint | null = null;
  if (input.cost !== null && toUnits(input.cost) > 0n) {
    // minMarginPercent is a percentage: cost × (1 + m/100).
    floor = toCents(boundFromCost(rule, input, toUnits(input.cost), safety.minMarginPercent), 'up');
  }
  if (input.minPrice !== null) floor = maxUnits(floor ?? 0n, toCents(convert(toUnits(input.minPrice), input.fromRate, input.toRate), 'up'));

  let ceiling: bigint | null = null;
  if (input.maxPrice !== null) ceiling = toCents(convert(toUnits(input.maxPrice), input.fromRate, input.toRate), 'down');
  if (input.cost !== null && toUnits(input.cost) > 0n && safety.maxCostMultiple !== null && toUnits(safety.maxCostMultiple) > 0n) {
    // cost × multiple = cost × (1 + (multiple − 1) × 100 / 100).
    const percent = fromUnits((toUnits(safety.maxCostMultiple) - 10_000n) * 100n);
    const byCost = toCents(boundFromCost(rule, input, toUnits(input.cost), percent), 'down');
    ceiling = ceiling === null ? byCost : minUnits(ceiling, byCost);
  }

  const notes: string[] = [];
  if (floor !== null && ceiling !== null && floor > ceiling) {
    notes.push(`floor ${centsText(floor)} is above ceiling ${centsText(ceiling)}: the floor wins`);
    ceiling = null;
  }
  if (floor !== null && sale < floor) {
    const raised = onGrid(rule, floor, 'up');
    sale = ceiling !== null && raised > ceiling ? floor : raised;
    notes.push(`rule price ${centsText(rulePrice)} is below the floor ${centsText(floor)} (cost/minimum price): sending ${centsText(sale)}`);
  } else if (ceiling !== null && sale > ceiling) {
    const lowered = onGrid(rule, ceiling, 'down');
    sale = floor !== null && lowered < floor ? ceiling : lowered;
    notes.push(`rule price ${centsText(rulePrice)} is above the ceiling ${centsText(ceiling)}: sending ${centsText(sale)}`);
  }
  if (ceiling !== null && list > ceiling) list = ceiling;
  if (list < sale) list = sale;
  // A negative markupFixed (or a ceiling) can take a positive OpenCart price to zero or below. Sent, the
  // marketplace refuses the whole item, stock included, until the listing is quarantined: no price instead.
  if (sale <= 0n) {
    throw new PriceRuleError(`the price rule gives ${centsText(sale)}, not above zero (OpenCart price ${fromUnits(effective)}, markup ${rule.markupPercent}% and ${rule.markupFixed}); no price is sent until the rule is fixed`);
  }

  return {
    salePrice: centsText(sale),
    listPrice: centsText(list),
    rulePrice: centsText(rulePrice),
    floor: floor === null ? null : centsText(floor),
    ceiling: ceiling === null ? null : centsText(ceiling),
    note: notes.length ? notes.join('; ') : null,
  };
}

/** Signed sum of option value price modifiers, as OpenCart's cart adds them. */
export function optionPriceDelta(values: ReadonlyArray<{ price: string; pricePrefix: string }>): string {
  let sum = 0n;
  for (const v of values) sum += v.pricePrefix === '-' ? -toUnits(v.price) : toUnits(v.price);
  return fromUnits(sum);
}
