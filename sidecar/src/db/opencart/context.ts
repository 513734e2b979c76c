import type { Knex } from 'knex';
import { isKnownTimeZone } from './clock';
import { loadSettings, OcSettingError, settingIdList, settingInt, settingString, type OcSettings } from './settings';

/**
 * Everything the OpenCart data layer needs to read and write one store the way OpenCart itself would:
 * its table prefix, store, language, time zone, currency and the settings that steer stock handling.
 * Built once at start-up (loadOcContext) and passed to every function of this folder.
 */
export interface OcContext {
  knex: Knex;
  prefix: string;
  storeId: number;
  languageId: number;
  languageCode: string;
  /** Every oc_language row (descriptions are written per language; reads return them all). */
  languages: OcLanguage[];
  /** IANA zone from config_timezone (UTC when unset): OpenCart's DATETIMEs are wall-clock times there. */
  timezone: string;
  /** The instant "now" (injectable for tests; shop-local strings come from clock.ts). */
  now: () => Date;
  /** config_currency: the currency every oc_* amount is in. */
  defaultCurrency: string;
  defaultCurrencyId: number;
  /** config_customer_group_id: whose specials/discounts/taxes the storefront shows a guest. */
  customerGroupId: number;
  /** config_processing_status and config_complete_status (NOTES §3-4). */
  processingStatuses: number[];
  completeStatuses: number[];
  /** config_name (store-level) and the store's URL, as stored (entity-encoded), i.e. as OpenCart writes them into oc_order. */
  storeName: string;
  storeUrl: string;
  invoicePrefix: string;
  /** config_country_id / config_zone_id: the store address taxes are based on. */
  storeCountryId: number;
  storeZoneId: number;
  /** config_tax_default: which address rules apply to a visitor with none ('shipping', 'payment' or ''). */
  taxDefault: string;
  /** config_tax: whether the storefront shows prices including tax. */
  displayPricesWithTax: boolean;
  /** All settings of store 0 with the store's own rows on top, JSON values decoded. */
  settings: OcSettings;
  /** Prefixed table name, e.g. table('product') → 'oc_product'. */
  table(name: string): string;
}

export interface OcLanguage {
  languageId: number;
  code: string;
  name: string;
  status: boolean;
}

export interface LoadOcContextOptions {
  prefix: string;
  storeId?: number;
  /** oc_language.code; defaults to the store's config_language. */
  language?: string;
  /**
   * Store 0's URL lives in OpenCart's config.php (HTTP_SERVER), not in the database; pass it from the
   * sidecar's configuration. Other stores use their config_url setting (or oc_store.url).
   */
  storeUrl?: string;
  now?: () => Date;
}

export class OcContextError extends Error {
  override name = 'OcContextError';
}

const PREFIX_RE = /^[A-Za-z0-9_]{0,32}$/;

export async function loadOcContext(knex: Knex, options: LoadOcContextOptions): Promise<OcContext> {
  const { prefix } = options;
  const storeId = options.storeId ?? 0;
  if (!PREFIX_RE.test(prefix)) throw new OcContextError(`table prefix ${JSON.stringify(prefix)} must be letters, digits or _ (at most 32)`);
  if (!Number.isInteger(storeId) || storeId < 0) throw new OcContextError(`store id ${storeId} must be 0 or a store_id`);

  let settings: OcSettings;
  try {
    settings = await loadSettings(knex, prefix, storeId);
  } catch (err) {
    if ((err as { errno?: number }).errno === 1146) {
      throw new OcContextError(`OpenCart table ${prefix}setting not found: is the table prefix ${JSON.stringify(prefix)} right?`);
    }
    throw err;
  }

  let storeRow: { name: string; url: string } | undefined;
  if (storeId > 0) {
    storeRow = (await knex(`${prefix}store`).first('name', 'url').where('store_id', storeId)) as typeof storeRow;
    if (!storeRow) throw new OcContextError(`store ${storeId} does not exist in ${prefix}store`);
  }

  const languageRows = (await knex(`${prefix}language`).select('language_id', 'code', 'name', 'status').orderBy('sort_order').orderBy('language_id')) as Array<{
    language_id: number;
    code: string;
    name: string;
    status: number;
  }>;
  const languages: OcLanguage[] = languageRows.map((r) => ({ languageId: r.language_id, code: r.code, name: r.name, status: Number(r.status) === 1 }));
  const languageCode = options.language ?? settingString(settings, 'config_language', 'en-gb');
  const language = languages.find((l) => l.code.toLowerCase() === languageCode.toLowerCase());
  if (!language) {
    throw new OcContextError(
      `language ${JSON.stringify(languageCode)} is not in ${prefix}language (known: ${languages.map((l) => l.code).join(', ') || 'none'})`,
    );
  }

  const timezone = settingString(settings, 'config_timezone', '') || 'UTC';
  if (!isKnownTimeZone(timezone)) throw new OcSettingError(`setting config_timezone ${JSON.stringify(timezone)} is not a known IANA time zone`);

  const defaultCurrency = settingString(settings, 'config_currency', '');
  const currency = (await knex(`${prefix}currency`).first('currency_id').where('code', defaultCurrency)) as { currency_id: number } | undefined;
  if (!currency) throw new OcSettingError(`setting config_currency ${JSON.stringify(defaultCurrency)} is not a currency in ${prefix}currency`);

  const storeUrl =
    storeId > 0 ? settingString(settings, 'config_url', '') || (storeRow?.url ?? '') : (options.storeUrl ?? settingString(settings, 'config_url', ''));

  return {
    knex,
    prefix,
    storeId,
    languageId: language.languageId,
    languageCode: language.code,
    languages,
    timezone,
    now: options.now ?? (() => new Date()),
    defaultCurrency,
    defaultCurrencyId: currency.currency_id,
    customerGroupId: settingInt(settings, 'config_customer_group_id', 1),
    processingStatuses: settingIdList(settings, 'config_processing_status'),
    completeStatuses: settingIdList(settings, 'config_complete_status'),
    storeName: settingString(settings, 'config_name', storeRow?.name ?? ''),
    storeUrl,
    invoicePrefix: settingString(settings, 'config_invoice_prefix', ''),
    storeCountryId: settingInt(settings, 'config_country_id', 0),
    storeZoneId: settingInt(settings, 'config_zone_id', 0),
    taxDefault: settingString(settings, 'config_tax_default', ''),
    displayPricesWithTax: settingString(settings, 'config_tax', '0') === '1',
    settings,
    table: (name: string) => `${prefix}${name}`,
  };
}

/** P in NOTES §4: the statuses in which an order holds stock. */
export function stockHoldingStatuses(ctx: Pick<OcContext, 'processingStatuses' | 'completeStatuses'>): Set<number> {
  return new Set([...ctx.processingStatuses, ...ctx.completeStatuses]);
}
