import { z } from 'zod';
import type { MarketplaceHttpClient, MarketplaceHttpFactory, HttpRequest } from '../http/types';
import type { MarketplaceAccount, TrendyolCredentials } from '../types';
import type { TrendyolSettings } from './config';
import { LIMIT_GROUPS, TRENDYOL_BASE_URLS, TRENDYOL_LIMITS, type LimitGroup } from './constants';
import { classifyTrendyolError } from './errors';
import { checked } from './reply';
import {
  tyBatchAccepted,
  tyBatchResult,
  tyBrand,
  tyBrandPage,
  tyCategoryAttributes,
  tyCategoryTree,
  tyClaimPage,
  tyIgnored,
  tyPackagePage,
  tyProductPage,
  tyWebhook,
  tyWebhookCreated,
  type TyBatchResult,
  type TyBrand,
  type TyCategoryAttributes,
  type TyCategoryTree,
  type TyClaimPage,
  type TyPackagePage,
  type TyProductPage,
  type TyWebhook,
} from './wire';

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * Trendyol's endpoints as typed calls over the shared HTTP client (auth, User-Agent, per-endpoint
 * rate limits, retries, breaker, call log). Every path is relative to the account's base URL, which
 * already ends in /integration. Every answer is checked against its endpoint's schema (wire.ts) here,
 * before anything reads it; the buybox and question answers are checked by insights.ts.
 */
export class TrendyolApi {
  private readonly http: MarketplaceHttpClient;
  readonly sellerId: string;
  private readonly accountId: number;

  constructor(factory: MarketplaceHttpFactory, account: MarketplaceAccount, credentials: TrendyolCredentials, settings: TrendyolSettings) {
    this.sellerId = credentials.sellerId;
    this.accountId = account.id;
    this.http = factory.client({
      marketplace: 'trendyol',
      accountId: account.id,
      baseUrl: account.baseUrl || TRENDYOL_BASE_URLS.production,
      auth: { type: 'basic', username: credentials.apiKey, password: credentials.apiSecret },
      headers: { 'user-agent': `${credentials.sellerId} - ${credentials.integrator ?? 'SelfIntegration'}` },
      rateLimits: Object.fromEntries(LIMIT_GROUPS.map((g) => [g, { points: settings.requestsPerWindow, durationMs: TRENDYOL_LIMITS.windowMs }])),
      timeoutMs: settings.timeoutMs,
      classifyError: classifyTrendyolError,
      requestIdHeaders: ['x-request-id', 'x-correlation-id'],
    });
  }

  breakerState() {
    return this.http.breakerState();
  }

  private async call<S extends z.ZodType>(limit: LimitGroup, schema: S, req: Omit<HttpRequest, 'limit'>): Promise<z.output<S>> {
    const res = await this.http.request<unknown>({ ...req, limit });
    return checked(schema, res.data, `${req.method} ${req.route ?? req.path}`, this.accountId);
  }

  private get s(): string {
    return encodeURIComponent(this.sellerId);
  }

  createProducts(items: unknown[]): Promise<{ batchRequestId: string }> {
    // Re-sending after a lost answer is harmless: a product created twice fails as "already exists".
    return this.call('products.create', tyBatchAccepted, { method: 'POST', path: `/product/sellers/${this.s}/products`, route: '/product/sellers/:sellerId/products', body: { items }, retrySafe: true });
  }

  updateProducts(items: unknown[]): Promise<{ batchRequestId: string }> {
    return this.call('products.update', tyBatchAccepted, { method: 'PUT', path: `/product/sellers/${this.s}/products`, route: '/product/sellers/:sellerId/products', body: { items } });
  }

  listProducts(query: Query): Promise<TyProductPage> {
    return this.call('products.list', tyProductPage, { method: 'GET', path: `/product/sellers/${this.s}/products`, route: '/product/sellers/:sellerId/products', query });
  }

  batchResult(batchRequestId: string): Promise<TyBatchResult> {
    return this.call('batch', tyBatchResult, {
      method: 'GET',
      path: `/product/sellers/${this.s}/products/batch-requests/${encodeURIComponent(batchRequestId)}`,
      route: '/product/sellers/:sellerId/products/batch-requests/:batchRequestId',
    });
  }

  priceAndInventory(items: unknown[]): Promise<{ batchRequestId: string }> {
    // Absolute values: repeating is safe (an identical repeat is refused as a duplicate, not applied twice).
    return this.call('inventory', tyBatchAccepted, {
      method: 'POST',
      path: `/inventory/sellers/${this.s}/products/price-and-inventory`,
      route: '/inventory/sellers/:sellerId/products/price-and-inventory',
      body: { items },
      retrySafe: true,
    });
  }

  listPackages(query: Query): Promise<TyPackagePage> {
    return this.call('orders', tyPackagePage, { method: 'GET', path: `/order/sellers/${this.s}/orders`, route: '/order/sellers/:sellerId/orders', query });
  }

  updatePackageStatus(packageId: string, body: unknown): Promise<unknown> {
    return this.call('package.status', tyIgnored, {
      method: 'PUT',
      path: `/order/sellers/${this.s}/shipment-packages/${encodeURIComponent(packageId)}`,
      route: '/order/sellers/:sellerId/shipment-packages/:packageId',
      body,
    });
  }

  updateTrackingNumber(packageId: string, trackingNumber: string): Promise<unknown> {
    return this.call('package.tracking', tyIgnored, {
      method: 'PUT',
      path: `/order/sellers/${this.s}/shipment-packages/${encodeURIComponent(packageId)}/update-tracking-number`,
      route: '/order/sellers/:sellerId/shipment-packages/:packageId/update-tracking-number',
      body: { trackingNumber },
    });
  }

  unsupplied(packageId: string, body: unknown): Promise<unknown> {
    // Not repeated automatically: a repeat after a lost answer would hit the already split package.
    return this.call('package.unsupplied', tyIgnored, {
      method: 'PUT',
      path: `/order/sellers/${this.s}/shipment-packages/${encodeURIComponent(packageId)}/items/unsupplied`,
      route: '/order/sellers/:sellerId/shipment-packages/:packageId/items/unsupplied',
      body,
      retrySafe: false,
    });
  }

  listClaims(query: Query): Promise<TyClaimPage> {
    return this.call('claims', tyClaimPage, { method: 'GET', path: `/order/sellers/${this.s}/claims`, route: '/order/sellers/:sellerId/claims', query });
  }

  buyboxInformation(barcodes: string[]): Promise<unknown> {
    // A read: repeating it after a lost answer changes nothing.
    return this.call('buybox', tyIgnored, {
      method: 'POST',
      path: `/product/sellers/${this.s}/products/buybox-information`,
      route: '/product/sellers/:sellerId/products/buybox-information',
      body: { barcodes },
      retrySafe: true,
    });
  }

  questions(query: Query): Promise<unknown> {
    return this.call('questions', tyIgnored, { method: 'GET', path: `/qna/sellers/${this.s}/questions/filter`, route: '/qna/sellers/:sellerId/questions/filter', query });
  }

  categories(): Promise<TyCategoryTree> {
    return this.call('categories', tyCategoryTree, { method: 'GET', path: '/product/product-categories' });
  }

  categoryAttributes(categoryId: string): Promise<TyCategoryAttributes> {
    return this.call('category.attributes', tyCategoryAttributes, {
      method: 'GET',
      path: `/product/product-categories/${encodeURIComponent(categoryId)}/attributes`,
      route: '/product/product-categories/:categoryId/attributes',
    });
  }

  brands(page: number, size: number): Promise<{ brands?: TyBrand[] | null }> {
    return this.call('brands', tyBrandPage, { method: 'GET', path: '/product/brands', query: { page, size } });
  }

  brandsByName(name: string): Promise<TyBrand[]> {
    return this.call('brands.byName', z.array(tyBrand), { method: 'GET', path: '/product/brands/by-name', query: { name } });
  }

  createWebhook(body: unknown): Promise<{ id: number | string }> {
    return this.call('webhooks', tyWebhookCreated, { method: 'POST', path: `/webhook/sellers/${this.s}/webhooks`, route: '/webhook/sellers/:sellerId/webhooks', body });
  }

  listWebhooks(): Promise<TyWebhook[]> {
    return this.call('webhooks', z.array(tyWebhook), { method: 'GET', path: `/webhook/sellers/${this.s}/webhooks`, route: '/webhook/sellers/:sellerId/webhooks' });
  }

  deleteWebhook(id: string): Promise<unknown> {
    return this.call('webhooks', tyIgnored, {
      method: 'DELETE',
      path: `/webhook/sellers/${this.s}/webhooks/${encodeURIComponent(id)}`,
      route: '/webhook/sellers/:sellerId/webhooks/:id',
    });
  }
}
