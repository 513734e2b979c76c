/** In-memory records of the Trendyol sandbox, in Trendyol's own field names. Times are real epoch ms (UTC). */

export type PackageStatus =
  | 'Awaiting'
  | 'Created'
  | 'Picking'
  | 'Invoiced'
  | 'Shipped'
  | 'AtCollectionPoint'
  | 'Delivered'
  | 'UnDelivered'
  | 'Cancelled'
  | 'UnSupplied'
  | 'Returned'
  | 'Repack'
  | 'UnPacked';

export const PACKAGE_STATUSES: PackageStatus[] = [
  'Awaiting',
  'Created',
  'Picking',
  'Invoiced',
  'Shipped',
  'AtCollectionPoint',
  'Delivered',
  'UnDelivered',
  'Cancelled',
  'UnSupplied',
  'Returned',
  'Repack',
  'UnPacked',
];

/** Webhook vocabulary for each package status. */
export const WEBHOOK_STATUS: Record<PackageStatus, string> = {
  Awaiting: 'AWAITING',
  Created: 'CREATED',
  Picking: 'PICKING',
  Invoiced: 'INVOICED',
  Shipped: 'SHIPPED',
  AtCollectionPoint: 'AT_COLLECTION_POINT',
  Delivered: 'DELIVERED',
  UnDelivered: 'UNDELIVERED',
  Cancelled: 'CANCELLED',
  UnSupplied: 'UNSUPPLIED',
  Returned: 'RETURNED',
  Repack: 'CREATED',
  UnPacked: 'UNPACKED',
};

export interface Seller {
  sellerId: string;
  apiKey: string;
  apiSecret: string;
}

export interface ProductAttribute {
  attributeId: number;
  attributeName: string;
  attributeValueId?: number;
  attributeValue: string;
}

export interface Product {
  id: string;
  sellerId: string;
  barcode: string;
  title: string;
  productMainId: string;
  brandId: number;
  brand: string;
  categoryId: number;
  categoryName: string;
  quantity: number;
  stockCode: string;
  dimensionalWeight: number;
  description: string;
  currencyType: string;
  listPrice: number;
  salePrice: number;
  vatRate: number;
  cargoCompanyId: number;
  images: Array<{ url: string }>;
  attributes: ProductAttribute[];
  approved: boolean;
  archived: boolean;
  rejected: boolean;
  productCode: number;
  batchRequestId: string;
  createDateTime: number;
  lastUpdateDate: number;
}

export interface BatchItemResult {
  requestItem: Record<string, unknown>;
  status: 'SUCCESS' | 'FAILED';
  failureReasons: string[];
}

export type BatchType = 'ProductV2OnBoarding' | 'ProductV2Update' | 'ProductInventoryUpdate';

export interface Batch {
  batchRequestId: string;
  sellerId: string;
  type: BatchType;
  requestItems: Array<Record<string, unknown>>;
  items: BatchItemResult[];
  status: 'IN_PROGRESS' | 'COMPLETED';
  creationDate: number;
  lastModification: number;
  /** When the batch will be processed. */
  readyAt: number;
}

export interface Address {
  id: number;
  firstName: string;
  lastName: string;
  company: string;
  address1: string;
  address2: string;
  city: string;
  cityCode: number;
  district: string;
  districtId: number;
  postalCode: string;
  countryCode: string;
  phone: string | null;
  fullName: string;
  fullAddress: string;
  taxNumber?: string;
  taxOffice?: string;
}

export interface OrderLine {
  id: number;
  barcode: string;
  merchantSku: string;
  sku: string;
  productName: string;
  productCode: number;
  productColor: string | null;
  productSize: string | null;
  quantity: number;
  /** Unit list price. */
  amount: number;
  /** Discount on the whole line. */
  discount: number;
  /** Unit price the buyer pays. */
  price: number;
  vatBaseAmount: number;
  currencyCode: string;
  orderLineItemStatusName: string;
}

export interface ShipmentPackage {
  id: number;
  sellerId: string;
  orderNumber: string;
  orderDate: number;
  status: PackageStatus;
  lastModifiedDate: number;
  customerId: number;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string;
  tcIdentityNumber: string;
  shipmentAddress: Address;
  invoiceAddress: Address;
  lines: OrderLine[];
  cargoProviderName: string;
  cargoTrackingNumber: string | null;
  cargoTrackingLink: string | null;
  invoiceNumber: string | null;
  packageHistories: Array<{ createdDate: number; status: PackageStatus }>;
  currencyCode: string;
  cargoDeci: number;
}

export type ClaimStatus = 'Created' | 'WaitingInAction' | 'Accepted' | 'Rejected' | 'Cancelled' | 'Unresolved';

export interface Claim {
  id: string;
  sellerId: string;
  orderNumber: string;
  orderShipmentPackageId: number;
  orderDate: number;
  claimDate: number;
  lastModifiedDate: number;
  customerFirstName: string;
  customerLastName: string;
  cargoTrackingNumber: string | null;
  cargoProviderName: string;
  items: Array<{
    orderLine: OrderLine;
    claimItems: Array<{
      id: string;
      orderLineItemId: number;
      customerClaimItemReason: { id: number; name: string; code: string };
      claimItemStatus: { name: ClaimStatus };
      note: string;
      resolved: boolean;
    }>;
  }>;
}

export interface Webhook {
  id: string;
  sellerId: string;
  url: string;
  username: string | null;
  password: string | null;
  apiKey: string | null;
  authenticationType: 'BASIC_AUTHENTICATION' | 'API_KEY';
  subscribedStatuses: string[] | null;
  status: 'ACTIVE' | 'PASSIVE';
  createdDate: number;
  lastModifiedDate: number | null;
}

export interface WebhookDelivery {
  webhookId: string;
  packageId: number;
  status: PackageStatus;
  attempt: number;
  responseStatus: number | null;
  error: string | null;
  at: number;
}
