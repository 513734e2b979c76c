/**
 * A store's sales history in a neutral shape, written into OpenCart's tables by history-writer.ts.
 * Both the public-dataset loader (uci.ts) and the analytics tests build one of these, so the rows the
 * analytics read back always come from the same writer, shaped exactly like OpenCart's own.
 */

export interface HistoryCategory {
  key: string;
  name: string;
}

export interface HistoryProduct {
  /** Becomes oc_product.model and sku (unique within the history). */
  key: string;
  name: string;
  /** List price, excluding tax, in the shop's default currency. */
  price: number;
  /** Current stock (oc_product.quantity). */
  quantity?: number;
  categoryKeys?: string[];
  /** Extra images beyond the main one (oc_product_image rows). */
  extraImages?: number;
  /** Shop-local 'YYYY-MM-DD HH:MM:SS'; defaults to the first order day. */
  dateAdded?: string;
  /** Specials for the default customer group: [start, end) shop-local days, '0000-00-00' = open. */
  specials?: Array<{ price: number; start: string; end: string }>;
}

/** What became of an order; mapped onto the shop's own status ids by the writer. */
export type HistoryOrderState = 'complete' | 'processing' | 'pending' | 'canceled' | 'missing';

export interface HistoryLine {
  productKey: string;
  quantity: number;
  /** Unit price excluding tax, as charged. */
  price: number;
}

export interface HistoryOrder {
  /** Shop-local 'YYYY-MM-DD HH:MM:SS'. */
  placedAt: string;
  state: HistoryOrderState;
  lines: HistoryLine[];
  shipping?: number;
  /** A stable customer reference (becomes a guest e-mail); empty = anonymous guest. */
  customerRef?: string;
  /** Country name as OpenCart's oc_country has it (resolved to its id when known). */
  country?: string;
  /** Shop-local time of the last status change (a cancellation, for example). */
  modifiedAt?: string;
}

export interface SalesHistory {
  categories: HistoryCategory[];
  products: HistoryProduct[];
  orders: HistoryOrder[];
}
