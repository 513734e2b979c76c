import type { WindowLimit } from '../common/window-limiter';

export interface TrendyolSandboxSettings {
  /** An identical price-and-inventory request within this window is refused (Trendyol: 15 min). */
  duplicateWindowMs: number;
  /** Time before a submitted batch is processed (results IN_PROGRESS until then). */
  batchDelayMs: number;
  maxBatchItems: number;
  maxQuantity: number;
  /** Largest page of orders/claims. */
  maxOrderPageSize: number;
  /** Largest page of products. */
  maxProductPageSize: number;
  /** page × size may not reach this (Trendyol: 10,000 records per query). */
  maxAccessibleRecords: number;
  /** Longest startDate..endDate range of an order query. */
  maxOrderRangeMs: number;
  /** How far back orders can be queried. */
  orderLookbackMs: number;
  /**
   * Trendyol's epoch timestamps are Turkish local time (GMT+3) written as if UTC; the sandbox shifts
   * every timestamp it emits or reads by this much.
   */
  clockOffsetMs: number;
  /** Refuse requests whose User-Agent is not "<sellerId> - <integrator>". */
  strictUserAgent: boolean;
  /** Products are approved as soon as their batch is processed. */
  autoApprove: boolean;
  /** Per seller and endpoint. */
  rateLimit: WindowLimit;
  /**
   * Catalogue products get deterministic other-seller offers and customer questions (Turkish and
   * English) the first time the buybox or question endpoints see them; off = only planted ones.
   */
  seedInsights: boolean;
  /** Barcodes per buybox-information request. */
  maxBuyboxBarcodes: number;
  /** Largest page of customer questions (default page 20). */
  maxQuestionPageSize: number;
  /** Longest startDate..endDate range of a question query; without dates the last week is served. */
  maxQuestionRangeMs: number;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
}

export const DEFAULT_SETTINGS: TrendyolSandboxSettings = {
  duplicateWindowMs: 15 * 60_000,
  batchDelayMs: 20,
  maxBatchItems: 1000,
  maxQuantity: 20_000,
  maxOrderPageSize: 200,
  maxProductPageSize: 200,
  maxAccessibleRecords: 10_000,
  maxOrderRangeMs: 14 * 24 * 3600_000,
  orderLookbackMs: 92 * 24 * 3600_000,
  clockOffsetMs: 3 * 3600_000,
  strictUserAgent: true,
  autoApprove: true,
  rateLimit: { enabled: true, points: 50, windowMs: 10_000 },
  seedInsights: true,
  maxBuyboxBarcodes: 10,
  maxQuestionPageSize: 50,
  maxQuestionRangeMs: 14 * 24 * 3600_000,
  webhookRetries: 3,
  webhookRetryDelayMs: 200,
  webhookTimeoutMs: 5_000,
};
