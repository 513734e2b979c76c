import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { HistoryLine, HistoryOrder, HistoryProduct, SalesHistory } from './history';

/**
 * Turns the public "Online Retail" dataset (UCI 352; see shared/datasets/online-retail-uci/SOURCE.md)
 * into a SalesHistory that history-writer.ts writes into OpenCart's tables, so the analytics are
 * tested and benchmarked on real transactions through the same SQL they use in a shop.
 *
 * The dataset's traps are handled the way a shop would record the same events:
 * - C-invoices cancel units of earlier invoices. Each cancelled line is netted against the latest
 *   earlier line of the same customer and product (what an admin "edit order" does in OpenCart); an
 *   invoice netted to nothing becomes a Canceled order that keeps its lines. Cancellations of purchases
 *   from before the dataset starts have nothing to net against and are dropped. This removes the two
 *   giant mistaken orders (80,995 and 74,215 units) from the sales.
 * - Negative quantities without a C-invoice are stock adjustments, not sales: dropped.
 * - Non-product codes: postage (POST, DOT, C2) becomes the order's shipping; fees, discounts,
 *   manual lines, samples and gift vouchers are dropped, as are lines priced at zero or less.
 * - No Saturday trading and the Christmas break are simply days without orders: the series builder
 *   fills them with zeros.
 * Invoice times are UK wall-clock times: the shop's zone is Europe/London, currency GBP.
 */

export const UCI_TIMEZONE = 'Europe/London';
export const UCI_CURRENCY = 'GBP';

const POSTAGE = new Set(['POST', 'DOT', 'C2']);
const NOT_PRODUCTS = new Set(['M', 'm', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS']);

export interface UciRow {
  invoice: string;
  stockCode: string;
  description: string;
  quantity: number;
  /** 'YYYY-MM-DD HH:MM:SS', UK local time. */
  at: string;
  unitPrice: number;
  customerId: string;
  country: string;
}

/** One CSV record (RFC 4180 quoting: "" inside quotes is a quote). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in CSV line: ${line.slice(0, 80)}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

const HEADER = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

export function parseUciRecord(fields: string[], lineNo: number): UciRow {
  if (fields.length !== 8) throw new Error(`line ${lineNo}: expected 8 fields, got ${fields.length}`);
  const [invoice, stockCode, description, quantity, at, unitPrice, customerId, country] = fields as [string, string, string, string, string, string, string, string];
  const q = Number(quantity);
  const p = Number(unitPrice);
  if (!Number.isFinite(q) || !Number.isFinite(p)) throw new Error(`line ${lineNo}: quantity ${quantity} / price ${unitPrice} not numeric`);
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(at)) throw new Error(`line ${lineNo}: InvoiceDate ${JSON.stringify(at)} is not YYYY-MM-DD HH:MM:SS`);
  return { invoice, stockCode, description: description.trim(), quantity: q, at, unitPrice: p, customerId: customerId.replace(/\.0+$/, ''), country };
}

/** Reads the gzip CSV (or a plain one) row by row. `limit` stops after that many data rows. */
export async function readUciCsv(file: string, opts: { limit?: number } = {}): Promise<UciRow[]> {
  const input = createReadStream(file);
  const stream = file.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const rows: UciRow[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (lineNo === 1) {
      const header = parseCsvLine(line);
      if (header.join(',') !== HEADER.join(',')) throw new Error(`${file}: unexpected header ${header.join(',')}`);
      continue;
    }
    if (line === '') continue;
    rows.push(parseUciRecord(parseCsvLine(line), lineNo));
    if (opts.limit !== undefined && rows.length >= opts.limit) {
      lines.close();
      input.destroy();
      break;
    }
  }
  return rows;
}

export interface UciConversion {
  history: SalesHistory;
  stats: { invoices: number; canceledOrders: number; nettedUnits: number; unmatchedCancelledUnits: number; droppedRows: number };
}

interface OpenLine extends HistoryLine {
  remaining: number;
}
interface OpenInvoice {
  invoice: string;
  at: string;
  customerId: string;
  country: string;
  lines: OpenLine[];
  shipping: number;
  lastCancelAt?: string;
}

const isProductCode = (code: string): boolean => !POSTAGE.has(code) && !NOT_PRODUCTS.has(code) && !code.startsWith('gift_');

/** Category from the last word of the description (the noun: HOLDER, LANTERN, BAG…), when common. */
function categoryWord(description: string): string {
  const words = description.toUpperCase().replace(/[^A-Z ]+/g, ' ').trim().split(/\s+/);
  return words[words.length - 1] ?? '';
}

export function convertUci(rows: readonly UciRow[], opts: { minCategorySize?: number } = {}): UciConversion {
  const sorted = [...rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const invoices = new Map<string, OpenInvoice>();
  // customer|stockCode → lines still open for netting, oldest first
  const byCustomerProduct = new Map<string, OpenLine[]>();
  const names = new Map<string, Map<string, number>>();
  let dropped = 0;
  let netted = 0;
  let unmatched = 0;

  for (const r of sorted) {
    const cancel = r.invoice.startsWith('C');
    if (POSTAGE.has(r.stockCode) && !cancel && r.quantity > 0 && r.unitPrice > 0) {
      const inv = openInvoice(invoices, r);
      inv.shipping += r.quantity * r.unitPrice;
      continue;
    }
    if (!isProductCode(r.stockCode)) {
      dropped++;
      continue;
    }
    if (cancel) {
      if (r.quantity >= 0) {
        dropped++;
        continue;
      }
      let toNet = -r.quantity;
      const open = r.customerId ? byCustomerProduct.get(`${r.customerId}|${r.stockCode}`) : undefined;
      for (let i = (open?.length ?? 0) - 1; i >= 0 && toNet > 0; i--) {
        const line = open![i]!;
        const take = Math.min(line.remaining, toNet);
        line.remaining -= take;
        toNet -= take;
        netted += take;
      }
      unmatched += toNet;
      continue;
    }
    if (r.quantity <= 0 || r.unitPrice <= 0) {
      dropped++;
      continue;
    }
    const inv = openInvoice(invoices, r);
    const existing = inv.lines.find((l) => l.productKey === r.stockCode && l.price === r.unitPrice);
    if (existing) {
      existing.quantity += r.quantity;
      existing.remaining += r.quantity;
    } else {
      const line: OpenLine = { productKey: r.stockCode, quantity: r.quantity, price: r.unitPrice, remaining: r.quantity };
      inv.lines.push(line);
      if (r.customerId) {
        const key = `${r.customerId}|${r.stockCode}`;
        const list = byCustomerProduct.get(key) ?? [];
        list.push(line);
        byCustomerProduct.set(key, list);
      }
    }
    const n = names.get(r.stockCode) ?? new Map<string, number>();
    n.set(r.description, (n.get(r.description) ?? 0) + 1);
    names.set(r.stockCode, n);
  }

  const orders: HistoryOrder[] = [];
  let canceledOrders = 0;
  // Latest price per product (by time) is its list price; the first sale day its date_added.
  const lastPrice = new Map<string, { at: string; price: number }>();
  const firstSeen = new Map<string, string>();
  for (const inv of invoices.values()) {
    if (inv.lines.length === 0) continue;
    const kept = inv.lines.filter((l) => l.remaining > 0);
    const canceled = kept.length === 0;
    if (canceled) canceledOrders++;
    const lines: HistoryLine[] = (canceled ? inv.lines : kept).map((l) => ({ productKey: l.productKey, price: l.price, quantity: canceled ? l.quantity : l.remaining }));
    for (const l of inv.lines) {
      if (!firstSeen.has(l.productKey)) firstSeen.set(l.productKey, inv.at);
      const lp = lastPrice.get(l.productKey);
      if (!lp || lp.at <= inv.at) lastPrice.set(l.productKey, { at: inv.at, price: l.price });
    }
    orders.push({
      placedAt: inv.at,
      state: canceled ? 'canceled' : 'complete',
      lines,
      shipping: round2(inv.shipping),
      customerRef: inv.customerId,
      country: inv.country,
    });
  }

  const minCategorySize = opts.minCategorySize ?? 20;
  const productCodes = [...firstSeen.keys()].sort();
  const nameOf = (code: string) => [...(names.get(code) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? code;
  const words = new Map<string, number>();
  for (const code of productCodes) {
    const w = categoryWord(nameOf(code));
    words.set(w, (words.get(w) ?? 0) + 1);
  }
  const categoryOf = (code: string): string => {
    const w = categoryWord(nameOf(code));
    return w && (words.get(w) ?? 0) >= minCategorySize ? w : 'OTHER';
  };
  const products: HistoryProduct[] = productCodes.map((code) => ({
    key: code,
    name: titleCase(nameOf(code)),
    price: lastPrice.get(code)?.price ?? 0,
    categoryKeys: [categoryOf(code)],
    dateAdded: firstSeen.get(code),
  }));
  const categoryKeys = [...new Set(products.map((p) => p.categoryKeys![0]!))].sort();
  return {
    history: { categories: categoryKeys.map((k) => ({ key: k, name: titleCase(k) })), products, orders },
    stats: { invoices: orders.length, canceledOrders, nettedUnits: netted, unmatchedCancelledUnits: unmatched, droppedRows: dropped },
  };
}

function openInvoice(invoices: Map<string, OpenInvoice>, r: UciRow): OpenInvoice {
  let inv = invoices.get(r.invoice);
  if (!inv) {
    inv = { invoice: r.invoice, at: r.at, customerId: r.customerId, country: r.country, lines: [], shipping: 0 };
    invoices.set(r.invoice, inv);
  }
  return inv;
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s-])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
