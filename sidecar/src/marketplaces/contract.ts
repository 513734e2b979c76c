// CONTRACT READY
import type { Logger } from '../util/logger';
import type { MarketplaceHttpFactory, RateLimit } from './http/types';
import type {
  ActionOutcome,
  AsyncHandle,
  Brand,
  CancelReason,
  CategoryAttribute,
  LineQuantity,
  ListingItem,
  ListingQuery,
  MarketplaceAccount,
  MarketplaceCategory,
  MarketplaceCode,
  MarketplaceCredentials,
  MarketplaceOrder,
  OrderFetchOptions,
  OrdersPage,
  PackageRef,
  Page,
  PollOutcome,
  RemoteListing,
  ReturnsPage,
  Shipment,
  StockPriceUpdate,
  SubmitOutcome,
  WebhookAuth,
  WebhookChallengeResponse,
  WebhookEvent,
  WebhookRegistration,
  WebhookRequest,
  WebhookVerification,
} from './types';
import type { BuyboxStanding, CustomerQuestion, InsightCapabilities, QuestionQuery } from './insights';

export * from './types';
export * from './insights';
export * from './errors';
export type { MarketplaceHttpFactory, RateLimit } from './http/types';

/**
 * The one adapter contract every marketplace implements (DESIGN.md §5).
 *
 * Error rules:
 * - A whole call that fails THROWS a MarketplaceError (errors.ts): transport, 5xx, 429, auth, a request
 *   refused as a whole. `retryable` and `retryAfterMs` tell the caller what to do.
 * - Items refused inside a batch are RETURNED as ItemResult { status: 'failed', errors } — never thrown.
 * - An operation the marketplace does not offer throws UnsupportedError; `capabilities` says so up front.
 *
 * Idempotency: listing and stock/price calls set absolute values, so repeating them is harmless (though
 * Trendyol refuses an identical repeat within ~15 min: that comes back as an item error with code
 * 'duplicate_request'). Order actions are safe to repeat after a crash: adapters treat "already in that
 * state" answers as success.
 */
export interface MarketplaceAdapter {
  readonly code: MarketplaceCode;
  readonly accountId: number;
  readonly capabilities: MarketplaceCapabilities;

  /** Cheap authenticated call to prove credentials and base URL work (for account setup). */
  checkConnection(): Promise<{ ok: true } | { ok: false; reason: string }>;

  // Listings -------------------------------------------------------------------------------------
  /**
   * Creates (mode 'create') or updates content of (mode 'update') listings. Any number of items: the
   * adapter splits them into batches of `limits.listingBatchSize`. Items that fail local validation
   * come back in `results` without being sent. If a later batch fails as a whole after earlier ones were
   * accepted, the accepted batches' handles are still returned and the failed batch's items come back
   * as item failures carrying the error's retryability; the call throws only when nothing was accepted.
   */
  submitListings(items: ListingItem[], mode: 'create' | 'update'): Promise<SubmitOutcome>;
  /** Reads listings as the marketplace shows them (reconciliation, remote ids). */
  fetchListings(query: ListingQuery): Promise<Page<RemoteListing>>;

  // Stock and price ------------------------------------------------------------------------------
  /** Sets absolute stock and/or price. Split into batches of `limits.stockPriceBatchSize`. */
  submitStockPrice(items: StockPriceUpdate[]): Promise<SubmitOutcome>;

  // Async results --------------------------------------------------------------------------------
  /** Result of one pending batch; `done: false` while the marketplace is still processing it. */
  pollResult(handle: AsyncHandle): Promise<PollOutcome>;

  // Orders ---------------------------------------------------------------------------------------
  /**
   * Orders (packages) created or changed since the cursor. Start with `null`; persist the returned
   * cursor after handling the page; call again at once while `hasMore`. The same package may come back
   * again after a change (consumers must be idempotent), but not twice for the same state.
   */
  fetchOrders(cursor: string | null, options?: OrderFetchOptions): Promise<OrdersPage>;
  /** One order with all its packages (`complete: true`), or null when the marketplace does not know it. */
  fetchOrder(orderId: string): Promise<MarketplaceOrder | null>;
  /** Tells the marketplace the seller has taken the package (Trendyol Picking). No-op where there is no such step. */
  acknowledge(ref: PackageRef, lines?: LineQuantity[]): Promise<ActionOutcome>;
  /** Marks shipped: carrier + tracking number (and invoice where the marketplace needs it first). */
  ship(ref: PackageRef, shipment: Shipment): Promise<ActionOutcome>;
  /** Cancels lines the seller cannot supply. On Trendyol the remaining lines move to a new package. */
  cancelLines(ref: PackageRef, lines: LineQuantity[], reason: CancelReason): Promise<ActionOutcome>;

  // Returns --------------------------------------------------------------------------------------
  /** Returns/claims created or changed since the cursor (same cursor rules as fetchOrders). */
  fetchReturns(cursor: string | null, options?: OrderFetchOptions): Promise<ReturnsPage>;

  // Catalogue data -------------------------------------------------------------------------------
  /** The whole category tree, flattened (parents before children). */
  fetchCategories(): Promise<MarketplaceCategory[]>;
  fetchCategoryAttributes(categoryId: string): Promise<CategoryAttribute[]>;
  /** Brand catalogue page (0-based). Marketplaces with free-text brands throw UnsupportedError. */
  fetchBrands(page: number, size: number): Promise<Page<Brand>>;
  findBrands(name: string): Promise<Brand[]>;

  // Webhooks (outbound registration; inbound handling is on the definition) -----------------------
  registerWebhook(input: { url: string; auth: WebhookAuth; events?: string[] }): Promise<WebhookRegistration>;
  listWebhooks(): Promise<WebhookRegistration[]>;
  deleteWebhook(id: string): Promise<void>;

  // Market insights (optional: present exactly when `capabilities.insights` says so) ---------------
  /**
   * Where our offers stand against other sellers' for these barcodes. Any number: the adapter splits
   * them into requests of `limits.buyboxBatchSize`. Barcodes the marketplace does not know are left out
   * of the answer. Throws like any whole call; a blank barcode is refused before anything is sent.
   */
  fetchBuybox?(barcodes: string[]): Promise<BuyboxStanding[]>;
  /**
   * One page of customer questions created in a time range, oldest first. A range wider than
   * `limits.questionRangeDays` is refused (MarketplaceError 'validation') before anything is sent:
   * callers walk longer periods window by window.
   */
  fetchCustomerQuestions?(query: QuestionQuery): Promise<Page<CustomerQuestion>>;
}

/** The adapter offers fetchBuybox (capability declared and method present). */
export function offersBuybox(a: MarketplaceAdapter): a is MarketplaceAdapter & Required<Pick<MarketplaceAdapter, 'fetchBuybox'>> {
  return a.capabilities.insights?.buybox === true && typeof a.fetchBuybox === 'function';
}

/** The adapter offers fetchCustomerQuestions (capability declared and method present). */
export function offersQuestions(a: MarketplaceAdapter): a is MarketplaceAdapter & Required<Pick<MarketplaceAdapter, 'fetchCustomerQuestions'>> {
  return a.capabilities.insights?.questions === true && typeof a.fetchCustomerQuestions === 'function';
}

/** What the sync engine may expect of a marketplace, declared by its adapter. */
export interface MarketplaceCapabilities {
  limits: {
    /** Items per listing create/update request. */
    listingBatchSize: number;
    /** Items per stock/price request. */
    stockPriceBatchSize: number;
    /** Largest order page the marketplace serves. */
    orderPageSize: number;
    /** How far back orders can be fetched. */
    orderLookbackDays: number;
    /** Largest quantity accepted per listing. */
    maxQuantity?: number;
    /**
     * An identical stock/price request within this window is refused (Trendyol ~15 min; Ozon 30 s per
     * pair). The sync engine must push only real changes.
     */
    duplicateRequestWindowMs?: number;
    /** Per-account request limits by group, as the HTTP client enforces them (default group "default"). */
    rateLimits: Record<string, RateLimit>;
    /** Barcodes per buybox request (insights.buybox). */
    buyboxBatchSize?: number;
    /** Largest page of customer questions (insights.questions). */
    questionPageSize?: number;
    /** Widest creation-date range of one question query, in days (insights.questions). */
    questionRangeDays?: number;
  };
  /** Listing create/update answers asynchronously (poll handles). */
  asyncListings: boolean;
  /** Stock/price update answers asynchronously (poll handles). */
  asyncStockPrice: boolean;
  /** Stock and price can go in one item (else the adapter sends two calls). */
  stockAndPriceTogether: boolean;
  /** Needs a barcode (EAN/GTIN) per listing. */
  requiresBarcode: boolean;
  /** Brands: from a marketplace catalogue with ids, or free text. */
  brands: 'catalog' | 'free_text';
  /** VAT rates the marketplace accepts (percent), when it restricts them. */
  vatRates?: number[];
  orders: {
    /** Orders can arrive awaiting payment/approval (reserve stock only). */
    awaitingPayment: boolean;
    /** An order can have several packages; a partial cancel may create a new one. */
    splitPackages: boolean;
    /** acknowledge() does something. */
    acknowledge: boolean;
    /** Lines can be cancelled by the seller. */
    cancelLines: boolean;
    /** Shipping needs an invoice number first. */
    invoiceBeforeShip: boolean;
  };
  returns: boolean;
  webhooks: {
    supported: boolean;
    /** How subscriptions are made: via API (registerWebhook), in the seller panel, or not at all. */
    registration: 'api' | 'panel' | 'none';
    auth: Array<WebhookAuth['type'] | 'signature'>;
  };
  /** Competitor prices, customer questions and reviews the seller API offers (see insights.ts). */
  insights: InsightCapabilities;
}

/** Inbound webhook handling for one marketplace: stateless apart from the account's credentials. */
export interface WebhookHandler {
  /**
   * Some marketplaces probe the endpoint before/besides events (eBay GET challenge, Ozon TYPE_PING).
   * Returns the answer to send, or null when the request is a normal event.
   */
  challenge?(req: WebhookRequest, credentials: MarketplaceCredentials): WebhookChallengeResponse | null;
  /** Authenticates the caller as the marketplace requires (constant-time comparisons). */
  verify(req: WebhookRequest, credentials: MarketplaceCredentials): WebhookVerification;
  /** Parses an authenticated request. Throws MarketplaceError('validation') for a malformed body. */
  parse(req: WebhookRequest): WebhookEvent[];
}

export interface AdapterDeps {
  http: MarketplaceHttpFactory;
  logger?: Logger;
  /** Clock for cursors (tests move it); default Date.now. */
  now?: () => number;
}

/** One entry of the registry: everything known about a marketplace before an account is connected. */
export interface MarketplaceDefinition {
  code: MarketplaceCode;
  displayName: string;
  /** false: listed for the UI, but create() throws UnsupportedError until the adapter is built. */
  available: boolean;
  /** Base URLs by environment; the account's baseUrl overrides. */
  baseUrls: { production: string; stage?: string };
  capabilities?: MarketplaceCapabilities;
  /** Validates raw credentials (from the sealed store or a form); errors name the missing field. */
  parseCredentials(input: unknown): MarketplaceCredentials;
  /** Validates adapter settings and fills defaults. */
  parseSettings(input: unknown): Record<string, unknown>;
  create(account: MarketplaceAccount, deps: AdapterDeps): MarketplaceAdapter;
  webhooks?: WebhookHandler;
}
