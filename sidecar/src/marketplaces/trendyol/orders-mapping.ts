import type { Address, MarketplaceOrder, MarketplaceReturn, OrderLine, OrderPackage, OrderStatus, ReturnLine } from '../types';
import { CLAIM_STATUS_MAP, PACKAGE_STATUS_MAP, STATUS_RANK } from './constants';
import type { TyAddress, TyClaim, TyLine, TyPackage } from './wire';

/**
 * Trendyol shipment packages and claims → normalised orders and returns. The edge (wire.ts) has read a
 * field of the wrong type as absent; absent money is left unknown where the order check must see it
 * (a line's unit price) rather than read as 0.
 */

/** A JSON number, or undefined for a missing, null or non-finite one (Trendyol sends null for unknown amounts). */
const finite = (n: unknown): number | undefined => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);

const m2 = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '0.00' : (Math.round(n * 100) / 100).toFixed(2));

/** Text of an id that may come as a number; '' when absent. */
const idText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export function statusOf(raw: string | null | undefined): OrderStatus {
  return (typeof raw === 'string' && Object.hasOwn(PACKAGE_STATUS_MAP, raw) && PACKAGE_STATUS_MAP[raw]) || 'unknown';
}

export function isoFrom(trendyolMs: number | null | undefined, clockOffsetMs: number): string {
  return new Date((finite(trendyolMs) ?? 0) - clockOffsetMs).toISOString();
}

export function packageIdOf(p: TyPackage): string {
  return idText(p.id ?? p.shipmentPackageId);
}

/** The package's raw status text ('' when Trendyol gave none). */
export function rawStatusOf(p: TyPackage): string {
  return p.status ?? p.shipmentPackageStatus ?? '';
}

function address(a: TyAddress | null | undefined, email: string | null | undefined): Address {
  return {
    firstName: a?.firstName ?? '',
    lastName: a?.lastName ?? '',
    ...(a?.company ? { company: a.company } : {}),
    line1: a?.address1 ?? '',
    ...(a?.address2 ? { line2: a.address2 } : {}),
    ...(a?.district ? { district: a.district } : {}),
    city: (a?.city ?? '').trim(),
    ...(a?.postalCode ? { postalCode: a.postalCode } : {}),
    countryCode: a?.countryCode ?? 'TR',
    ...(a?.phone ? { phone: a.phone } : {}),
    ...(email ? { email } : {}),
    ...(a?.taxNumber ? { taxId: a.taxNumber } : {}),
    ...(a?.taxOffice ? { taxOffice: a.taxOffice } : {}),
  };
}

function line(l: TyLine, currency: string): OrderLine {
  const quantity = finite(l.quantity) ?? 0;
  // price = what the buyer pays per unit; amount = unit price before discounts; discount = whole line.
  const amount = finite(l.amount);
  const unit = finite(l.price) ?? (amount !== undefined ? amount - (finite(l.discount) ?? 0) / Math.max(1, quantity) : undefined);
  const vatBase = finite(l.vatBaseAmount);
  const vatRate = unit !== undefined && vatBase !== undefined && vatBase > 0 && unit > 0 ? Math.round((unit / vatBase - 1) * 100) : undefined;
  const variant = [
    ...(l.productColor ? [{ name: 'Renk', value: l.productColor }] : []),
    ...(l.productSize ? [{ name: 'Beden', value: l.productSize }] : []),
  ];
  return {
    lineId: idText(l.id),
    ...(l.merchantSku ? { sku: l.merchantSku } : {}),
    ...(l.barcode ? { barcode: l.barcode } : {}),
    ...(l.productCode != null ? { remoteProductId: String(l.productCode) } : {}),
    title: l.productName ?? '',
    quantity,
    // No price at all stays empty (not 0.00): the import's check refuses the order instead of selling free.
    unitPrice: unit === undefined || !Number.isFinite(unit) ? '' : m2(unit),
    ...(amount !== undefined ? { listUnitPrice: m2(amount) } : {}),
    discount: m2(finite(l.discount) ?? 0),
    ...(vatRate !== undefined && [0, 1, 10, 20].includes(vatRate) ? { vatRate } : {}),
    currency: l.currencyCode ?? currency,
    ...(l.orderLineItemStatusName ? { status: statusOf(l.orderLineItemStatusName), rawStatus: l.orderLineItemStatusName } : {}),
    ...(variant.length > 0 ? { variant } : {}),
  };
}

export function toPackage(p: TyPackage, clockOffsetMs: number): OrderPackage {
  const raw = rawStatusOf(p);
  const currency = p.currencyCode ?? 'TRY';
  return {
    packageId: packageIdOf(p),
    status: statusOf(raw),
    rawStatus: raw,
    lines: (p.lines ?? []).map((l) => line(l, currency)),
    ...(p.cargoProviderName ? { carrier: p.cargoProviderName } : {}),
    ...(p.cargoTrackingNumber !== undefined && p.cargoTrackingNumber !== null && String(p.cargoTrackingNumber) !== '' ? { trackingNumber: String(p.cargoTrackingNumber) } : {}),
    ...(p.cargoTrackingLink ? { trackingUrl: p.cargoTrackingLink } : {}),
    updatedAt: isoFrom(finite(p.lastModifiedDate) ?? p.orderDate, clockOffsetMs),
    // An entry without a time would claim 1970.
    history: (p.packageHistories ?? [])
      .filter((h) => finite(h.createdDate) !== undefined)
      .map((h) => ({ status: statusOf(h.status), rawStatus: h.status ?? '', at: isoFrom(h.createdDate, clockOffsetMs) })),
  };
}

/** Groups packages by order number, keeping first-seen order. */
export function toOrders(packages: TyPackage[], clockOffsetMs: number, complete: boolean): MarketplaceOrder[] {
  const groups = new Map<string, TyPackage[]>();
  for (const p of packages) {
    const key = idText(p.orderNumber) || packageIdOf(p);
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.entries()].map(([orderId, pkgs]) => toOrder(orderId, pkgs, clockOffsetMs, complete));
}

function toOrder(orderId: string, pkgs: TyPackage[], clockOffsetMs: number, complete: boolean): MarketplaceOrder {
  const first = pkgs[0] as TyPackage;
  const packages = pkgs.map((p) => toPackage(p, clockOffsetMs));
  const live = packages.filter((p) => p.status !== 'cancelled');
  const lead = (live.length > 0 ? live : packages).reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] ? b : a));
  // Totals over live packages: a split leaves the cancelled original beside its replacement.
  const counted = live.length > 0 ? pkgs.filter((p) => statusOf(rawStatusOf(p)) !== 'cancelled') : pkgs;
  const gross = counted.reduce((s, p) => s + (finite(p.grossAmount) ?? 0), 0);
  const discount = counted.reduce((s, p) => s + (finite(p.totalDiscount) ?? 0), 0);
  const total = counted.reduce((s, p) => s + (finite(p.totalPrice) ?? (finite(p.grossAmount) ?? 0) - (finite(p.totalDiscount) ?? 0)), 0);
  const updated = Math.max(...pkgs.map((p) => finite(p.lastModifiedDate) ?? finite(p.orderDate) ?? 0));
  const orderDates = pkgs.map((p) => finite(p.orderDate)).filter((d): d is number => d !== undefined);
  const currency = first.currencyCode ?? 'TRY';
  return {
    marketplace: 'trendyol',
    orderId,
    // Without any order date, the last change is the best known time (not a date past year 275,000).
    createdAt: isoFrom(orderDates.length > 0 ? Math.min(...orderDates) : updated, clockOffsetMs),
    updatedAt: isoFrom(updated, clockOffsetMs),
    status: lead.status,
    rawStatus: lead.rawStatus,
    customer: {
      firstName: first.customerFirstName ?? '',
      lastName: first.customerLastName ?? '',
      ...(first.customerEmail ? { email: first.customerEmail } : {}),
      ...(first.shipmentAddress?.phone ? { phone: first.shipmentAddress.phone } : {}),
      ...(first.customerId != null ? { remoteId: String(first.customerId) } : {}),
    },
    shippingAddress: address(first.shipmentAddress, first.customerEmail),
    billingAddress: address(first.invoiceAddress ?? first.shipmentAddress, first.customerEmail),
    totals: { gross: m2(gross), discount: m2(discount), shipping: '0.00', total: m2(total), currency },
    packages,
    complete,
  };
}

export function toReturn(c: TyClaim, clockOffsetMs: number): MarketplaceReturn {
  const lines: ReturnLine[] = [];
  for (const item of c.items ?? []) {
    const byLine = new Map<string, ReturnLine>();
    for (const ci of item.claimItems ?? []) {
      const lineId = idText(ci.orderLineItemId ?? item.orderLine?.id);
      const rawStatus = ci.claimItemStatus?.name ?? '';
      const existing = byLine.get(`${lineId}:${rawStatus}`);
      if (existing) existing.quantity += 1;
      else {
        byLine.set(`${lineId}:${rawStatus}`, {
          claimLineId: String(ci.id ?? lineId),
          ...(lineId ? { lineId } : {}),
          ...(item.orderLine?.merchantSku ? { sku: item.orderLine.merchantSku } : {}),
          ...(item.orderLine?.barcode ? { barcode: item.orderLine.barcode } : {}),
          quantity: 1,
          ...(ci.customerClaimItemReason?.name ? { reason: ci.customerClaimItemReason.name } : {}),
          status: CLAIM_STATUS_MAP[rawStatus] ?? 'unknown',
          rawStatus,
        });
      }
    }
    lines.push(...byLine.values());
  }
  const statuses = new Set(lines.map((l) => l.status));
  const status = statuses.size === 1 ? (lines[0]?.status ?? 'unknown') : statuses.has('requested') ? 'requested' : 'unknown';
  return {
    claimId: idText(c.id),
    orderId: idText(c.orderNumber),
    ...(c.orderShipmentPackageId != null ? { packageId: String(c.orderShipmentPackageId) } : {}),
    createdAt: isoFrom(c.claimDate ?? c.lastModifiedDate, clockOffsetMs),
    updatedAt: isoFrom(c.lastModifiedDate ?? c.claimDate, clockOffsetMs),
    status,
    rawStatus: [...new Set(lines.map((l) => l.rawStatus))].join(','),
    lines,
  };
}
