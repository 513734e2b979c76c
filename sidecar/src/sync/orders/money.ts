import type { OcContext } from '../../db/opencart';
import { fromUnits, roundDiv, toUnits } from '../../db/opencart/money';

/**
 * Marketplace amounts → the shop's default currency (every oc_* amount is in it; NOTES §1 "money").
 * oc_currency.value is each currency's rate against the default (default = 1), so
 * amount_default = amount / value. Exact fixed-point arithmetic: units of 1/10000 for amounts, 1e-8 for
 * rates (OpenCart keeps 8 decimals), rounded half away from zero once.
 */

const RATE_SCALE = 100_000_000n;

export class CurrencyMissingError extends Error {
  override name = 'CurrencyMissingError';
}

export interface Conversion {
  /** The marketplace currency (what the order's currency_code will say). */
  code: string;
  /** oc_currency.value of `code`, as text (stored as the order's currency_value). */
  rate: string;
  toDefault(amount: string | number): bigint;
}

function rateUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? value.toFixed(8) : value;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new CurrencyMissingError(`currency rate ${JSON.stringify(value)} is not a number`);
  return BigInt(m[1]! + (m[2] ?? '').padEnd(8, '0').slice(0, 8));
}

export async function conversionFor(ctx: OcContext, code: string): Promise<Conversion> {
  const upper = code.trim().toUpperCase() || ctx.defaultCurrency;
  if (upper === ctx.defaultCurrency) return { code: upper, rate: '1.00000000', toDefault: (a) => toUnits(a) };
  const row = (await ctx.knex(ctx.table('currency')).first('value').where('code', upper)) as { value: string | number } | undefined;
  if (!row) {
    throw new CurrencyMissingError(
      `the order is in ${upper}, which is not a currency in ${ctx.table('currency')} (default ${ctx.defaultCurrency}): add ${upper} with its rate in OpenCart (System > Localisation > Currencies)` +
        ` / sipariş para birimi ${upper} OpenCart'ta tanımlı değil: Sistem > Yerelleştirme > Para Birimleri'nden ekleyin`,
    );
  }
  const rate = rateUnits(row.value);
  if (rate <= 0n) throw new CurrencyMissingError(`${ctx.table('currency')} rate of ${upper} is 0: set it in OpenCart`);
  return {
    code: upper,
    rate: fromRate(rate),
    toDefault: (a) => roundDiv(toUnits(a) * RATE_SCALE, rate),
  };
}

function fromRate(units: bigint): string {
  const int = units / RATE_SCALE;
  return `${int}.${(units % RATE_SCALE).toString().padStart(8, '0')}`;
}

export { fromUnits, toUnits };
