/** Trendyol's JSON as the adapter reads it. Only the fields used; everything optional because the API evolves. */

export interface TyAddress {
  firstName?: string;
  lastName?: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  district?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string | null;
  taxNumber?: string;
  taxOffice?: string;
}

export interface TyLine {
  id?: number | string;
  barcode?: string;
  merchantSku?: string;
  sku?: string;
  productName?: string;
  productCode?: number | string;
  productColor?: string | null;
  productSize?: string | null;
  quantity?: number;
  amount?: number | null;
  discount?: number | null;
  price?: number | null;
  vatBaseAmount?: number | null;
  currencyCode?: string;
  orderLineItemStatusName?: string;
}

export interface TyPackage {
  id?: number | string;
  shipmentPackageId?: number | string;
  orderNumber?: string | number;
  orderDate?: number;
  status?: string;
  shipmentPackageStatus?: string;
  lastModifiedDate?: number;
  customerId?: number | string;
  customerFirstName?: string;
  customerLastName?: string;
  customerEmail?: string;
  grossAmount?: number;
  totalDiscount?: number;
  totalPrice?: number;
  currencyCode?: string;
  cargoProviderName?: string;
  cargoTrackingNumber?: string | number | null;
  cargoTrackingLink?: string | null;
  shipmentAddress?: TyAddress;
  invoiceAddress?: TyAddress;
  lines?: TyLine[];
  packageHistories?: Array<{ createdDate?: number; status?: string }>;
}

export interface TyPage<T> {
  totalElements?: number;
  totalPages?: number;
  page?: number;
  size?: number;
  content?: T[];
  nextPageToken?: string | null;
}

export type TyPackagePage = TyPage<TyPackage>;

export interface TyProduct {
  id?: string;
  approved?: boolean;
  archived?: boolean;
  rejected?: boolean;
  blacklisted?: boolean;
  onSale?: boolean;
  barcode?: string;
  stockCode?: string;
  productMainId?: string;
  title?: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
  lastUpdateDate?: number;
  rejectReasonDetails?: Array<{ rejectReason?: string; rejectReasonDetail?: string }>;
}

export type TyProductPage = TyPage<TyProduct>;

export interface TyBatchItem {
  requestItem?: { barcode?: string; product?: { barcode?: string } } & Record<string, unknown>;
  status?: string;
  failureReasons?: string[];
}

export interface TyBatchResult {
  batchRequestId?: string;
  status?: string;
  itemCount?: number;
  failedItemCount?: number;
  items?: TyBatchItem[];
}

export interface TyCategory {
  id: number;
  name: string;
  parentId?: number | null;
  subCategories?: TyCategory[];
}

export interface TyCategoryTree {
  categories?: TyCategory[];
}

export interface TyCategoryAttributes {
  id?: number;
  name?: string;
  categoryAttributes?: Array<{
    attribute?: { id?: number; name?: string };
    required?: boolean;
    allowCustom?: boolean;
    varianter?: boolean;
    slicer?: boolean;
    attributeValues?: Array<{ id?: number; name?: string }>;
  }>;
}

export interface TyClaim {
  id?: string;
  orderNumber?: string | number;
  orderShipmentPackageId?: number | string;
  claimDate?: number;
  lastModifiedDate?: number;
  items?: Array<{
    orderLine?: TyLine;
    claimItems?: Array<{
      id?: string;
      orderLineItemId?: number | string;
      customerClaimItemReason?: { name?: string };
      claimItemStatus?: { name?: string };
    }>;
  }>;
}

export type TyClaimPage = TyPage<TyClaim>;

export interface TyWebhook {
  id?: string;
  url?: string;
  authenticationType?: string;
  status?: string;
  subscribedStatuses?: string[] | null;
}
