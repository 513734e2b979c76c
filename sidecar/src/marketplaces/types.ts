/**
 * Normalised marketplace types, shared by every adapter (Trendyol, Hepsiburada, N11, eBay, Amazon, Ozon)
 * and by the sync engine. Nothing here names a marketplace-specific field: each adapter maps its own
 * shapes to these inside its folder.
 *
 * Conventions:
 * - Every value is JSON-serialisable (results and handles travel through job payloads).
 * - Money is a decimal string with a dot ("199.90"), never a float; currency is ISO 4217 ("TRY").
 * - Times are ISO 8601 strings in UTC ("2026-11-25T10:00:00.000Z").
 * - Quantities are non-negative integers.
 * - `raw*` fields carry the marketplace's own value for display and debugging only; never branch on them
 *   outside the adapter.
 */

export const marketplaceCodes = ['trendyol', 'hepsiburada', 'n11', 'ebay', 'amazon', 'ozon'] as const;
export type MarketplaceCode = (typeof marketplaceCodes)[number];

export function isMarketplaceCode(value: unknown): value is MarketplaceCode {
  return typeof value === 'string' && (marketplaceCodes as readonly string[]).includes(value);
}

/** Decimal string, e.g. "199.90". */
export type Money = string;
/** ISO 4217 code, e.g. "TRY", "USD", "RUB". */
export type CurrencyCode = string;
/** ISO 8601 UTC timestamp. */
export type IsoTime = string;

// ---------------------------------------------------------------------------------------------------
// Accounts and credentials
// ---------------------------------------------------------------------------------------------------

/**
 * Secrets the marketplace gives us to call it, plus the secrets we gave the marketplace for calling
 * our webhook endpoint. Stored sealed (crypto/secrets.ts); never logged (logger redacts the names).
 */
export type MarketplaceCredentials =
  | TrendyolCredentials
  | HepsiburadaCredentials
  | N11Credentials
  | EbayCredentials
  | AmazonCredentials
  | OzonCredentials;

/** What a marketplace must present when it calls our webhook endpoint (as registered with it). */
export interface InboundWebhookSecrets {
  /** HTTP Basic credentials the marketplace sends (Trendyol BASIC_AUTHENTICATION). */
  username?: string;
  password?: string;
  /** A shared key the marketplace sends in a header (Trendyol API_KEY). */
  apiKey?: string;
  /** eBay destination verification token (challenge) / any HMAC signing secret. */
  verificationToken?: string;
}

export interface TrendyolCredentials {
  marketplace: 'trendyol';
  /** Satıcı ID / supplier id: part of every path. */
  sellerId: string;
  apiKey: string;
  apiSecret: string;
  /** Integrator name for the User-Agent ("<sellerId> - <integrator>"); default "SelfIntegration". */
  integrator?: string;
  webhook?: InboundWebhookSecrets;
}

export interface HepsiburadaCredentials {
  marketplace: 'hepsiburada';
  merchantId: string;
  username: string;
  password: string;
  /** Developer/integrator user name sent as User-Agent. */
  userAgent?: string;
  webhook?: InboundWebhookSecrets;
}

export interface N11Credentials {
  marketplace: 'n11';
  appKey: string;
  appSecret: string;
  webhook?: InboundWebhookSecrets;
}

export interface EbayCredentials {
  marketplace: 'ebay';
  clientId: string;
  clientSecret: string;
  /** Long-lived user refresh token from the consent flow. */
  refreshToken: string;
  /** EBAY_US, EBAY_DE, … */
  marketplaceId: string;
  ruName?: string;
  webhook?: InboundWebhookSecrets;
}

export interface AmazonCredentials {
  marketplace: 'amazon';
  lwaClientId: string;
  lwaClientSecret: string;
  refreshToken: string;
  /** Merchant token (seller id in listing paths). */
  sellerId: string;
  marketplaceIds: string[];
  region: 'na' | 'eu' | 'fe';
  webhook?: InboundWebhookSecrets;
}

export interface OzonCredentials {
  marketplace: 'ozon';
  clientId: string;
  apiKey: string;
  /** FBS warehouse stocks are set for. */
  warehouseId?: string;
  webhook?: InboundWebhookSecrets;
}

/** One connected marketplace account (a row of meschain_marketplaces, with credentials opened). */
export interface MarketplaceAccount<C extends MarketplaceCredentials = MarketplaceCredentials> {
  /** meschain_marketplaces.id; keys the breaker, the rate limiter and the sync log rows. */
  id: number;
  code: MarketplaceCode;
  name: string;
  /** API base URL (production, the marketplace's stage, or the local sandbox). Empty = production default. */
  baseUrl: string;
  credentials: C;
  /** Adapter-specific, non-secret settings (e.g. Trendyol cargoCompanyId); validated by the adapter. */
  settings: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Listings
// ---------------------------------------------------------------------------------------------------

export interface BrandRef {
  /** The marketplace's brand id where it has a brand catalogue (Trendyol brandId). */
  id?: string;
  name: string;
}

export interface ListingAttribute {
  /** Remote attribute id (Trendyol attributeId, Ozon attribute id, eBay/Amazon aspect name). */
  attributeId: string;
  /** Remote value id when the attribute has a value list. */
  valueId?: string;
  /** Free text value when the attribute allows custom values (or has no list). */
  customValue?: string;
  /** Display name of the attribute, for messages only. */
  name?: string;
}

export interface ListingDimensions {
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
  weightKg?: number;
  /** Desi (Turkish volumetric weight), when the caller computed it. */
  dimensionalWeight?: number;
}

/** One sellable unit (a product, or one variant of it) to create or update on a marketplace. */
export interface ListingItem {
  /** Caller's correlation key (e.g. meschain_listings.id); echoed in every result for this item. */
  ref: string;
  /** Seller SKU (Trendyol stockCode, Ozon offer_id, eBay/Amazon SKU). */
  sku: string;
  /** EAN/GTIN/barcode; required by Trendyol and Hepsiburada, used as their item key. */
  barcode?: string;
  /** Groups variants of one product (Trendyol productMainId, eBay item group, Amazon parent SKU). */
  groupId: string;
  title: string;
  /** HTML allowed; adapters strip what their marketplace refuses. */
  description: string;
  brand?: BrandRef;
  /** Remote (leaf) category id. */
  categoryId: string;
  /** Attribute values, including the variant-defining ones (colour, size). */
  attributes: ListingAttribute[];
  /** Absolute HTTPS image URLs, main image first. */
  images: string[];
  quantity: number;
  /** Selling price (what the buyer pays), tax included where the marketplace expects it. */
  price: Money;
  /** Strike-through / list price; >= price. Defaults to price. */
  listPrice?: Money;
  currency: CurrencyCode;
  /** VAT percent, e.g. 20 for 20 %. */
  vatRate: number;
  dimensions?: ListingDimensions;
  condition?: 'new' | 'used' | 'refurbished';
}

/** What a marketplace currently shows for one listing (for reconciliation and state). */
export type RemoteListingStatus = 'active' | 'pending' | 'rejected' | 'inactive' | 'unknown';

export interface RemoteListing {
  sku: string;
  barcode?: string;
  /** The marketplace's id for the listing (Trendyol product id, eBay offer id, Ozon product id…). */
  remoteId?: string;
  groupId?: string;
  title?: string;
  quantity?: number;
  price?: Money;
  listPrice?: Money;
  currency?: CurrencyCode;
  status: RemoteListingStatus;
  rawStatus?: string;
  /** Rejection reasons shown by the marketplace (e.g. moderation). */
  reasons?: string[];
  updatedAt?: IsoTime;
}

export interface ListingQuery {
  /** 0-based page. */
  page?: number;
  size?: number;
  /** Only these SKUs / barcodes (adapters use whichever key their marketplace filters by). */
  skus?: string[];
  barcodes?: string[];
}

// ---------------------------------------------------------------------------------------------------
// Stock and price
// ---------------------------------------------------------------------------------------------------

/** Absolute values to set (never deltas: a repeated update is harmless). At least one of quantity/price. */
export interface StockPriceUpdate {
  ref: string;
  sku: string;
  barcode?: string;
  /** Remote listing id where the marketplace keys updates by it (eBay offerId, Ozon product_id). */
  remoteId?: string;
  quantity?: number;
  price?: Money;
  listPrice?: Money;
  currency?: CurrencyCode;
}

// ---------------------------------------------------------------------------------------------------
// Per-item results and async handles
// ---------------------------------------------------------------------------------------------------

/** Why one item was refused. `code` is normalised; `remoteCode`/`message` are the marketplace's words. */
export type ItemErrorCode =
  | 'validation' // bad or missing data: fix the data, do not retry as is
  | 'not_found' // the listing/order is not on the marketplace (yet)
  | 'duplicate_request' // an identical request was sent too recently (Trendyol's ~15 min rule)
  | 'rate_limited' // per-item throttle (Ozon "updated too frequently")
  | 'conflict' // state does not allow it (already shipped, moderation pending…)
  | 'internal' // marketplace-side failure for this item; retry
  | 'unknown';

export interface ItemError {
  code: ItemErrorCode;
  message: string;
  /** Field or attribute the error is about, when the marketplace says. */
  field?: string;
  remoteCode?: string;
  /** Worth sending again later (possibly after retryAfterMs). */
  retryable: boolean;
  retryAfterMs?: number;
}

export interface ItemResult {
  ref: string;
  /** The marketplace's item key used to match the result (barcode, sku, messageId…). */
  key: string;
  status: 'success' | 'failed';
  /** Remote id learnt from the result (e.g. product/offer id), when the marketplace returns one. */
  remoteId?: string;
  errors: ItemError[];
}

/**
 * A batch/task/feed submitted to an asynchronous marketplace. JSON-serialisable: store it in a job
 * payload and hand it back to pollResult (any process, any time later).
 */
export interface AsyncHandle {
  marketplace: MarketplaceCode;
  accountId: number;
  kind: 'listing' | 'stockPrice';
  /** Remote id of the batch (Trendyol batchRequestId, Ozon task_id, Amazon feedId…). */
  id: string;
  submittedAt: IsoTime;
  /** Which caller refs are in this batch, keyed as the marketplace reports them. */
  items: Array<{ ref: string; key: string }>;
}

export interface SubmitOutcome {
  /** Items already settled: synchronous marketplaces, or items refused before sending. */
  results: ItemResult[];
  /** Batches still to poll; empty when every item is in `results`. */
  pending: AsyncHandle[];
}

export type PollOutcome =
  | { done: false; /** Suggested wait before the next poll. */ retryAfterMs: number }
  | { done: true; results: ItemResult[] };

// ---------------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------------

/**
 * Normalised order/package status. Mapping of each marketplace's own statuses lives in its adapter;
 * the raw status travels beside it.
 *
 * awaiting_payment  payment/approval not confirmed (Trendyol Awaiting, Amazon Pending, Ozon awaiting_approve):
 *                   reserve stock only, do not create a store order yet
 * created           confirmed and waiting for the seller (Trendyol Created, Amazon Unshipped, Ozon awaiting_packaging)
 * processing        seller is working on it (Picking, Invoiced, Repack, UnPacked)
 * ready_to_ship     packed, handed over or waiting for pick-up (Ozon awaiting_deliver)
 * shipped           with the carrier (Shipped, AtCollectionPoint, Ozon delivering)
 * delivered         delivered to the buyer
 * undelivered       carrier could not deliver (goes back to the seller)
 * cancelled         cancelled by buyer, marketplace or seller (incl. Trendyol UnSupplied)
 * returned          returned by the buyer after delivery
 * unknown           a status this adapter does not know (see rawStatus)
 */
export const orderStatuses = [
  'awaiting_payment',
  'created',
  'processing',
  'ready_to_ship',
  'shipped',
  'delivered',
  'undelivered',
  'cancelled',
  'returned',
  'unknown',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface Address {
  firstName: string;
  lastName: string;
  company?: string;
  line1: string;
  line2?: string;
  /** İlçe / neighbourhood level (Trendyol district). */
  district?: string;
  city: string;
  /** State/province/region. */
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 ("TR"). */
  countryCode: string;
  phone?: string;
  email?: string;
  /** Tax number / TCKN for invoices, tax office name. */
  taxId?: string;
  taxOffice?: string;
}

export interface Customer {
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  /** The marketplace's customer id, when it gives one. */
  remoteId?: string;
}

export interface OrderLine {
  /** Remote line id (Trendyol line id, eBay lineItemId, Amazon orderItemId). Unique within the order. */
  lineId: string;
  sku?: string;
  barcode?: string;
  /** Remote product id (Ozon SKU, Amazon ASIN, Trendyol productCode). */
  remoteProductId?: string;
  title: string;
  quantity: number;
  /** What the buyer pays per unit, after discounts, tax included. */
  unitPrice: Money;
  /** Per-unit price before discounts, when the marketplace gives it. */
  listUnitPrice?: Money;
  /** Total discount on the line (all units). */
  discount: Money;
  vatRate?: number;
  currency: CurrencyCode;
  /** Line status where the marketplace tracks lines separately. */
  status?: OrderStatus;
  rawStatus?: string;
  /** Variant attributes as the marketplace shows them (e.g. Renk: Kırmızı). Display only. */
  variant?: Array<{ name: string; value: string }>;
}

export interface StatusChange {
  status: OrderStatus;
  rawStatus: string;
  at: IsoTime;
}

/**
 * A unit of fulfilment: Trendyol shipment package, Ozon posting, Amazon/eBay order (one package whose
 * id equals the order id). Trendyol splits packages on a partial cancel: a new package id appears under
 * the same order id.
 */
export interface OrderPackage {
  packageId: string;
  status: OrderStatus;
  rawStatus: string;
  lines: OrderLine[];
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
  /** Last change of this package at the marketplace. */
  updatedAt: IsoTime;
  history?: StatusChange[];
}

export interface OrderTotals {
  /** Sum of lines before discounts. */
  gross: Money;
  discount: Money;
  shipping: Money;
  /** What the buyer pays. */
  total: Money;
  currency: CurrencyCode;
}

export interface MarketplaceOrder {
  marketplace: MarketplaceCode;
  /** Remote order id (Trendyol orderNumber, eBay orderId, Amazon order id, Ozon order_number). */
  orderId: string;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  /** Aggregate over the packages given (the most advanced non-cancelled one, else cancelled). */
  status: OrderStatus;
  rawStatus: string;
  customer: Customer;
  shippingAddress: Address;
  billingAddress: Address;
  totals: OrderTotals;
  /** Packages of this order present in this answer. */
  packages: OrderPackage[];
  /**
   * true when `packages` holds every package of the order (fetchOrder); false when only the packages
   * that changed in the fetched window are present (fetchOrders pages, webhooks). Merge by packageId.
   */
  complete: boolean;
}

export interface PackageRef {
  orderId: string;
  packageId: string;
}

export interface LineQuantity {
  lineId: string;
  quantity: number;
}

export interface Shipment {
  /** Carrier name or code as the marketplace knows it (adapter maps common names). */
  carrier?: string;
  trackingNumber: string;
  trackingUrl?: string;
  /** Invoice number / link where the marketplace needs one before shipping (Trendyol Invoiced). */
  invoiceNumber?: string;
  shippedAt?: IsoTime;
  /** Lines in this shipment; all lines of the package when absent. */
  lines?: LineQuantity[];
}

export type CancelReason = 'out_of_stock' | 'customer_request' | 'pricing_error' | 'other';

export interface OrdersPage {
  orders: MarketplaceOrder[];
  /** Opaque, JSON-safe; persist it after processing the page and pass it back. */
  cursor: string;
  /** More pages are waiting now; call again at once with the new cursor. */
  hasMore: boolean;
}

export interface OrderFetchOptions {
  /** Page size; the adapter clamps to the marketplace's maximum. */
  limit?: number;
  /** With a null cursor: how far back to start (default: the adapter's look-back). */
  initialLookbackMs?: number;
}

export interface ActionOutcome {
  /** Remote request id for the log, when the marketplace gives one. */
  remoteRequestId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Returns (claims)
// ---------------------------------------------------------------------------------------------------

export type ReturnStatus = 'requested' | 'accepted' | 'rejected' | 'completed' | 'cancelled' | 'unknown';

export interface ReturnLine {
  claimLineId: string;
  /** Order line it refers to, when known. */
  lineId?: string;
  sku?: string;
  barcode?: string;
  quantity: number;
  reason?: string;
  status: ReturnStatus;
  rawStatus: string;
}

export interface MarketplaceReturn {
  claimId: string;
  orderId: string;
  packageId?: string;
  createdAt: IsoTime;
  updatedAt: IsoTime;
  status: ReturnStatus;
  rawStatus: string;
  lines: ReturnLine[];
}

export interface ReturnsPage {
  returns: MarketplaceReturn[];
  cursor: string;
  hasMore: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Catalogue data
// ---------------------------------------------------------------------------------------------------

export interface MarketplaceCategory {
  id: string;
  name: string;
  parentId: string | null;
  /** Names from the root down to this category. */
  path: string[];
  /** Products may only be listed in leaf categories on most marketplaces. */
  leaf: boolean;
}

export interface AttributeValue {
  id: string;
  name: string;
}

export interface CategoryAttribute {
  id: string;
  name: string;
  required: boolean;
  /** A free-text value is accepted (otherwise one of `values`). */
  allowCustom: boolean;
  /** Defines variants (Renk, Beden): variants of one product differ in these. */
  varianter: boolean;
  /** Several values allowed. */
  multiple?: boolean;
  values: AttributeValue[];
}

export interface Brand {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  /** 0-based. */
  page: number;
  size: number;
  totalElements?: number;
  totalPages?: number;
}

// ---------------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------------

/** An inbound webhook request as received (body untouched: signatures cover the raw bytes). */
export interface WebhookRequest {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  query?: Record<string, string | undefined>;
}

export type WebhookVerification =
  | { ok: true }
  | { ok: false; /** HTTP status to answer (401/403). */ status: number; reason: string };

/** Parsed, normalised webhook event. `eventId` is stable across redeliveries (de-duplication key). */
export type WebhookEvent =
  | { kind: 'order'; eventId: string; order: MarketplaceOrder }
  /** Notification that only names the order: fetch it with fetchOrder. */
  | { kind: 'order_ref'; eventId: string; orderId: string; packageId?: string }
  | { kind: 'listing'; eventId: string; sku: string; remoteId?: string }
  | { kind: 'ignored'; eventId: string; reason: string };

/** An immediate answer some marketplaces need (eBay challenge, Ozon TYPE_PING). */
export interface WebhookChallengeResponse {
  status: number;
  body: unknown;
}

export type WebhookAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'api_key'; apiKey: string }
  | { type: 'none' };

export interface WebhookRegistration {
  id: string;
  url: string;
  active: boolean;
  events: string[];
  authType: WebhookAuth['type'];
}
