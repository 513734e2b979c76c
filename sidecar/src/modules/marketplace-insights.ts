import type { Knex } from 'knex';
import type { CompetitorPrice } from '../analytics/pricing/optimise';
import { loadSpecials, storefrontPrice, type OcContext } from '../db/opencart';
import { placeholders, rawRows } from '../db/raw';
import { offersBuybox, offersQuestions, type CustomerQuestion, type IsoTime, type MarketplaceAdapter, type MarketplaceCode } from '../marketplaces/contract';
import type { AdapterProvider } from '../sync/accounts/adapters';
import type { AccountStore, AccountView } from '../sync/accounts/store';
import type { Logger } from '../util/logger';

/**
 * What the connected marketplaces tell about the competition and the customers, for analytics:
 * other sellers' prices on our listings (from each account whose adapter offers the buybox) and recent
 * customer questions (from each account whose adapter offers them). Marketplace-neutral: it asks the
 * adapters' capabilities, never their codes. A failing account is logged and reported, never fatal:
 * the caller gets what the others answered.
 */

const DAY_MS = 86_400_000;
/** Narrowest question window: a smaller declared range is taken as a mistake, not walked minute by minute. */
const MIN_WINDOW_MS = 3_600_000;
/** Barcodes per adapter call: a failure loses at most this many (the adapter splits them further). */
const BUYBOX_CHUNK = 50;
/** Listings the marketplace knows: live ones and ones without stock (archived). */
const KNOWN_STATES = ['active', 'inactive'];
/** At most this many questions per harvest (the same bound as the POST summary). */
export const MAX_QUESTIONS = 5000;
const MAX_PAGES_PER_WINDOW = 200;
const round2 = (x: number) => Math.round(x * 100) / 100;

export interface HarvestedQuestion extends CustomerQuestion {
  accountId: number;
  marketplace: MarketplaceCode;
}

/**
 * Per account: how many questions/reviews came back (null: not offered by the marketplace, or not read;
 * `error` then says why, e.g. the harvest's cap was reached before this account).
 */
export interface FeedbackSourceReport {
  accountId: number;
  marketplace: MarketplaceCode;
  name: string;
  questions: number | null;
  reviews: number | null;
  error: string | null;
}

export interface QuestionHarvest {
  since: IsoTime;
  until: IsoTime;
  questions: HarvestedQuestion[];
  sources: FeedbackSourceReport[];
  /**
   * The cap (MAX_QUESTIONS) was reached: the account being read then kept its newest questions and lost
   * older ones, and accounts after it were not read (their `questions` is null, `error` says so).
   */
  truncated: boolean;
}

export interface MarketplaceInsightsDeps {
  knex: Knex;
  /** The OpenCart shop: its product prices, and only accounts of its store are asked. */
  oc: OcContext;
  accounts: AccountStore;
  adapters: AdapterProvider;
  logger: Logger;
  now?: () => number;
  /** Questions per harvest (default MAX_QUESTIONS). */
  maxQuestions?: number;
}

export class MarketplaceInsights {
  constructor(private readonly deps: MarketplaceInsightsDeps) {}

  private async connected(marketplace?: string): Promise<AccountView[]> {
    const all = await this.deps.accounts.list();
    return all.filter((a) => a.enabled && a.hasCredentials && a.storeId === this.deps.oc.storeId && (marketplace === undefined || a.code === marketplace));
  }

  private async adapterOf(account: AccountView): Promise<MarketplaceAdapter | null> {
    try {
      return await this.deps.adapters.get(account.id);
    } catch (err) {
      this.deps.logger.warn({ err, accountId: account.id }, 'marketplace insights: no adapter for the account');
      return null;
    }
  }

  /**
   * Other sellers' prices per OpenCart product, from the barcodes of its listings, in the shop's own
   * price basis: a marketplace price includes VAT, the account's price rules and maybe another
   * currency, so each competitor's price is taken relative to our own offer on that marketplace (the
   * price the answer shows for our rank, else the one we last pushed) and applied to the OpenCart
   * price. The OpenCart price is the effective one (the active special, else the list price), as the
   * stock/price sync pushes it under its default price source. Our own price never counts as a
   * competitor's: where we hold the buybox, its price is ours.
   */
  async competitorPrices(productIds: number[]): Promise<Map<number, CompetitorPrice[]>> {
    const out = new Map<number, CompetitorPrice[]>();
    const ids = [...new Set(productIds.filter((id) => Number.isInteger(id) && id > 0))];
    if (ids.length === 0) return out;
    const sources: Array<{ account: AccountView; adapter: MarketplaceAdapter & Required<Pick<MarketplaceAdapter, 'fetchBuybox'>> }> = [];
    for (const account of await this.connected()) {
      const adapter = await this.adapterOf(account);
      if (adapter && offersBuybox(adapter)) sources.push({ account, adapter });
    }
    if (sources.length === 0) return out;
    const listings = await this.listingBarcodes(sources.map((s) => s.account.id), ids);
    const shopPrices = await this.shopPrices(ids);
    for (const { account, adapter } of sources) {
      const byBarcode = listings.get(account.id);
      if (!byBarcode) continue;
      const barcodes = [...byBarcode.keys()];
      for (let i = 0; i < barcodes.length; i += BUYBOX_CHUNK) {
        try {
          for (const standing of await adapter.fetchBuybox(barcodes.slice(i, i + BUYBOX_CHUNK))) {
            for (const listing of byBarcode.get(standing.barcode) ?? []) {
              const ours = Number(standing.ourPrice ?? listing.pushedPrice ?? NaN);
              const shop = shopPrices.get(listing.productId) ?? NaN;
              // Without our own price there, a competitor's price cannot be put in the shop's terms.
              if (!(ours > 0) || !(shop > 0)) continue;
              const list = out.get(listing.productId) ?? [];
              for (const offer of standing.competitors) {
                const price = round2((shop * Number(offer.price)) / ours);
                // Variants of one product often face the same offer: count it once.
                if (!(price > 0) || list.some((c) => c.marketplace === account.code && c.price === price)) continue;
                list.push({ marketplace: account.code, price, ...(offer.seller ? { seller: offer.seller } : {}) });
              }
              if (list.length > 0) out.set(listing.productId, list);
            }
          }
        } catch (err) {
          // The client already retried; further chunks of this account would most likely fail alike.
          this.deps.logger.warn({ err, accountId: account.id, marketplace: account.code }, 'marketplace insights: buybox call failed; using the prices read so far');
          break;
        }
      }
    }
    return out;
  }

  /**
   * account id → barcode → the listings behind it (OpenCart product, price last pushed), for listings the
   * marketplace knows. Keyed by the trimmed barcode: adapters trim what they send and answer for, and a
   * blank one would make the adapter refuse its whole chunk.
   */
  private async listingBarcodes(accountIds: number[], productIds: number[]): Promise<Map<number, Map<string, Array<{ productId: number; pushedPrice: number | null }>>>> {
    const out = new Map<number, Map<string, Array<{ productId: number; pushedPrice: number | null }>>>();
    for (let i = 0; i < productIds.length; i += 1000) {
      const chunk = productIds.slice(i, i + 1000);
      const rows = await rawRows<{ marketplace_id: number; product_id: number; barcode: string; last_pushed_price: string | null }>(
        this.deps.knex,
        `SELECT marketplace_id, product_id, barcode, last_pushed_price FROM meschain_listings
          WHERE marketplace_id IN (${placeholders(accountIds.length)}) AND product_id IN (${placeholders(chunk.length)})
            AND barcode IS NOT NULL AND barcode <> '' AND state IN (${placeholders(KNOWN_STATES.length)})`,
        [...accountIds, ...chunk, ...KNOWN_STATES],
      );
      for (const r of rows) {
        const barcode = r.barcode.trim();
        if (barcode === '') continue;
        const accountId = Number(r.marketplace_id);
        const byBarcode = out.get(accountId) ?? new Map<string, Array<{ productId: number; pushedPrice: number | null }>>();
        const list = byBarcode.get(barcode) ?? [];
        if (!list.some((l) => l.productId === Number(r.product_id))) list.push({ productId: Number(r.product_id), pushedPrice: r.last_pushed_price === null ? null : Number(r.last_pushed_price) });
        byBarcode.set(barcode, list);
        out.set(accountId, byBarcode);
      }
    }
    return out;
  }

  /**
   * OpenCart's effective price per product: the default customer group's active special, else
   * product.price. The marketplace price was pushed from it (sync/rules/price.ts), so a competitor's
   * price relative to ours scales this one. Quantity discounts are left out, as the push leaves them out.
   */
  private async shopPrices(productIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const specials = await loadSpecials(this.deps.oc, productIds);
    for (let i = 0; i < productIds.length; i += 1000) {
      const chunk = productIds.slice(i, i + 1000);
      const rows = await rawRows<{ product_id: number; price: string }>(
        this.deps.knex,
        `SELECT product_id, price FROM \`${this.deps.oc.table('product')}\` WHERE product_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const r of rows) {
        const id = Number(r.product_id);
        out.set(id, Number(storefrontPrice(this.deps.oc, String(r.price), specials.get(id) ?? [], []).effectivePrice));
      }
    }
    return out;
  }

  /**
   * Customer questions created in the last `sinceDays` days, from every connected account (or those of
   * one marketplace) whose adapter offers them, read window by window as wide as the marketplace allows,
   * newest window first and each newest first: when the cap is reached, what is kept is the most recent.
   */
  async customerQuestions(sinceDays: number, filter: { marketplace?: string } = {}): Promise<QuestionHarvest> {
    if (!Number.isInteger(sinceDays) || sinceDays < 1 || sinceDays > 365) throw new RangeError(`sinceDays must be a whole number from 1 to 365, got ${sinceDays}`);
    const now = (this.deps.now ?? Date.now)();
    const since = now - sinceDays * DAY_MS;
    const cap = this.deps.maxQuestions ?? MAX_QUESTIONS;
    const questions: HarvestedQuestion[] = [];
    const sources: FeedbackSourceReport[] = [];
    for (const account of await this.connected(filter.marketplace)) {
      const report: FeedbackSourceReport = { accountId: account.id, marketplace: account.code, name: account.name, questions: null, reviews: null, error: null };
      sources.push(report);
      const adapter = await this.adapterOf(account);
      if (!adapter) {
        report.error = 'the account could not be opened';
        continue;
      }
      if (!offersQuestions(adapter)) continue;
      if (questions.length >= cap) {
        // Not asked at all: null with the reason, never a 0 that reads as "no questions there".
        report.error = `not read: the harvest reached its cap of ${cap} questions / okunmadı: ${cap} soruluk üst sınıra ulaşıldı`;
        continue;
      }
      const seen = new Set<string>();
      try {
        await this.readQuestions(account, adapter, since, now, cap, seen, questions);
      } catch (err) {
        report.error = (err as Error).message;
        this.deps.logger.warn({ err, accountId: account.id, marketplace: account.code }, 'marketplace insights: reading customer questions failed; using what was read');
      }
      report.questions = seen.size;
    }
    return { since: new Date(since).toISOString(), until: new Date(now).toISOString(), questions, sources, truncated: questions.length >= cap };
  }

  /** One account's questions in [since, now], newest first, into `out` until it holds `cap`. */
  private async readQuestions(
    account: AccountView,
    adapter: MarketplaceAdapter & Required<Pick<MarketplaceAdapter, 'fetchCustomerQuestions'>>,
    since: number,
    now: number,
    cap: number,
    seen: Set<string>,
    out: HarvestedQuestion[],
  ): Promise<void> {
    const limits = adapter.capabilities.limits;
    const rangeDays = limits.questionRangeDays;
    // A missing, zero, negative or odd range must not stall the walk: then one window over the whole
    // period (an adapter that cannot answer that refuses it, and the account reports the error).
    const windowMs = rangeDays !== undefined && Number.isFinite(rangeDays) && rangeDays > 0 ? Math.max(rangeDays * DAY_MS, MIN_WINDOW_MS) : now - since;
    const pageSize = limits.questionPageSize;
    const size = pageSize !== undefined && Number.isInteger(pageSize) && pageSize > 0 ? pageSize : 50;
    for (let to = now; to > since; to -= windowMs) {
      const from = Math.max(since, to - windowMs);
      for (let page = 0; page < MAX_PAGES_PER_WINDOW; page += 1) {
        const res = await adapter.fetchCustomerQuestions({ since: new Date(from).toISOString(), until: new Date(to).toISOString(), page, size, order: 'desc' });
        for (const q of res.items) {
          // Windows share their edge (a question created exactly there comes twice), and a question
          // arriving while a window is read newest first pushes one already read onto the next page.
          if (seen.has(q.id)) continue;
          seen.add(q.id);
          out.push({ ...q, accountId: account.id, marketplace: account.code });
          if (out.length >= cap) return;
        }
        // The page count when the answer gives it; else a page shorter than the size it was served at.
        const last = res.totalPages !== undefined ? page + 1 >= res.totalPages : res.items.length < (res.size > 0 ? res.size : size);
        if (last) break;
      }
    }
  }
}
