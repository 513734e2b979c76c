import { SandboxError } from './errors';
import type { Address, Claim, OrderLine, PackageStatus, ShipmentPackage } from './model';
import type { ProductsStore } from './products-store';

export interface CreateOrderInput {
  sellerId: string;
  /** Awaiting = payment not confirmed yet (stock reserved only); default Created. */
  status?: 'Awaiting' | 'Created';
  orderNumber?: string;
  lines: Array<{ barcode: string; quantity: number; /** unit price; default the product's salePrice */ price?: number; /** whole-line discount */ discount?: number }>;
  customer?: { firstName?: string; lastName?: string; email?: string };
  address?: Partial<Omit<Address, 'id'>>;
  cargoProviderName?: string;
}

export interface LineQuantity {
  lineId: number;
  quantity: number;
}

const PRE_SHIPMENT: PackageStatus[] = ['Awaiting', 'Created', 'Picking', 'Invoiced', 'Repack', 'UnPacked'];

const DEFAULT_ADDRESS: Omit<Address, 'id' | 'firstName' | 'lastName' | 'fullName' | 'fullAddress'> = {
  company: '',
  address1: 'Atatürk Mah. Cumhuriyet Cad. No: 12 D: 4',
  address2: '',
  city: 'İstanbul',
  cityCode: 34,
  district: 'Kadıköy',
  districtId: 436,
  postalCode: '34710',
  countryCode: 'TR',
  phone: '05321234567',
};

/** Shipment packages and claims, with Trendyol's transitions and split-on-partial-cancel. */
export class OrdersStore {
  readonly packages = new Map<number, ShipmentPackage>();
  readonly claims = new Map<string, Claim>();
  private packageSeq = 3_000_000_000;
  private lineSeq = 5_000_000_000;
  private orderSeq = 10_100_000_000;
  private addressSeq = 80_000_000;
  private claimSeq = 1;

  constructor(
    private readonly products: ProductsStore,
    private readonly now: () => number,
    private readonly changed: (pkg: ShipmentPackage) => void,
  ) {}

  reset(): void {
    this.packages.clear();
    this.claims.clear();
  }

  create(input: CreateOrderInput): ShipmentPackage {
    if (!Array.isArray(input.lines) || input.lines.length === 0) throw new SandboxError(400, 'lines.required', 'lines is required');
    const now = this.now();
    const lines: OrderLine[] = input.lines.map((l) => {
      const product = this.products.get(input.sellerId, l.barcode);
      if (!product) throw new SandboxError(400, 'barcode.not.found', `no product with barcode ${l.barcode} for seller ${input.sellerId}`);
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw new SandboxError(400, 'quantity.invalid', `quantity of ${l.barcode} must be a positive integer`);
      const amount = l.price ?? product.salePrice;
      const discount = l.discount ?? 0;
      const colour = product.attributes.find((a) => a.attributeName === 'Renk')?.attributeValue ?? null;
      const size = product.attributes.find((a) => ['Beden', 'Numara', 'Bel', 'Yaş', 'Boyut/Ebat', 'Dahili Hafıza'].includes(a.attributeName))?.attributeValue ?? null;
      return {
        id: ++this.lineSeq,
        barcode: product.barcode,
        merchantSku: product.stockCode,
        sku: product.barcode,
        productName: product.title,
        productCode: product.productCode,
        productColor: colour,
        productSize: size,
        quantity: l.quantity,
        amount: round2(amount),
        discount: round2(discount),
        price: round2(amount - discount / l.quantity),
        vatBaseAmount: round2((amount - discount / l.quantity) / (1 + product.vatRate / 100)),
        currencyCode: 'TRY',
        orderLineItemStatusName: input.status ?? 'Created',
      };
    });
    const firstName = input.customer?.firstName ?? 'Ayşe';
    const lastName = input.customer?.lastName ?? 'Yılmaz';
    const address = (): Address => {
      const a = { ...DEFAULT_ADDRESS, ...input.address };
      return {
        ...a,
        id: ++this.addressSeq,
        firstName: input.address?.firstName ?? firstName,
        lastName: input.address?.lastName ?? lastName,
        fullName: `${input.address?.firstName ?? firstName} ${input.address?.lastName ?? lastName}`,
        fullAddress: `${a.address1} ${a.district}/${a.city}`,
      };
    };
    const status = input.status ?? 'Created';
    const pkg: ShipmentPackage = {
      id: ++this.packageSeq,
      sellerId: input.sellerId,
      orderNumber: input.orderNumber ?? String(++this.orderSeq),
      orderDate: now,
      status,
      lastModifiedDate: now,
      customerId: 90_000_000 + (this.packageSeq % 1_000_000),
      customerFirstName: firstName,
      customerLastName: lastName,
      customerEmail: input.customer?.email ?? `pf+${this.packageSeq}@trendyolmail.com`,
      tcIdentityNumber: '11111111111',
      shipmentAddress: address(),
      invoiceAddress: address(),
      lines,
      cargoProviderName: input.cargoProviderName ?? 'Trendyol Express Marketplace',
      cargoTrackingNumber: null,
      cargoTrackingLink: null,
      invoiceNumber: null,
      packageHistories: [{ createdDate: now, status }],
      currencyCode: 'TRY',
      cargoDeci: 1,
    };
    for (const l of lines) this.products.adjustStock(input.sellerId, l.barcode, -l.quantity);
    this.packages.set(pkg.id, pkg);
    this.changed(pkg);
    return pkg;
  }

  get(sellerId: string, id: number): ShipmentPackage {
    const pkg = this.packages.get(id);
    if (!pkg || pkg.sellerId !== sellerId) throw new SandboxError(404, 'shipment.package.not.found', `${id} id’li paket bulunamadı.`);
    return pkg;
  }

  /** Seller status update (Picking, Invoiced). */
  updateStatus(sellerId: string, id: number, status: unknown, params: Record<string, unknown> | undefined): void {
    const pkg = this.get(sellerId, id);
    if (status !== 'Picking' && status !== 'Invoiced') throw new SandboxError(400, 'status.not.allowed', `${String(status)} statüsü satıcı tarafından güncellenemez; yalnız Picking ve Invoiced gönderilebilir.`);
    if (pkg.status === 'Awaiting') throw new SandboxError(400, 'package.awaiting', 'Awaiting statüsündeki paketler için işlem yapılamaz.');
    if (status === 'Picking' && pkg.status !== 'Created') throw new SandboxError(400, 'status.transition', `${pkg.status} statüsündeki paket Picking statüsüne çekilemez.`);
    if (status === 'Invoiced') {
      if (pkg.status !== 'Created' && pkg.status !== 'Picking') throw new SandboxError(400, 'status.transition', `${pkg.status} statüsündeki paket Invoiced statüsüne çekilemez.`);
      const invoiceNumber = params?.invoiceNumber;
      if (typeof invoiceNumber !== 'string' || invoiceNumber.trim() === '') throw new SandboxError(400, 'invoice.number.required', 'Invoiced statüsü için params.invoiceNumber zorunludur.');
      pkg.invoiceNumber = invoiceNumber;
    }
    this.setStatus(pkg, status);
  }

  setTracking(sellerId: string, id: number, trackingNumber: unknown): void {
    const pkg = this.get(sellerId, id);
    if (typeof trackingNumber !== 'string' || trackingNumber.trim() === '') throw new SandboxError(400, 'tracking.number.required', 'trackingNumber alanı zorunludur.');
    if (!['Created', 'Picking', 'Invoiced', 'Shipped'].includes(pkg.status)) throw new SandboxError(400, 'status.transition', `${pkg.status} statüsündeki paketin takip numarası güncellenemez.`);
    pkg.cargoTrackingNumber = trackingNumber;
    pkg.cargoTrackingLink = `https://kargotakip.example/${encodeURIComponent(trackingNumber)}`;
    pkg.lastModifiedDate = this.now();
    this.changed(pkg);
  }

  /**
   * Cancels quantities of lines (seller: unsupplied; or the customer via the control API). Cancelling
   * everything ends the package; cancelling part of it invalidates the package (Cancelled) and creates
   * a new package with the remaining quantities under the same order number.
   */
  cancelLines(sellerId: string, id: number, lines: LineQuantity[] | undefined, by: 'seller' | 'customer', keepStatus = false): ShipmentPackage | null {
    const pkg = this.get(sellerId, id);
    if (!PRE_SHIPMENT.includes(pkg.status)) throw new SandboxError(400, 'status.transition', `${pkg.status} statüsündeki paket iptal edilemez.`);
    if (by === 'seller' && pkg.status === 'Awaiting') throw new SandboxError(400, 'package.awaiting', 'Awaiting statüsündeki paketler için işlem yapılamaz.');
    const cancel = new Map<number, number>();
    for (const l of lines ?? pkg.lines.map((x) => ({ lineId: x.id, quantity: x.quantity }))) {
      const line = pkg.lines.find((x) => x.id === l.lineId);
      if (!line) throw new SandboxError(400, 'line.not.found', `${l.lineId} id’li satır bu pakette bulunamadı.`);
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity + (cancel.get(l.lineId) ?? 0) > line.quantity) {
        throw new SandboxError(400, 'line.quantity.invalid', `${l.lineId} id’li satır için geçersiz adet.`);
      }
      cancel.set(l.lineId, (cancel.get(l.lineId) ?? 0) + l.quantity);
    }
    for (const line of pkg.lines) {
      const q = cancel.get(line.id) ?? 0;
      if (q > 0) this.products.adjustStock(sellerId, line.barcode, q);
    }
    const remaining = pkg.lines
      .map((line) => ({ line, quantity: line.quantity - (cancel.get(line.id) ?? 0) }))
      .filter((r) => r.quantity > 0);
    const endStatus: PackageStatus = by === 'seller' ? 'UnSupplied' : 'Cancelled';
    if (remaining.length === 0) {
      for (const line of pkg.lines) line.orderLineItemStatusName = endStatus;
      this.setStatus(pkg, endStatus);
      return null;
    }
    const previous = pkg.status;
    for (const line of pkg.lines) line.orderLineItemStatusName = 'Cancelled';
    this.setStatus(pkg, 'Cancelled');
    const now = this.now();
    const status: PackageStatus = keepStatus ? previous : previous === 'Awaiting' ? 'Awaiting' : 'Created';
    const split: ShipmentPackage = {
      ...pkg,
      id: ++this.packageSeq,
      status,
      lastModifiedDate: now,
      cargoTrackingNumber: null,
      cargoTrackingLink: null,
      lines: remaining.map(({ line, quantity }) => ({
        ...line,
        id: ++this.lineSeq,
        quantity,
        discount: round2((line.discount * quantity) / line.quantity),
        orderLineItemStatusName: status,
      })),
      packageHistories: [{ createdDate: now, status }],
    };
    this.packages.set(split.id, split);
    this.changed(split);
    return split;
  }

  /** Carrier and customer events the seller cannot cause (control API). */
  move(sellerId: string, id: number, action: 'confirm' | 'ship' | 'deliver' | 'undeliver' | 'collection_point'): ShipmentPackage {
    const pkg = this.get(sellerId, id);
    const need = (allowed: PackageStatus[]) => {
      if (!allowed.includes(pkg.status)) throw new SandboxError(400, 'status.transition', `cannot ${action} a package in status ${pkg.status}`);
    };
    switch (action) {
      case 'confirm':
        need(['Awaiting']);
        for (const l of pkg.lines) l.orderLineItemStatusName = 'Created';
        this.setStatus(pkg, 'Created');
        break;
      case 'ship':
        need(['Created', 'Picking', 'Invoiced']);
        pkg.cargoTrackingNumber ??= `7330${String(pkg.id).slice(-9)}`;
        this.setStatus(pkg, 'Shipped');
        break;
      case 'collection_point':
        need(['Shipped']);
        this.setStatus(pkg, 'AtCollectionPoint');
        break;
      case 'deliver':
        need(['Shipped', 'AtCollectionPoint']);
        this.setStatus(pkg, 'Delivered');
        break;
      case 'undeliver':
        need(['Shipped', 'AtCollectionPoint']);
        this.setStatus(pkg, 'UnDelivered');
        break;
    }
    return pkg;
  }

  /** The customer returns (part of) a delivered package: a claim appears and the package is Returned. */
  returnLines(sellerId: string, id: number, lines: LineQuantity[] | undefined, reason = 'Beden/ölçü uymadı'): Claim {
    const pkg = this.get(sellerId, id);
    if (!['Delivered', 'Shipped', 'UnDelivered'].includes(pkg.status)) throw new SandboxError(400, 'status.transition', `cannot return a package in status ${pkg.status}`);
    const now = this.now();
    const wanted = lines ?? pkg.lines.map((l) => ({ lineId: l.id, quantity: l.quantity }));
    const claim: Claim = {
      id: `c${String(this.claimSeq++).padStart(8, '0')}`,
      sellerId,
      orderNumber: pkg.orderNumber,
      orderShipmentPackageId: pkg.id,
      orderDate: pkg.orderDate,
      claimDate: now,
      lastModifiedDate: now,
      customerFirstName: pkg.customerFirstName,
      customerLastName: pkg.customerLastName,
      cargoTrackingNumber: pkg.cargoTrackingNumber,
      cargoProviderName: pkg.cargoProviderName,
      items: wanted.map((w) => {
        const line = pkg.lines.find((l) => l.id === w.lineId);
        if (!line || w.quantity < 1 || w.quantity > line.quantity) throw new SandboxError(400, 'line.quantity.invalid', `invalid return line ${w.lineId}`);
        return {
          orderLine: { ...line },
          claimItems: Array.from({ length: w.quantity }, (_, i) => ({
            id: `${line.id}-${this.claimSeq}-${i}`,
            orderLineItemId: line.id,
            customerClaimItemReason: { id: 401, name: reason, code: 'SIZE' },
            claimItemStatus: { name: 'Created' as const },
            note: '',
            resolved: false,
          })),
        };
      }),
    };
    this.claims.set(claim.id, claim);
    this.setStatus(pkg, 'Returned');
    return claim;
  }

  private setStatus(pkg: ShipmentPackage, status: PackageStatus): void {
    const now = this.now();
    pkg.status = status;
    pkg.lastModifiedDate = now;
    pkg.packageHistories.push({ createdDate: now, status });
    if (!['Cancelled', 'UnSupplied'].includes(status)) for (const l of pkg.lines) l.orderLineItemStatusName = status;
    this.changed(pkg);
  }
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
