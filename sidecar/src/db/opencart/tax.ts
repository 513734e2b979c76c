import type { OcContext } from './context';
import { decodeOcText } from './text';
import { FINE_PER_UNIT, fromUnits, percentOfFine, roundDiv, toUnits } from './money';
import { rawRows } from './sql';

/**
 * Taxes as OpenCart's Cart\Tax library computes them. Its rates table is built from up to three
 * addresses — shipping, payment and store — each selecting the tax rules with that `based` value whose
 * rate's geo zone contains the address (zone 0 = the whole country) and whose rate applies to the
 * customer group. Later addresses overwrite a rate id seen earlier, so a rate counts once per class.
 * A visitor without addresses gets the store address for config_tax_default's kind plus 'store' rules
 * (catalog startup/tax), which is what a product page shows a guest and the default here.
 * 'P' rates are value × rate / 100, 'F' rates add their amount; all rates of the class are summed.
 */

export interface TaxAddress {
  countryId: number;
  zoneId: number;
}

export interface OcTaxRate {
  taxRateId: number;
  name: string;
  /** DECIMAL(15,4) text: percent for 'P', an amount for 'F'. */
  rate: string;
  type: 'P' | 'F' | string;
  priority: number;
  based: 'shipping' | 'payment' | 'store';
}

/** tax_class_id → rates that apply, in OpenCart's order. */
export type TaxRateTable = ReadonlyMap<number, readonly OcTaxRate[]>;

export interface TaxAddresses {
  customerGroupId?: number;
  /** Omitted: the store address when config_tax_default is 'shipping'. null: no shipping address at all. */
  shippingAddress?: TaxAddress | null;
  paymentAddress?: TaxAddress | null;
}

interface RateRow {
  tax_class_id: number;
  tax_rate_id: number;
  name: string;
  rate: string;
  type: string;
  priority: number;
}

async function ratesFor(ctx: OcContext, based: OcTaxRate['based'], address: TaxAddress, customerGroupId: number): Promise<Array<RateRow>> {
  const t = (n: string) => `\`${ctx.table(n)}\``;
  return rawRows<RateRow>(
    ctx.knex,
    `SELECT tr1.tax_class_id, tr2.tax_rate_id, tr2.name, tr2.rate, tr2.type, tr1.priority
       FROM ${t('tax_rule')} tr1
       LEFT JOIN ${t('tax_rate')} tr2 ON tr1.tax_rate_id = tr2.tax_rate_id
       INNER JOIN ${t('tax_rate_to_customer_group')} tr2cg ON tr2.tax_rate_id = tr2cg.tax_rate_id
       LEFT JOIN ${t('zone_to_geo_zone')} z2gz ON tr2.geo_zone_id = z2gz.geo_zone_id
      WHERE tr1.based = ? AND tr2cg.customer_group_id = ? AND z2gz.country_id = ? AND (z2gz.zone_id = 0 OR z2gz.zone_id = ?)
      ORDER BY tr1.priority ASC, tr1.tax_rule_id ASC`,
    [based, customerGroupId, address.countryId, address.zoneId],
  );
}

export async function loadTaxRates(ctx: OcContext, addresses: TaxAddresses = {}): Promise<TaxRateTable> {
  const group = addresses.customerGroupId ?? ctx.customerGroupId;
  const store: TaxAddress = { countryId: ctx.storeCountryId, zoneId: ctx.storeZoneId };
  const shipping = addresses.shippingAddress !== undefined ? addresses.shippingAddress : ctx.taxDefault === 'shipping' ? store : null;
  const payment = addresses.paymentAddress !== undefined ? addresses.paymentAddress : ctx.taxDefault === 'payment' ? store : null;

  // Same insertion semantics as the PHP array: keyed by class then rate id, a later write replaces the
  // entry in place.
  const table = new Map<number, Map<number, OcTaxRate>>();
  const add = (rows: RateRow[], based: OcTaxRate['based']) => {
    for (const r of rows) {
      let byRate = table.get(r.tax_class_id);
      if (!byRate) table.set(r.tax_class_id, (byRate = new Map()));
      byRate.set(r.tax_rate_id, { taxRateId: r.tax_rate_id, name: decodeOcText(r.name), rate: r.rate, type: r.type, priority: r.priority, based });
    }
  };
  if (shipping) add(await ratesFor(ctx, 'shipping', shipping, group), 'shipping');
  if (payment) add(await ratesFor(ctx, 'payment', payment, group), 'payment');
  add(await ratesFor(ctx, 'store', store, group), 'store');

  const out = new Map<number, OcTaxRate[]>();
  for (const [classId, byRate] of table) out.set(classId, [...byRate.values()]);
  return out;
}

export interface TaxAmount {
  taxRateId: number;
  name: string;
  type: string;
  rate: string;
  /** DECIMAL(15,4) text. */
  amount: string;
}

function fineAmount(rate: OcTaxRate, value: bigint): bigint {
  if (rate.type === 'F') return toUnits(rate.rate) * FINE_PER_UNIT;
  if (rate.type === 'P') return percentOfFine(value, toUnits(rate.rate));
  return 0n;
}

/** Tax::getRates: the tax of each applicable rate on `value` (excl. tax) for the class. */
export function taxesFor(table: TaxRateTable, value: string | number, taxClassId: number): TaxAmount[] {
  const v = toUnits(value);
  return (table.get(taxClassId) ?? []).map((r) => ({
    taxRateId: r.taxRateId,
    name: r.name,
    type: r.type,
    rate: r.rate,
    amount: fromUnits(roundDiv(fineAmount(r, v), FINE_PER_UNIT)),
  }));
}

/** Tax::getTax: total tax on `value` for the class, DECIMAL text (summed exactly, rounded once). */
export function taxOn(table: TaxRateTable, value: string | number, taxClassId: number): string {
  const v = toUnits(value);
  const fine = (table.get(taxClassId) ?? []).reduce((sum, r) => sum + fineAmount(r, v), 0n);
  return fromUnits(roundDiv(fine, FINE_PER_UNIT));
}

/** Tax::calculate($value, $tax_class_id, true): the price including tax; a class of 0 adds nothing. */
export function priceWithTax(table: TaxRateTable, value: string | number, taxClassId: number): string {
  if (!taxClassId) return fromUnits(toUnits(value));
  return fromUnits(toUnits(value) + toUnits(taxOn(table, value, taxClassId)));
}

/** What the storefront prints: with tax when config_tax is on, without otherwise. */
export function displayPrice(ctx: Pick<OcContext, 'displayPricesWithTax'>, table: TaxRateTable, value: string | number, taxClassId: number): string {
  return ctx.displayPricesWithTax ? priceWithTax(table, value, taxClassId) : fromUnits(toUnits(value));
}
