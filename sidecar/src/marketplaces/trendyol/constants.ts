import type { MarketplaceCapabilities } from '../contract';
import type { QuestionStatus } from '../insights';
import type { OrderStatus, ReturnStatus } from '../types';

/** Trendyol's API gateways; the account's baseUrl overrides (the local sandbox is one setting away). */
export const TRENDYOL_BASE_URLS = {
  production: 'https://apigw.trendyol.com/integration',
  stage: 'https://stageapigw.trendyol.com/integration',
} as const;

export const TRENDYOL_LIMITS = {
  batchSize: 1000,
  maxQuantity: 20_000,
  orderPageSize: 200,
  productPageSize: 200,
  maxAccessibleRecords: 10_000,
  maxOrderRangeMs: 14 * 24 * 3600_000,
  orderLookbackDays: 90,
  duplicateRequestWindowMs: 15 * 60_000,
  /** Barcodes per buybox-information request. */
  buyboxBatchSize: 10,
  /** Customer questions: page size (default 20) and widest startDate..endDate range. */
  questionPageSize: 50,
  maxQuestionRangeMs: 14 * 24 * 3600_000,
  /** Without dates Trendyol answers the questions of the last week. */
  defaultQuestionRangeMs: 7 * 24 * 3600_000,
  /** "50 requests per 10 seconds to the same endpoint". */
  requestsPerWindow: 50,
  windowMs: 10_000,
} as const;

export const VAT_RATES = [0, 1, 10, 20];

/** Rate-limit groups: Trendyol counts per endpoint, so each endpoint the adapter calls gets its own. */
export const LIMIT_GROUPS = [
  'products.create',
  'products.update',
  'products.list',
  'batch',
  'inventory',
  'orders',
  'package.status',
  'package.tracking',
  'package.unsupplied',
  'claims',
  'categories',
  'category.attributes',
  'brands',
  'brands.byName',
  'webhooks',
  // Documented at 1,000 a minute; the general 50 per 10 s (300 a minute) is the stricter of the two.
  'buybox',
  'questions',
] as const;
export type LimitGroup = (typeof LIMIT_GROUPS)[number];

export function trendyolCapabilities(requestsPerWindow: number = TRENDYOL_LIMITS.requestsPerWindow): MarketplaceCapabilities {
  return {
    limits: {
      listingBatchSize: TRENDYOL_LIMITS.batchSize,
      stockPriceBatchSize: TRENDYOL_LIMITS.batchSize,
      orderPageSize: TRENDYOL_LIMITS.orderPageSize,
      orderLookbackDays: TRENDYOL_LIMITS.orderLookbackDays,
      maxQuantity: TRENDYOL_LIMITS.maxQuantity,
      duplicateRequestWindowMs: TRENDYOL_LIMITS.duplicateRequestWindowMs,
      rateLimits: Object.fromEntries(LIMIT_GROUPS.map((g) => [g, { points: requestsPerWindow, durationMs: TRENDYOL_LIMITS.windowMs }])),
      buyboxBatchSize: TRENDYOL_LIMITS.buyboxBatchSize,
      questionPageSize: TRENDYOL_LIMITS.questionPageSize,
      questionRangeDays: TRENDYOL_LIMITS.maxQuestionRangeMs / 86_400_000,
    },
    asyncListings: true,
    asyncStockPrice: true,
    stockAndPriceTogether: true,
    requiresBarcode: true,
    brands: 'catalog',
    vatRates: VAT_RATES,
    orders: { awaitingPayment: true, splitPackages: true, acknowledge: true, cancelLines: true, invoiceBeforeShip: false },
    returns: true,
    webhooks: { supported: true, registration: 'api', auth: ['basic', 'api_key'] },
    // The seller API has questions and the buybox, but no endpoint for product reviews.
    insights: { buybox: true, questions: true, reviews: false },
  };
}

export const PACKAGE_STATUS_MAP: Record<string, OrderStatus> = {
  Awaiting: 'awaiting_payment',
  Created: 'created',
  Picking: 'processing',
  Invoiced: 'processing',
  Repack: 'processing',
  UnPacked: 'processing',
  Verified: 'processing',
  Shipped: 'shipped',
  AtCollectionPoint: 'shipped',
  Delivered: 'delivered',
  UnDelivered: 'undelivered',
  Cancelled: 'cancelled',
  UnSupplied: 'cancelled',
  Returned: 'returned',
};

/** Normalised → webhook subscription statuses (Trendyol's upper-snake spelling). */
export const WEBHOOK_EVENTS: Record<OrderStatus, string[]> = {
  awaiting_payment: ['AWAITING'],
  created: ['CREATED'],
  processing: ['PICKING', 'INVOICED', 'UNPACKED', 'VERIFIED'],
  ready_to_ship: [],
  shipped: ['SHIPPED', 'AT_COLLECTION_POINT'],
  delivered: ['DELIVERED'],
  undelivered: ['UNDELIVERED'],
  cancelled: ['CANCELLED', 'UNSUPPLIED'],
  returned: ['RETURNED'],
  unknown: [],
};

export const CLAIM_STATUS_MAP: Record<string, ReturnStatus> = {
  Created: 'requested',
  WaitingInAction: 'requested',
  InAnalysis: 'requested',
  Accepted: 'accepted',
  Rejected: 'rejected',
  Cancelled: 'cancelled',
  Unresolved: 'unknown',
};

/** Trendyol question statuses ↔ normalised ones. */
export const QUESTION_STATUS_MAP: Record<string, QuestionStatus> = {
  WAITING_FOR_ANSWER: 'awaiting_answer',
  WAITING_FOR_APPROVE: 'answer_pending',
  ANSWERED: 'answered',
  REPORTED: 'reported',
  REJECTED: 'rejected',
  // Closed without an answer (no answer within 3 business days, or too many forbidden words).
  UNANSWERED: 'expired',
};

/** Trendyol unsupplied reason ids. */
export const CANCEL_REASON_IDS = { out_of_stock: 500, pricing_error: 502, customer_request: 506, other: 506 } as const;

/** Order of statuses along the happy path, to tell "already there" from "cannot". */
export const STATUS_RANK: Record<OrderStatus, number> = {
  awaiting_payment: 0,
  created: 1,
  processing: 2,
  ready_to_ship: 3,
  shipped: 4,
  delivered: 5,
  undelivered: 5,
  returned: 6,
  cancelled: 7,
  unknown: -1,
};
