import type { AdapterDeps, MarketplaceAdapter, MarketplaceCapabilities } from '../contract';
import { MarketplaceError, UnsupportedError } from '../errors';
import type {
  ActionOutcome,
  AsyncHandle,
  Brand,
  CancelReason,
  CategoryAttribute,
  ItemResult,
  LineQuantity,
  ListingItem,
  ListingQuery,
  MarketplaceAccount,
  MarketplaceCategory,
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
  TrendyolCredentials,
  WebhookAuth,
  WebhookRegistration,
} from '../types';
import type { BuyboxStanding, CustomerQuestion, QuestionQuery } from '../insights';
import { TrendyolApi } from './client';
import type { TrendyolSettings } from './config';
import { CANCEL_REASON_IDS, STATUS_RANK, TRENDYOL_LIMITS, WEBHOOK_EVENTS, trendyolCapabilities } from './constants';
import { decodeCursor, encodeCursor, SeenSet } from './cursor';
import { itemErrorFromFailure, itemErrorFromReason } from './errors';
import { dedupeByKey, flattenCategories, toBrand, toCategoryAttributes, toRemoteListing, toTrendyolProduct, toTrendyolStockPrice, type Prepared } from './mapping';
import { packageIdOf, rawStatusOf, statusOf, toOrders, toReturn } from './orders-mapping';
import { fetchBuybox, fetchQuestions } from './insights';
import type { TyBatchItem, TyBatchResult, TyPackage, TyProductPage } from './wire';

const OVERLAP_GUARD_MS = 60_000;

/** The Trendyol adapter: the contract over Trendyol's seller API (or the sandbox at the same paths). */
export class TrendyolAdapter implements MarketplaceAdapter {
  readonly code = 'trendyol' as const;
  readonly accountId: number;
  readonly capabilities: MarketplaceCapabilities;
  private readonly api: TrendyolApi;
  private readonly now: () => number;
  private readonly seenPackages = new SeenSet();
  private readonly seenClaims = new SeenSet(20_000);

  constructor(
    account: MarketplaceAccount,
    credentials: TrendyolCredentials,
    private readonly settings: TrendyolSettings,
    deps: AdapterDeps,
  ) {
    this.accountId = account.id;
    this.capabilities = trendyolCapabilities(settings.requestsPerWindow);
    this.api = new TrendyolApi(deps.http, account, credentials, settings);
    this.now = deps.now ?? Date.now;
  }

  private get offset(): number {
    return this.settings.clockOffsetMs;
  }

  async checkConnection(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.api.listProducts({ page: 0, size: 1 });
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  // Listings and stock/price ----------------------------------------------------------------------

  submitListings(items: ListingItem[], mode: 'create' | 'update'): Promise<SubmitOutcome> {
    const prepared = items.map((i) => toTrendyolProduct(i, mode, this.settings));
    return this.submitBatches('listing', prepared, (chunk) => (mode === 'create' ? this.api.createProducts(chunk) : this.api.updateProducts(chunk)));
  }

  submitStockPrice(items: StockPriceUpdate[]): Promise<SubmitOutcome> {
    return this.submitBatches('stockPrice', items.map(toTrendyolStockPrice), (chunk) => this.api.priceAndInventory(chunk));
  }

  /**
   * Sends valid items in batches of 1,000. If a later batch fails as a whole, the handles of the
   * batches already accepted are kept and that batch's items come back as item failures (retryable as
   * the error says); only when nothing was accepted is the error thrown.
   */
  private async submitBatches(
    kind: AsyncHandle['kind'],
    prepared: Array<Prepared<Record<string, unknown>>>,
    send: (chunk: Array<Record<string, unknown>>) => Promise<{ batchRequestId: string }>,
  ): Promise<SubmitOutcome> {
    const results: ItemResult[] = [];
    const valid: Array<Extract<Prepared<Record<string, unknown>>, { ok: true }>> = [];
    for (const p of prepared) {
      if (p.ok) valid.push(p);
      else results.push(p.result);
    }
    const { kept, superseded } = dedupeByKey(valid);
    results.push(...superseded);
    const pending: AsyncHandle[] = [];
    for (let i = 0; i < kept.length; i += TRENDYOL_LIMITS.batchSize) {
      const chunk = kept.slice(i, i + TRENDYOL_LIMITS.batchSize);
      try {
        // The edge (client.ts) refuses an answer without a batchRequestId as a protocol error.
        const { batchRequestId } = await send(chunk.map((c) => c.item));
        pending.push({
          marketplace: 'trendyol',
          accountId: this.accountId,
          kind,
          id: batchRequestId,
          submittedAt: new Date(this.now()).toISOString(),
          items: chunk.map((c) => ({ ref: c.ref, key: c.key })),
        });
      } catch (err) {
        const duplicate = err instanceof MarketplaceError && err.kind === 'duplicate';
        if (pending.length === 0 && i === 0 && !duplicate) throw err;
        const error = itemErrorFromFailure(err);
        for (const c of chunk) results.push({ ref: c.ref, key: c.key, status: 'failed', errors: [error] });
      }
    }
    return { results, pending };
  }

  async pollResult(handle: AsyncHandle): Promise<PollOutcome> {
    if (handle.marketplace !== 'trendyol' || handle.accountId !== this.accountId) {
      throw new MarketplaceError('validation', `handle ${handle.id} belongs to ${handle.marketplace} account ${handle.accountId}`, { marketplace: 'trendyol' });
    }
    const batch = await this.api.batchResult(handle.id);
    const items = batch.items ?? [];
    const done = batch.status != null ? batch.status === 'COMPLETED' : items.length >= (batch.itemCount ?? handle.items.length);
    if (!done) return { done: false, retryAfterMs: this.settings.batchPollMs };
    return { done: true, results: matchResults(handle, batch) };
  }

  async fetchListings(query: ListingQuery): Promise<Page<RemoteListing>> {
    const size = Math.min(Math.max(query.size ?? 100, 1), TRENDYOL_LIMITS.productPageSize);
    const page = Math.max(query.page ?? 0, 0);
    const keys = query.barcodes ?? query.skus;
    if (keys && keys.length > 0) {
      // Trendyol filters by one barcode/stock code per call.
      const field = query.barcodes ? 'barcode' : 'stockCode';
      const found: RemoteListing[] = [];
      for (const key of keys) {
        const res = await this.api.listProducts({ [field]: key, page: 0, size: 1 });
        for (const p of res.content) found.push(toRemoteListing(p, this.offset));
      }
      return { items: found, page: 0, size: found.length, totalElements: found.length, totalPages: 1 };
    }
    if (page * size >= TRENDYOL_LIMITS.maxAccessibleRecords) {
      // Beyond 10,000 records Trendyol wants its page token; walk to the page through it.
      return this.fetchListingsByToken(page, size);
    }
    return this.listingPage(await this.api.listProducts({ page, size }), page, size);
  }

  private async fetchListingsByToken(page: number, size: number): Promise<Page<RemoteListing>> {
    const jump = Math.floor((TRENDYOL_LIMITS.maxAccessibleRecords - 1) / size);
    let res = await this.api.listProducts({ page: jump, size });
    for (let at = jump; at < page; at += 1) {
      if (!res.nextPageToken) return this.listingPage({ ...res, content: [] }, page, size);
      res = await this.api.listProducts({ size, nextPageToken: res.nextPageToken });
    }
    return this.listingPage(res, page, size);
  }

  private listingPage(res: TyProductPage, page: number, size: number): Page<RemoteListing> {
    return { items: res.content.map((p) => toRemoteListing(p, this.offset)), page, size, totalElements: res.totalElements ?? undefined, totalPages: res.totalPages ?? undefined };
  }

  // Orders -----------------------------------------------------------------------------------------

  async fetchOrders(cursor: string | null, options: OrderFetchOptions = {}): Promise<OrdersPage> {
    const now = this.now();
    const size = Math.min(Math.max(options.limit ?? TRENDYOL_LIMITS.orderPageSize, 1), TRENDYOL_LIMITS.orderPageSize);
    const state = decodeCursor('o', cursor) ?? { since: now - (options.initialLookbackMs ?? this.settings.initialLookbackDays * 86_400_000), skip: 0 };
    const oldest = now - TRENDYOL_LIMITS.orderLookbackDays * 86_400_000 + 3_600_000;
    const since = Math.max(state.since, oldest);
    const end = Math.min(now, since + TRENDYOL_LIMITS.maxOrderRangeMs - OVERLAP_GUARD_MS);
    const res = await this.api.listPackages({
      startDate: since + this.offset,
      endDate: end + this.offset,
      page: since === state.since ? state.skip : 0,
      size,
      orderByField: 'PackageLastModifiedDate',
      orderByDirection: 'ASC',
    });
    const content = res.content;
    let next = { since: Math.max(since, end - this.settings.orderOverlapMs), skip: 0 };
    let hasMore = end < now;
    if (content.length >= size) {
      // Keyset paging on the last-modified time survives packages changing while we page.
      const last = (content[content.length - 1]?.lastModifiedDate ?? 0) - this.offset;
      next = last > since ? { since: last, skip: 0 } : { since, skip: (since === state.since ? state.skip : 0) + 1 };
      hasMore = true;
    }
    const fresh = content.filter((p) => this.seenPackages.add(`${packageIdOf(p)}:${rawStatusOf(p)}`));
    return { orders: toOrders(fresh, this.offset, false), cursor: encodeCursor('o', next), hasMore };
  }

  async fetchOrder(orderId: string): Promise<MarketplaceOrder | null> {
    const packages: TyPackage[] = [];
    for (let page = 0; page < 50; page += 1) {
      const res = await this.api.listPackages({ orderNumber: orderId, page, size: TRENDYOL_LIMITS.orderPageSize });
      packages.push(...res.content);
      if (res.content.length < TRENDYOL_LIMITS.orderPageSize) break;
    }
    if (packages.length === 0) return null;
    return toOrders(packages, this.offset, true)[0] ?? null;
  }

  private async packageOf(ref: PackageRef): Promise<TyPackage> {
    const res = await this.api.listPackages({ shipmentPackageIds: ref.packageId, orderNumber: ref.orderId, page: 0, size: 1 });
    const pkg = res.content[0];
    if (!pkg) throw new MarketplaceError('not_found', `Trendyol package ${ref.packageId} of order ${ref.orderId} not found`, { marketplace: 'trendyol', accountId: this.accountId });
    return pkg;
  }

  /** Runs an order action; a refusal because the package is already at/after the goal counts as done. */
  private async idempotent(ref: PackageRef, goal: (pkg: TyPackage) => boolean, action: () => Promise<unknown>): Promise<ActionOutcome> {
    try {
      await action();
      return {};
    } catch (err) {
      if (!(err instanceof MarketplaceError) || (err.kind !== 'validation' && err.kind !== 'conflict')) throw err;
      const pkg = await this.packageOf(ref).catch(() => null);
      if (pkg && goal(pkg)) return {};
      throw err;
    }
  }

  async acknowledge(ref: PackageRef, lines?: LineQuantity[]): Promise<ActionOutcome> {
    const lineList = lines ?? (await this.allLines(ref));
    return this.idempotent(ref, (p) => statusOf(rawStatusOf(p)) !== 'cancelled' && STATUS_RANK[statusOf(rawStatusOf(p))] >= STATUS_RANK.processing, () =>
      this.api.updatePackageStatus(ref.packageId, { lines: lineList.map(toTyLine), params: {}, status: 'Picking' }),
    );
  }

  async ship(ref: PackageRef, shipment: Shipment): Promise<ActionOutcome> {
    if (shipment.trackingNumber.trim() === '') throw new MarketplaceError('validation', 'tracking number is empty / takip numarası boş', { marketplace: 'trendyol' });
    if (shipment.invoiceNumber) {
      const lineList = shipment.lines ?? (await this.allLines(ref));
      await this.idempotent(ref, (p) => ['Invoiced', 'Shipped', 'AtCollectionPoint', 'Delivered'].includes(rawStatusOf(p)), () =>
        this.api.updatePackageStatus(ref.packageId, { lines: lineList.map(toTyLine), params: { invoiceNumber: shipment.invoiceNumber }, status: 'Invoiced' }),
      );
    }
    return this.idempotent(ref, (p) => String(p.cargoTrackingNumber ?? '') === shipment.trackingNumber, () => this.api.updateTrackingNumber(ref.packageId, shipment.trackingNumber));
  }

  cancelLines(ref: PackageRef, lines: LineQuantity[], reason: CancelReason): Promise<ActionOutcome> {
    if (lines.length === 0) throw new MarketplaceError('validation', 'no lines to cancel', { marketplace: 'trendyol' });
    return this.idempotent(ref, (p) => statusOf(rawStatusOf(p)) === 'cancelled', () =>
      this.api.unsupplied(ref.packageId, { lines: lines.map(toTyLine), reasonId: CANCEL_REASON_IDS[reason], shouldKeepPreviousStatus: this.settings.keepStatusOnSplit }),
    );
  }

  private async allLines(ref: PackageRef): Promise<LineQuantity[]> {
    const pkg = await this.packageOf(ref);
    return (pkg.lines ?? []).map((l) => ({ lineId: String(l.id ?? ''), quantity: l.quantity ?? 0 }));
  }

  async fetchReturns(cursor: string | null, options: OrderFetchOptions = {}): Promise<ReturnsPage> {
    const now = this.now();
    const size = Math.min(Math.max(options.limit ?? 50, 1), TRENDYOL_LIMITS.orderPageSize);
    const state = decodeCursor('r', cursor) ?? { since: now - (options.initialLookbackMs ?? this.settings.initialLookbackDays * 86_400_000), skip: 0 };
    const since = Math.max(state.since, now - TRENDYOL_LIMITS.orderLookbackDays * 86_400_000 + 3_600_000);
    const end = Math.min(now, since + TRENDYOL_LIMITS.maxOrderRangeMs - OVERLAP_GUARD_MS);
    const page = since === state.since ? state.skip : 0;
    const res = await this.api.listClaims({ startDate: since + this.offset, endDate: end + this.offset, page, size });
    const content = res.content;
    const full = content.length >= size;
    const next = full ? { since, skip: page + 1 } : { since: Math.max(since, end - this.settings.orderOverlapMs), skip: 0 };
    const returns = content.map((c) => toReturn(c, this.offset)).filter((r) => this.seenClaims.add(`${r.claimId}:${r.rawStatus}`));
    return { returns, cursor: encodeCursor('r', next), hasMore: full || end < now };
  }

  // Catalogue data ---------------------------------------------------------------------------------

  async fetchCategories(): Promise<MarketplaceCategory[]> {
    return flattenCategories((await this.api.categories()).categories ?? []);
  }

  async fetchCategoryAttributes(categoryId: string): Promise<CategoryAttribute[]> {
    return toCategoryAttributes(await this.api.categoryAttributes(categoryId));
  }

  async fetchBrands(page: number, size: number): Promise<Page<Brand>> {
    const res = await this.api.brands(page, size);
    return { items: (res.brands ?? []).map(toBrand), page, size };
  }

  async findBrands(name: string): Promise<Brand[]> {
    const res = await this.api.brandsByName(name);
    return res.map(toBrand);
  }

  // Webhooks ---------------------------------------------------------------------------------------

  async registerWebhook(input: { url: string; auth: WebhookAuth; events?: string[] }): Promise<WebhookRegistration> {
    if (input.auth.type === 'none') throw new UnsupportedError('Trendyol webhooks need Basic or API-key authentication', { marketplace: 'trendyol' });
    const statuses = input.events && input.events.length > 0 ? [...new Set(input.events.flatMap((e) => WEBHOOK_EVENTS[e as keyof typeof WEBHOOK_EVENTS] ?? [e]))] : [];
    const body =
      input.auth.type === 'basic'
        ? { url: input.url, authenticationType: 'BASIC_AUTHENTICATION', username: input.auth.username, password: input.auth.password, subscribedStatuses: statuses }
        : { url: input.url, authenticationType: 'API_KEY', apiKey: input.auth.apiKey, subscribedStatuses: statuses };
    const { id } = await this.api.createWebhook(body);
    return { id: String(id), url: input.url, active: true, events: statuses, authType: input.auth.type };
  }

  async listWebhooks(): Promise<WebhookRegistration[]> {
    const hooks = await this.api.listWebhooks();
    return hooks.map((h) => ({
      id: String(h.id ?? ''),
      url: h.url ?? '',
      active: h.status === 'ACTIVE',
      events: h.subscribedStatuses ?? [],
      authType: h.authenticationType === 'API_KEY' ? 'api_key' : 'basic',
    }));
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.api.deleteWebhook(id);
  }

  // Market insights (insights.ts) ------------------------------------------------------------------

  fetchBuybox(barcodes: string[]): Promise<BuyboxStanding[]> {
    return fetchBuybox(this.api, this.accountId, barcodes);
  }

  fetchCustomerQuestions(query: QuestionQuery): Promise<Page<CustomerQuestion>> {
    return fetchQuestions(this.api, this.accountId, query, this.now(), this.offset);
  }
}

function toTyLine(l: LineQuantity): { lineId: number; quantity: number } {
  return { lineId: Number(l.lineId), quantity: l.quantity };
}

function matchResults(handle: AsyncHandle, batch: TyBatchResult): ItemResult[] {
  const byKey = new Map<string, TyBatchItem[]>();
  for (const item of batch.items ?? []) {
    const key = item.requestItem?.barcode ?? item.requestItem?.product?.barcode;
    if (typeof key !== 'string') continue;
    const list = byKey.get(key) ?? [];
    list.push(item);
    byKey.set(key, list);
  }
  return handle.items.map(({ ref, key }) => {
    const item = byKey.get(key)?.shift();
    if (!item) return { ref, key, status: 'failed' as const, errors: [{ code: 'unknown' as const, message: `Trendyol reported no result for barcode ${key}`, retryable: true }] };
    if (item.status === 'SUCCESS') return { ref, key, status: 'success' as const, errors: [] };
    const reasons = item.failureReasons ?? [];
    if (reasons.length > 0) return { ref, key, status: 'failed' as const, errors: reasons.map(itemErrorFromReason) };
    // Neither success nor a refusal it could read: what happened is not known, as with a missing result.
    if (item.status !== 'FAILED') {
      return { ref, key, status: 'failed' as const, errors: [{ code: 'unknown' as const, message: `Trendyol reported no readable status for barcode ${key}`, retryable: true }] };
    }
    return { ref, key, status: 'failed' as const, errors: [itemErrorFromReason('rejected without a reason')] };
  });
}
