/**
 * Normalised market-insight types: what a marketplace tells a seller about the competition on its
 * listings (the buybox) and what customers ask about them. Neutral like types.ts: each adapter maps its
 * own answers to these. Which of them an adapter offers is declared in `capabilities.insights`.
 */
import type { CurrencyCode, IsoTime, Money } from './types';

// ---------------------------------------------------------------------------------------------------
// Buybox (competitor prices)
// ---------------------------------------------------------------------------------------------------

/** Another seller's offer on the same product, as far as the marketplace reveals it (never ours). */
export interface CompetitorOffer {
  /** The offer's place in the marketplace's ranking (1 = holds the buybox). */
  rank: number;
  price: Money;
  /** The other seller's name or id, when the marketplace gives it. */
  seller?: string;
}

/** Where our offer for one barcode stands against other sellers' offers of the same product. */
export interface BuyboxStanding {
  barcode: string;
  /** Our offer's place in the ranking; 1 = our offer holds the buybox. */
  rank: number;
  holdsBuybox: boolean;
  /** Price of the offer holding the buybox: our own when `holdsBuybox`. */
  buyboxPrice: Money;
  /** Our own offer's price, when the answer reveals it (it does at the ranks it prices). */
  ourPrice?: Money;
  currency: CurrencyCode;
  /** Other sellers offer the same product. */
  multipleSellers: boolean;
  /** Other sellers' offers the answer reveals (may be fewer than there are). */
  competitors: CompetitorOffer[];
}

// ---------------------------------------------------------------------------------------------------
// Customer questions
// ---------------------------------------------------------------------------------------------------

/**
 * awaiting_answer  the customer waits for the seller
 * answer_pending   answered; the marketplace is still checking the answer
 * answered         answered and published
 * reported         the seller reported the question (the marketplace reviews it)
 * rejected         the question or the answer was refused by the marketplace
 * expired          closed unanswered: the seller's time to answer ran out
 * unknown          a status this adapter does not know (see rawStatus)
 */
export const questionStatuses = ['awaiting_answer', 'answer_pending', 'answered', 'reported', 'rejected', 'expired', 'unknown'] as const;
export type QuestionStatus = (typeof questionStatuses)[number];

export interface QuestionAnswer {
  text: string;
  createdAt?: IsoTime;
}

export interface CustomerQuestion {
  /** The marketplace's question id. */
  id: string;
  /** What the customer asked, as written (any language). */
  text: string;
  status: QuestionStatus;
  rawStatus: string;
  createdAt: IsoTime;
  /** The product asked about, as the marketplace names it. */
  product: {
    name?: string;
    /** Groups variants (Trendyol productMainId). */
    groupId?: string;
    barcode?: string;
    url?: string;
    imageUrl?: string;
  };
  /** Display name, only when the customer agreed to show it. */
  customerName?: string;
  /** Shown on the product page. */
  public?: boolean;
  answer: QuestionAnswer | null;
}

/** One page of questions asked in [since, until]; the adapter refuses a wider range than it can ask. */
export interface QuestionQuery {
  /** Start of the range (default: the marketplace's default look-back). */
  since?: IsoTime;
  /** End of the range (default: now, or the widest range from `since`). */
  until?: IsoTime;
  /** 0-based. */
  page?: number;
  /** The adapter clamps to `limits.questionPageSize`. */
  size?: number;
  status?: Exclude<QuestionStatus, 'unknown'>;
  /** Only questions about this barcode. */
  barcode?: string;
  /** By creation time: 'asc' oldest first (default), 'desc' newest first. */
  order?: 'asc' | 'desc';
}

/** Which insights an adapter offers (and so which optional adapter methods exist). */
export interface InsightCapabilities {
  /** fetchBuybox(): our rank and other sellers' prices per barcode. */
  buybox: boolean;
  /** fetchCustomerQuestions(): customer questions on our listings. */
  questions: boolean;
  /** Product reviews through the seller API (no method yet: no built adapter offers them). */
  reviews: boolean;
}
