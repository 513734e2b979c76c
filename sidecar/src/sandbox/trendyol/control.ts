import { Router, type Request } from 'express';
import type { FaultConfig } from '../common/faults';
import { createRandom } from '../../util/random';
import type { LoggedRequest } from '../common/request-log';
import type { WindowLimit } from '../common/window-limiter';
import { SandboxError } from './errors';
import type { Product, WebhookDelivery } from './model';
import { questionJson } from './api-insights';
import type { Offer, PlantQuestion } from './insights-store';
import type { CreateOrderInput, LineQuantity } from './orders-store';
import { batchJson, claimJson, packageJson, productJson } from './serialize';
import type { TrendyolSandboxSettings } from './settings';
import type { TrendyolSandboxState } from './state';

export type PackageAction = 'confirm' | 'ship' | 'deliver' | 'undeliver' | 'collection_point' | 'cancel' | 'return';

export interface StockView {
  barcode: string;
  quantity: number;
  salePrice: number;
  listPrice: number;
  approved: boolean;
}

/**
 * What tests, the demo and benchmarks do to the sandbox from outside the API: create orders, move
 * packages the way carriers and customers do, inject faults, read what the sandbox holds. The same
 * operations are served over HTTP under /_control.
 */
export class TrendyolSandboxControl {
  constructor(private readonly state: TrendyolSandboxState) {}

  private get defaultSeller(): string {
    const first = this.state.sellers.keys().next();
    if (first.done) throw new Error('sandbox has no seller');
    return first.value;
  }

  reset(): void {
    this.state.reset();
  }

  setFaults(update: Partial<FaultConfig>): FaultConfig {
    return this.state.faults.set(update);
  }

  faults(): FaultConfig {
    return this.state.faults.current;
  }

  setRateLimit(update: Partial<WindowLimit>): WindowLimit {
    return this.state.updateSettings({ rateLimit: { ...this.state.settings.rateLimit, ...update } }).rateLimit;
  }

  updateSettings(update: Partial<TrendyolSandboxSettings>): TrendyolSandboxSettings {
    return this.state.updateSettings(update);
  }

  /** Puts a product straight into the catalogue (no batch), e.g. for order tests. */
  seedProduct(fields: Partial<Product> & { barcode: string }, sellerId = this.defaultSeller): Record<string, unknown> {
    const now = Date.now();
    const product: Product = {
      id: `seed-${fields.barcode}`,
      sellerId,
      title: `Ürün ${fields.barcode}`,
      productMainId: fields.barcode,
      brandId: 100,
      brand: 'MesChain Basics',
      categoryId: 1012,
      categoryName: 'Tişört',
      quantity: 10,
      stockCode: fields.barcode,
      dimensionalWeight: 1,
      description: '',
      currencyType: 'TRY',
      listPrice: 100,
      salePrice: 100,
      vatRate: 20,
      cargoCompanyId: 17,
      images: [{ url: 'https://cdn.example/img.jpg' }],
      attributes: [],
      approved: true,
      archived: false,
      rejected: false,
      productCode: 1,
      batchRequestId: 'seed',
      createDateTime: now,
      lastUpdateDate: now,
      ...fields,
    };
    this.state.products.of(sellerId).set(product.barcode, product);
    return productJson(product, this.state.settings.clockOffsetMs);
  }

  /** Creates an order (one shipment package) and fires webhooks. Returns the package as the API shows it. */
  createOrder(input: Omit<CreateOrderInput, 'sellerId'> & { sellerId?: string }): Record<string, unknown> {
    const pkg = this.state.orders.create({ ...input, sellerId: input.sellerId ?? this.defaultSeller });
    return packageJson(pkg, this.state.settings.clockOffsetMs);
  }

  /** Creates `count` single-line orders over the given barcodes (all products when omitted), seeded. */
  createOrders(input: { count: number; barcodes?: string[]; quantity?: number; status?: 'Awaiting' | 'Created'; seed?: number; sellerId?: string }): number[] {
    const sellerId = input.sellerId ?? this.defaultSeller;
    const barcodes = input.barcodes ?? [...this.state.products.of(sellerId).keys()];
    if (barcodes.length === 0) throw new SandboxError(400, 'no.products', 'no products to order');
    const random = createRandom(input.seed ?? 7);
    const ids: number[] = [];
    for (let i = 0; i < input.count; i += 1) {
      const barcode = barcodes[Math.floor(random() * barcodes.length)] as string;
      ids.push(this.state.orders.create({ sellerId, status: input.status, lines: [{ barcode, quantity: input.quantity ?? 1 }] }).id);
    }
    return ids;
  }

  /** Moves a package as the carrier/customer would; cancel/return take optional line quantities. */
  movePackage(packageId: number, action: PackageAction, lines?: LineQuantity[], sellerId = this.defaultSeller): Record<string, unknown> {
    const offset = this.state.settings.clockOffsetMs;
    switch (action) {
      case 'cancel': {
        const split = this.state.orders.cancelLines(sellerId, packageId, lines, 'customer');
        return { package: packageJson(this.state.orders.get(sellerId, packageId), offset), newPackage: split ? packageJson(split, offset) : null };
      }
      case 'return':
        return { claim: claimJson(this.state.orders.returnLines(sellerId, packageId, lines), offset), package: packageJson(this.state.orders.get(sellerId, packageId), offset) };
      default:
        return { package: packageJson(this.state.orders.move(sellerId, packageId, action), offset) };
    }
  }

  packages(filter: { orderNumber?: string; sellerId?: string } = {}): Array<Record<string, unknown>> {
    const sellerId = filter.sellerId ?? this.defaultSeller;
    return [...this.state.orders.packages.values()]
      .filter((p) => p.sellerId === sellerId && (filter.orderNumber === undefined || p.orderNumber === filter.orderNumber))
      .sort((a, b) => a.id - b.id)
      .map((p) => packageJson(p, this.state.settings.clockOffsetMs));
  }

  product(barcode: string, sellerId = this.defaultSeller): StockView | null {
    const p = this.state.products.get(sellerId, barcode);
    return p ? { barcode: p.barcode, quantity: p.quantity, salePrice: p.salePrice, listPrice: p.listPrice, approved: p.approved } : null;
  }

  /** Current stock and prices of every product of the seller. */
  stock(sellerId = this.defaultSeller): Record<string, StockView> {
    const out: Record<string, StockView> = {};
    for (const p of this.state.products.of(sellerId).values()) out[p.barcode] = { barcode: p.barcode, quantity: p.quantity, salePrice: p.salePrice, listPrice: p.listPrice, approved: p.approved };
    return out;
  }

  productDetails(barcode: string, sellerId = this.defaultSeller): Record<string, unknown> | null {
    const p = this.state.products.get(sellerId, barcode);
    return p ? productJson(p, this.state.settings.clockOffsetMs) : null;
  }

  batch(batchRequestId: string, sellerId = this.defaultSeller): Record<string, unknown> {
    return batchJson(this.state.products.batch(sellerId, batchRequestId), this.state.settings.clockOffsetMs);
  }

  /** Sets the other sellers' offers for a barcode (replacing seeded ones); the ranking follows prices. */
  setBuybox(barcode: string, competitors: Array<{ sellerId?: string; price: number }>, sellerId = this.defaultSeller): Offer[] {
    return this.state.insights.setCompetitors(sellerId, barcode, competitors);
  }

  /** The buybox as the API would answer it for one catalogue barcode, with the other sellers behind it. */
  buybox(barcode: string, sellerId = this.defaultSeller): { buyboxOrder: number; prices: number[]; competitors: Offer[] } | null {
    const product = this.state.products.get(sellerId, barcode);
    if (!product) return null;
    return { ...this.state.insights.standing(sellerId, product), competitors: this.state.insights.competitors(sellerId, product) };
  }

  /** Adds a customer question (as the API shows it); seeded questions of the catalogue exist as well. */
  addQuestion(input: PlantQuestion, sellerId = this.defaultSeller): Record<string, unknown> {
    return questionJson(this.state.insights.plant(sellerId, input), this.state.settings.clockOffsetMs);
  }

  /** Every question of the seller, seeded and planted, in the API's shape plus the barcode. */
  questions(sellerId = this.defaultSeller): Array<Record<string, unknown>> {
    return this.state.insights.all(sellerId).map((q) => ({ ...questionJson(q, this.state.settings.clockOffsetMs), barcode: q.barcode }));
  }

  requests(): ReturnType<TrendyolSandboxState['requests']['counts']> {
    return this.state.requests.counts();
  }

  requestLog(filter: { route?: string; since?: number } = {}): LoggedRequest[] {
    return this.state.requests.list(filter);
  }

  resetRequests(): void {
    this.state.requests.reset();
  }

  webhookDeliveries(): WebhookDelivery[] {
    return [...this.state.webhooks.deliveries];
  }

  /** Resolves when every webhook delivery started so far has finished. */
  webhooksIdle(): Promise<void> {
    return this.state.webhooks.idle();
  }
}

/** The control API over HTTP (no auth: the sandbox is a local tool). */
export function controlRouter(control: TrendyolSandboxControl): Router {
  const router = Router();
  const wrap = (fn: (req: Request) => unknown) => async (req: Request, res: import('express').Response) => {
    try {
      const result = await fn(req);
      res.status(200).json(result ?? { ok: true });
    } catch (err) {
      const status = err instanceof SandboxError ? err.status : 400;
      res.status(status).json({ error: (err as Error).message });
    }
  };
  const seller = (req: Request) => (typeof req.query.sellerId === 'string' ? req.query.sellerId : undefined);
  router.get('/health', wrap(() => ({ ok: true })));
  router.post('/reset', wrap(() => control.reset()));
  router.get('/faults', wrap(() => control.faults()));
  router.put('/faults', wrap((req) => control.setFaults(req.body as Partial<FaultConfig>)));
  router.put('/rate-limit', wrap((req) => control.setRateLimit(req.body as Partial<WindowLimit>)));
  router.put('/settings', wrap((req) => control.updateSettings(req.body as Partial<TrendyolSandboxSettings>)));
  router.post('/products', wrap((req) => control.seedProduct(req.body as Partial<Product> & { barcode: string }, seller(req))));
  router.get('/products/:barcode', wrap((req) => control.product(String(req.params.barcode), seller(req))));
  router.get('/stock', wrap((req) => control.stock(seller(req))));
  router.post('/orders', wrap((req) => control.createOrder(req.body as CreateOrderInput)));
  router.post('/orders/bulk', wrap((req) => ({ packageIds: control.createOrders(req.body as Parameters<TrendyolSandboxControl['createOrders']>[0]) })));
  router.get('/packages', wrap((req) => control.packages({ orderNumber: typeof req.query.orderNumber === 'string' ? req.query.orderNumber : undefined, sellerId: seller(req) })));
  router.post('/packages/:packageId/:action', wrap((req) => {
    const action = String(req.params.action) as PackageAction;
    if (!['confirm', 'ship', 'deliver', 'undeliver', 'collection_point', 'cancel', 'return'].includes(action)) throw new SandboxError(404, 'action.unknown', `unknown action ${action}`);
    const lines = (req.body as { lines?: LineQuantity[] } | undefined)?.lines;
    return control.movePackage(Number(req.params.packageId), action, lines, seller(req));
  }));
  router.get('/batches/:id', wrap((req) => control.batch(String(req.params.id), seller(req))));
  router.put('/buybox/:barcode', wrap((req) => control.setBuybox(String(req.params.barcode), (req.body as { competitors?: Array<{ sellerId?: string; price: number }> } | undefined)?.competitors ?? [], seller(req))));
  router.get('/buybox/:barcode', wrap((req) => {
    const standing = control.buybox(String(req.params.barcode), seller(req));
    if (!standing) throw new SandboxError(404, 'product.not.found', `no product with barcode ${String(req.params.barcode)}`);
    return standing;
  }));
  router.post('/questions', wrap((req) => control.addQuestion(req.body as PlantQuestion, seller(req))));
  router.get('/questions', wrap((req) => control.questions(seller(req))));
  router.get('/requests', wrap(() => control.requests()));
  router.get('/requests/log', wrap((req) => control.requestLog({ route: typeof req.query.route === 'string' ? req.query.route : undefined, since: req.query.since ? Number(req.query.since) : undefined })));
  router.delete('/requests', wrap(() => control.resetRequests()));
  router.get('/webhook-deliveries', wrap(() => control.webhookDeliveries()));
  return router;
}
