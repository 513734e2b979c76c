import { FaultInjector } from '../common/faults';
import { RequestLog } from '../common/request-log';
import { WindowLimiter } from '../common/window-limiter';
import { InsightsStore } from './insights-store';
import type { Seller, ShipmentPackage } from './model';
import { OrdersStore } from './orders-store';
import { ProductsStore } from './products-store';
import { DEFAULT_SETTINGS, type TrendyolSandboxSettings } from './settings';
import { WebhookHub } from './webhooks';

export const DEFAULT_SELLER: Seller = { sellerId: '100001', apiKey: 'sandbox-api-key', apiSecret: 'sandbox-api-secret' };

/** Everything the Trendyol sandbox holds in memory. */
export class TrendyolSandboxState {
  settings: TrendyolSandboxSettings;
  readonly sellers: Map<string, Seller>;
  readonly faults = new FaultInjector();
  readonly requests = new RequestLog();
  readonly limiter: WindowLimiter;
  readonly products: ProductsStore;
  readonly orders: OrdersStore;
  readonly webhooks: WebhookHub;
  readonly insights: InsightsStore;

  constructor(options: { sellers?: Seller[]; settings?: Partial<TrendyolSandboxSettings>; now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings, rateLimit: { ...DEFAULT_SETTINGS.rateLimit, ...options.settings?.rateLimit } };
    this.sellers = new Map((options.sellers ?? [DEFAULT_SELLER]).map((s) => [s.sellerId, { ...s }]));
    this.limiter = new WindowLimiter(this.settings.rateLimit);
    this.products = new ProductsStore(() => this.settings, this.faults, now);
    this.webhooks = new WebhookHub(() => this.settings, now);
    this.orders = new OrdersStore(this.products, now, (pkg: ShipmentPackage) => this.webhooks.fire(pkg));
    this.insights = new InsightsStore(() => this.settings, this.products, now);
  }

  updateSettings(update: Partial<TrendyolSandboxSettings>): TrendyolSandboxSettings {
    this.settings = { ...this.settings, ...update, rateLimit: { ...this.settings.rateLimit, ...update.rateLimit } };
    if (update.rateLimit) {
      // A new limit starts with fresh windows.
      this.limiter.limit = this.settings.rateLimit;
      this.limiter.reset();
    }
    return this.settings;
  }

  /** Empties products, batches, orders, claims, webhooks, buybox offers, questions, counters and faults; keeps sellers and settings. */
  reset(): void {
    this.products.reset();
    this.insights.reset();
    this.orders.reset();
    this.webhooks.reset();
    this.requests.reset();
    this.limiter.reset();
    this.faults.reset();
  }
}
