import { createHash, randomUUID } from 'node:crypto';
import type { FaultInjector } from '../common/faults';
import { SandboxError } from './errors';
import type { Batch, BatchItemResult, BatchType, Product } from './model';
import type { TrendyolSandboxSettings } from './settings';
import { REASON, validateInventoryItem, validateProductItem } from './validate';

export interface ProductFilter {
  barcode?: string;
  stockCode?: string;
  productMainId?: string;
  approved?: boolean;
  page: number;
  size: number;
}

/** Products, async batches and the duplicate-request memory of one sandbox. */
export class ProductsStore {
  private readonly products = new Map<string, Map<string, Product>>();
  private readonly batches = new Map<string, Batch>();
  private readonly recentInventoryRequests = new Map<string, number>();
  private productCode = 10_000_000;

  constructor(
    private readonly settings: () => TrendyolSandboxSettings,
    private readonly faults: FaultInjector,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.products.clear();
    this.batches.clear();
    this.recentInventoryRequests.clear();
  }

  of(sellerId: string): Map<string, Product> {
    let map = this.products.get(sellerId);
    if (!map) {
      map = new Map();
      this.products.set(sellerId, map);
    }
    return map;
  }

  get(sellerId: string, barcode: string): Product | undefined {
    return this.products.get(sellerId)?.get(barcode);
  }

  submit(sellerId: string, type: BatchType, body: unknown): Batch {
    const items = requireItems(body, this.settings().maxBatchItems);
    if (type === 'ProductInventoryUpdate') this.refuseRepeat(sellerId, items);
    const now = this.now();
    const batch: Batch = {
      batchRequestId: `${randomUUID()}-${Math.floor(now / 1000)}`,
      sellerId,
      type,
      requestItems: items,
      items: [],
      status: 'IN_PROGRESS',
      creationDate: now,
      lastModification: now,
      readyAt: now + this.settings().batchDelayMs,
    };
    this.batches.set(batch.batchRequestId, batch);
    const timer = setTimeout(() => this.process(batch), Math.max(0, batch.readyAt - now));
    timer.unref();
    return batch;
  }

  batch(sellerId: string, id: string): Batch {
    const batch = this.batches.get(id);
    if (!batch || batch.sellerId !== sellerId) throw new SandboxError(404, 'batch.request.not.found', `${id} id’li toplu işlem bulunamadı.`);
    if (batch.status === 'IN_PROGRESS' && batch.readyAt <= this.now()) this.process(batch);
    return batch;
  }

  list(sellerId: string, f: ProductFilter): { content: Product[]; totalElements: number } {
    let all = [...this.of(sellerId).values()];
    if (f.barcode !== undefined) all = all.filter((p) => p.barcode === f.barcode);
    if (f.stockCode !== undefined) all = all.filter((p) => p.stockCode === f.stockCode);
    if (f.productMainId !== undefined) all = all.filter((p) => p.productMainId === f.productMainId);
    if (f.approved !== undefined) all = all.filter((p) => p.approved === f.approved);
    return { content: all.slice(f.page * f.size, (f.page + 1) * f.size), totalElements: all.length };
  }

  /** Stock change from an order (negative) or a cancellation (positive); never below zero. */
  adjustStock(sellerId: string, barcode: string, delta: number): void {
    const p = this.get(sellerId, barcode);
    if (!p) return;
    p.quantity = Math.max(0, p.quantity + delta);
    p.lastUpdateDate = this.now();
  }

  private refuseRepeat(sellerId: string, items: Array<Record<string, unknown>>): void {
    const now = this.now();
    const window = this.settings().duplicateWindowMs;
    if (window <= 0) return;
    if (this.recentInventoryRequests.size > 10_000) {
      for (const [k, exp] of this.recentInventoryRequests) if (exp <= now) this.recentInventoryRequests.delete(k);
    }
    const hash = createHash('sha1').update(sellerId).update(JSON.stringify(items)).digest('hex');
    const until = this.recentInventoryRequests.get(hash);
    if (until !== undefined && until > now) {
      throw new SandboxError(400, 'inventory.request.duplicate', '15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!');
    }
    this.recentInventoryRequests.set(hash, now + window);
  }

  private process(batch: Batch): void {
    if (batch.status === 'COMPLETED') return;
    const settings = this.settings();
    const products = this.of(batch.sellerId);
    const seen = new Set<string>();
    const now = this.now();
    const results: BatchItemResult[] = batch.requestItems.map((item) => {
      const barcode = typeof item.barcode === 'string' ? item.barcode : '';
      const fail = (reasons: string[]): BatchItemResult => ({ requestItem: requestItemOf(batch.type, item), status: 'FAILED', failureReasons: reasons });
      if (barcode !== '' && seen.has(barcode)) return fail([REASON.barcodeDuplicateInRequest(barcode)]);
      seen.add(barcode);
      if (batch.type === 'ProductInventoryUpdate') {
        const product = products.get(barcode);
        const reasons = validateInventoryItem(item, product, settings.maxQuantity);
        if (reasons.length > 0) return fail(reasons);
        if (this.faults.itemFails()) return fail([REASON.transient]);
        const p = product as Product;
        if (typeof item.quantity === 'number') p.quantity = item.quantity;
        if (typeof item.salePrice === 'number') p.salePrice = item.salePrice;
        if (typeof item.listPrice === 'number') p.listPrice = item.listPrice;
        p.lastUpdateDate = now;
        return { requestItem: requestItemOf(batch.type, item), status: 'SUCCESS', failureReasons: [] };
      }
      const mode = batch.type === 'ProductV2OnBoarding' ? 'create' : 'update';
      const existing = products.get(barcode);
      if (mode === 'create' && existing) return fail([REASON.barcodeExists(barcode)]);
      if (mode === 'update' && !existing) return fail([REASON.notFound(barcode)]);
      const { reasons, product } = validateProductItem(item, mode, settings.maxQuantity);
      if (reasons.length > 0 || !product) return fail(reasons);
      if (this.faults.itemFails()) return fail([REASON.transient]);
      if (existing) {
        // Update changes content only; stock and price go through price-and-inventory.
        Object.assign(existing, { ...product, quantity: existing.quantity, listPrice: existing.listPrice, salePrice: existing.salePrice, currencyType: existing.currencyType, lastUpdateDate: now });
      } else {
        products.set(barcode, {
          ...product,
          id: createHash('md5').update(`${batch.sellerId}:${barcode}`).digest('hex'),
          sellerId: batch.sellerId,
          approved: settings.autoApprove,
          archived: false,
          rejected: false,
          productCode: ++this.productCode,
          batchRequestId: batch.batchRequestId,
          createDateTime: now,
          lastUpdateDate: now,
        });
      }
      return { requestItem: requestItemOf(batch.type, item), status: 'SUCCESS', failureReasons: [] };
    });
    batch.items = results;
    batch.status = 'COMPLETED';
    batch.lastModification = now;
  }
}

function requireItems(body: unknown, max: number): Array<Record<string, unknown>> {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length === 0) throw new SandboxError(400, 'items.required', 'items alanı zorunludur ve boş olamaz.');
  if (items.length > max) throw new SandboxError(400, 'items.max.size', `Bir istekte en fazla ${max} ürün gönderilebilir.`);
  if (!items.every((i) => i !== null && typeof i === 'object' && !Array.isArray(i))) throw new SandboxError(400, 'items.invalid', 'items alanındaki her öğe bir nesne olmalıdır.');
  return items as Array<Record<string, unknown>>;
}

function requestItemOf(type: BatchType, item: Record<string, unknown>): Record<string, unknown> {
  if (type === 'ProductInventoryUpdate') return { ...item };
  return { barcode: item.barcode, product: { ...item } };
}
