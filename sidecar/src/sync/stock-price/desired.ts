import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { OcContext } from '../../db/opencart/context';
import { shopToday } from '../../db/opencart/clock';
import { getProducts, type OcProduct } from '../../db/opencart/products';
import { loadTaxRates, type TaxRateTable } from '../../db/opencart/tax';
import type { ReservedQuantities, ReservedStockSource } from '../reservations';
import type { AccountView } from '../accounts/store';
import { computePrice, computeQuantity, loadAccountRules, loadCurrencyRates, ratePair, resolveRules, type AccountRules, type CurrencyRates, type PriceResult, type RuleSet, type StockReason } from '../rules';
import { combinationStock, type StockLevel } from '../variants/stock';
import { optionValueIndex } from '../variants/combos';
import type { VariantRow, VariantStore } from '../variants/store';
import { optionPriceDelta } from '../rules/price';
import type { ListingRow } from './listings';

/**
 * What each listing should show right now: quantity (combination stock − reservations, through the
 * stock rule; 0 when the store would not sell it) and price (through the price rule and the safety
 * floor/ceiling). Shared by the planner (whose values the push job carries), the push worker (which
 * computes again whenever those may be outdated, so it always sends the newest values), the re-plan
 * after a settled batch and reconciliation.
 */

export interface Desired {
  quantity: number;
  stockReason: StockReason;
  price: PriceResult | null;
  /** Why no price could be computed (no product price, unknown currency…). */
  priceError: string | null;
  rules: RuleSet;
}

/** What every listing of an account shares: rules, rates, the shop's date, and a digest of them. */
export interface DesiredBasics {
  rules: AccountRules;
  taxRates: TaxRateTable;
  currency: CurrencyRates;
  today: string;
  /**
   * Changes whenever any of the above (or the account's currency, or anything invalidate() covers)
   * does: values planned under another generation are computed again before they are sent.
   */
  generation: string;
}

export interface DesiredContext extends DesiredBasics {
  account: AccountView;
  products: Map<number, OcProduct>;
  variants: Map<number, VariantRow>;
  reserved: ReservedQuantities;
}

const mapsAsEntries = (_key: string, value: unknown): unknown => (value instanceof Map ? [...value] : typeof value === 'bigint' ? value.toString() : value);

/** Per-account values that rarely change, kept a few seconds so a busy pump does not reload them every batch. */
class ShortCache<T> {
  private entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
}

/** How long a process keeps an account's rules (another process sees a rule change this much later at most). */
export const RULES_CACHE_MS = 3000;

export class DesiredCalculator {
  private readonly rulesCache = new ShortCache<AccountRules>(RULES_CACHE_MS);
  private readonly taxCache = new ShortCache<TaxRateTable>(10_000);
  private readonly currencyCache = new ShortCache<CurrencyRates>(10_000);
  /** Bumped by invalidate(): variant and rule edits made through this process. */
  private epoch = 0;
  private readonly digests = new WeakMap<object, string>();

  constructor(
    private readonly knex: Knex,
    private readonly oc: OcContext,
    private readonly variants: VariantStore,
    private readonly reservedStock: ReservedStockSource,
  ) {}

  /** Forget cached rules and rates (after the owner changed them). */
  invalidate(): void {
    this.epoch++;
    this.rulesCache.clear();
    this.taxCache.clear();
    this.currencyCache.clear();
  }

  /** `forListing`: also read names, descriptions and images (listing builds need them; stock and price do not). */
  async prepare(account: AccountView, listings: readonly Pick<ListingRow, 'productId' | 'variantId'>[], db?: Knex | Knex.Transaction, forListing = false): Promise<DesiredContext> {
    const productIds = [...new Set(listings.map((l) => l.productId))];
    const variantIds = listings.map((l) => l.variantId).filter((v): v is number => v !== null);
    const [products, variants, reserved, basics] = await Promise.all([
      getProducts(this.oc, productIds, { lean: !forListing }),
      this.variants.byIds(variantIds),
      this.reservedStock(db ?? this.knex, productIds),
      this.basics(account),
    ]);
    return { account, products, variants, reserved, ...basics };
  }

  /** Rules, rates and date without reading any product (cached: usually no query at all). */
  async basics(account: AccountView): Promise<DesiredBasics> {
    const [rules, taxRates, currency] = await Promise.all([
      this.rulesCache.get(String(account.id), () => loadAccountRules(this.knex, account.id)),
      this.taxCache.get('tax', () => loadTaxRates(this.oc)),
      this.currencyCache.get('currency', () => loadCurrencyRates(this.oc)),
    ]);
    const today = shopToday(this.oc);
    const parts = [this.epoch, this.digest(rules), this.digest(taxRates), this.digest(currency), today, account.settings.sync.currency].join('|');
    return { rules, taxRates, currency, today, generation: createHash('sha1').update(parts).digest('base64url').slice(0, 12) };
  }

  private digest(value: object): string {
    let d = this.digests.get(value);
    if (d === undefined) {
      d = createHash('sha1').update(JSON.stringify(value, mapsAsEntries)).digest('base64url');
      this.digests.set(value, d);
    }
    return d;
  }

  compute(ctx: DesiredContext, listing: Pick<ListingRow, 'productId' | 'variantId'>): Desired {
    const product = ctx.products.get(listing.productId);
    const variant = listing.variantId === null ? undefined : ctx.variants.get(listing.variantId);
    const rules = resolveRules(ctx.rules, product ?? { productId: listing.productId, categories: [] });
    if (!product) return { quantity: 0, stockReason: 'deleted', price: null, priceError: 'the product no longer exists in OpenCart', rules };
    const index = optionValueIndex(product);
    const chosen = (variant?.optionValues ?? []).map((o) => index.get(o.productOptionValueId));
    let unsellable: Parameters<typeof computeQuantity>[1]['unsellable'] = null;
    if (!product.status) unsellable = 'disabled';
    else if (!product.inStore) unsellable = 'not_in_store';
    else if (product.dateAvailable > ctx.today) unsellable = 'not_available_yet';
    else if (!variant || chosen.some((c) => c === undefined)) unsellable = 'variant_gone';
    else if (!variant.active) unsellable = 'variant_inactive';

    let available = 0;
    if (!unsellable && variant) {
      const reservedProduct = ctx.reserved.byProduct.get(product.productId) ?? 0;
      const productLevel: StockLevel = { quantity: product.quantity - reservedProduct, subtract: product.subtract };
      const values: StockLevel[] = chosen.map((v) => ({ quantity: v!.quantity - (ctx.reserved.byOptionValue.get(v!.productOptionValueId) ?? 0), subtract: v!.subtract }));
      const fixed = variant.fixedQuantity === null ? null : variant.fixedQuantity - reservedProduct;
      available = combinationStock(productLevel, values, variant.stockSource, fixed);
    }
    const stock = computeQuantity(rules.stock, { available, reserved: 0, unsellable });

    let price: PriceResult | null = null;
    let priceError: string | null = null;
    try {
      const currency = rules.price.currency ?? ctx.account.settings.sync.currency;
      price = computePrice(rules.price, rules.safety, {
        basePrice: product.price,
        specialPrice: product.special?.price ?? null,
        optionDelta: optionPriceDelta(chosen.filter((c) => c !== undefined)),
        taxClassId: product.taxClassId,
        taxRates: ctx.taxRates,
        ...ratePair(ctx.currency, currency),
        cost: variant?.cost ?? null,
        minPrice: variant?.minPrice ?? null,
        maxPrice: variant?.maxPrice ?? null,
      });
    } catch (err) {
      priceError = (err as Error).message;
    }
    return { quantity: stock.quantity, stockReason: stock.reason, price, priceError, rules };
  }
}
