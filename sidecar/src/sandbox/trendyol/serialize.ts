import type { Batch, Claim, Product, ShipmentPackage } from './model';
import { round2 } from './orders-store';

/** Trendyol JSON shapes of the sandbox records. `offset` shifts epoch times to Trendyol's GMT+3 clock. */

export function packageJson(pkg: ShipmentPackage, offset: number): Record<string, unknown> {
  const gross = pkg.lines.reduce((s, l) => s + l.amount * l.quantity, 0);
  const discount = pkg.lines.reduce((s, l) => s + l.discount, 0);
  return {
    id: pkg.id,
    shipmentPackageId: pkg.id,
    orderNumber: pkg.orderNumber,
    orderDate: pkg.orderDate + offset,
    status: pkg.status,
    shipmentPackageStatus: pkg.status,
    lastModifiedDate: pkg.lastModifiedDate + offset,
    customerId: pkg.customerId,
    customerFirstName: pkg.customerFirstName,
    customerLastName: pkg.customerLastName,
    customerEmail: pkg.customerEmail,
    tcIdentityNumber: pkg.tcIdentityNumber,
    grossAmount: round2(gross),
    totalDiscount: round2(discount),
    totalTyDiscount: 0,
    totalPrice: round2(gross - discount),
    currencyCode: pkg.currencyCode,
    cargoProviderName: pkg.cargoProviderName,
    cargoTrackingNumber: pkg.cargoTrackingNumber,
    cargoTrackingLink: pkg.cargoTrackingLink,
    cargoSenderNumber: null,
    invoiceLink: pkg.invoiceNumber ? `https://invoices.example/${pkg.invoiceNumber}` : null,
    shipmentAddress: { ...pkg.shipmentAddress },
    invoiceAddress: { ...pkg.invoiceAddress },
    lines: pkg.lines.map((l) => ({
      id: l.id,
      quantity: l.quantity,
      salesCampaignId: 0,
      productSize: l.productSize,
      merchantSku: l.merchantSku,
      productName: l.productName,
      productCode: l.productCode,
      merchantId: Number(pkg.sellerId),
      amount: l.amount,
      discount: l.discount,
      tyDiscount: 0,
      discountDetails: [],
      currencyCode: l.currencyCode,
      productColor: l.productColor,
      sku: l.sku,
      vatBaseAmount: l.vatBaseAmount,
      barcode: l.barcode,
      orderLineItemStatusName: l.orderLineItemStatusName,
      price: l.price,
    })),
    packageHistories: pkg.packageHistories.map((h) => ({ createdDate: h.createdDate + offset, status: h.status })),
    deliveryType: 'normal',
    fastDelivery: false,
    commercial: false,
    micro: false,
    cargoDeci: pkg.cargoDeci,
    deliveryAddressType: 'Shipment',
  };
}

export function productJson(p: Product, offset: number): Record<string, unknown> {
  return {
    id: p.id,
    approved: p.approved,
    archived: p.archived,
    rejected: p.rejected,
    blacklisted: false,
    onSale: p.approved && p.quantity > 0,
    productCode: p.productCode,
    batchRequestId: p.batchRequestId,
    supplierId: Number(p.sellerId),
    createDateTime: p.createDateTime + offset,
    lastUpdateDate: p.lastUpdateDate + offset,
    brand: p.brand,
    brandId: p.brandId,
    barcode: p.barcode,
    title: p.title,
    categoryName: p.categoryName,
    pimCategoryId: p.categoryId,
    productMainId: p.productMainId,
    description: p.description,
    stockUnitType: 'Adet',
    quantity: p.quantity,
    listPrice: p.listPrice,
    salePrice: p.salePrice,
    vatRate: p.vatRate,
    dimensionalWeight: p.dimensionalWeight,
    stockCode: p.stockCode,
    images: p.images.map((i) => ({ url: i.url })),
    attributes: p.attributes.map((a) => ({ ...a })),
  };
}

export function batchJson(b: Batch, offset: number): Record<string, unknown> {
  const failed = b.items.filter((i) => i.status === 'FAILED').length;
  const body: Record<string, unknown> = {
    batchRequestId: b.batchRequestId,
    items: b.items.map((i) => ({ requestItem: i.requestItem, status: i.status, failureReasons: i.failureReasons })),
    creationDate: b.creationDate + offset,
    lastModification: b.lastModification + offset,
    sourceType: 'API',
    itemCount: b.requestItems.length,
    failedItemCount: failed,
    batchRequestType: b.type,
  };
  // Trendyol gives no batch-level status for stock/price batches: callers read the item statuses.
  if (b.type !== 'ProductInventoryUpdate') body.status = b.status;
  return body;
}

export function claimJson(c: Claim, offset: number): Record<string, unknown> {
  return {
    id: c.id,
    orderNumber: c.orderNumber,
    orderDate: c.orderDate + offset,
    customerFirstName: c.customerFirstName,
    customerLastName: c.customerLastName,
    claimDate: c.claimDate + offset,
    lastModifiedDate: c.lastModifiedDate + offset,
    cargoTrackingNumber: c.cargoTrackingNumber,
    cargoProviderName: c.cargoProviderName,
    orderShipmentPackageId: c.orderShipmentPackageId,
    items: c.items.map((i) => ({ orderLine: { ...i.orderLine }, claimItems: i.claimItems.map((ci) => ({ ...ci })) })),
  };
}
