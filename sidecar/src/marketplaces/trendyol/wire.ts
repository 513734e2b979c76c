import { z } from 'zod';

/**
 * Trendyol's JSON as the adapter reads it, checked at the edge (client.ts, one schema per endpoint).
 * Lenient where the API evolves: unknown keys are dropped, fields the adapter does not read are not
 * declared, every optional field accepts null. Two levels of strictness:
 *
 *   - the envelope (content lists, page counts, batch status) and what keys or orders a cursor (package
 *     id, order number, last-modified time; claim id and order number): a wrong type refuses the whole
 *     answer, a protocol error naming the path — nothing of it is used.
 *   - any other field of one package, line, claim or product (`soft`): a wrong type reads as absent.
 *     One odd record is then refused on its own further on (the order check holds that order with a
 *     reason naming the field; reconciliation leaves an unknown price alone) instead of stalling a page.
 */

/** A per-record field: missing, null or of the wrong type all read as absent. */
const soft = <T extends z.ZodType>(t: T) => t.nullish().catch(undefined);

const idValue = z.union([z.number(), z.string()]);
/** An id that keys something: a number or non-empty text. */
const key = z.union([z.number(), z.string().min(1)]);
const count = z.number().int().nonnegative();
/** Text, or a number written as text (postal codes, barcodes and phones arrive either way). */
const text = soft(z.union([z.string(), z.number().transform(String)]));
const num = soft(z.number());
/** Epoch ms a Date can hold (a larger number would throw when turned into a time). */
const epochMs = z.number().min(0).max(8.64e15);
const time = soft(epochMs);
const flag = soft(z.boolean());
const softId = soft(idValue);

// Orders (shipment packages) ------------------------------------------------------------------------

const address = z.object({
  firstName: text,
  lastName: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  district: text,
  postalCode: text,
  countryCode: text,
  phone: text,
  taxNumber: text,
  taxOffice: text,
});

// A line that is not even an object reads as an empty one: the order check refuses it (no line id).
const line = z
  .object({
    id: softId,
    barcode: text,
    merchantSku: text,
    sku: text,
    productName: text,
    productCode: softId,
    productColor: text,
    productSize: text,
    quantity: num,
    amount: num,
    discount: num,
    price: num,
    vatBaseAmount: num,
    currencyCode: text,
    orderLineItemStatusName: text,
  })
  .catch({});

export const tyPackage = z
  .object({
    id: key.nullish(),
    shipmentPackageId: key.nullish(),
    orderNumber: key,
    // Orders the package list and keys the order cursor.
    lastModifiedDate: epochMs,
    orderDate: time,
    status: text,
    shipmentPackageStatus: text,
    customerId: softId,
    customerFirstName: text,
    customerLastName: text,
    customerEmail: text,
    grossAmount: num,
    totalDiscount: num,
    totalPrice: num,
    currencyCode: text,
    cargoProviderName: text,
    cargoTrackingNumber: softId,
    cargoTrackingLink: text,
    shipmentAddress: soft(address),
    invoiceAddress: soft(address),
    // A list that is not a list is not one odd field but another shape: read as none, the package
    // could be imported empty (or an imported order lose its lines), so the answer is refused.
    lines: z.array(line).nullish(),
    packageHistories: soft(z.array(z.object({ createdDate: time, status: text }).catch({}))),
  })
  .refine((p) => p.id != null || p.shipmentPackageId != null, { message: 'a package has neither id nor shipmentPackageId', path: ['id'] });

const page = {
  totalElements: count.nullish(),
  totalPages: count.nullish(),
  page: count.nullish(),
  size: count.nullish(),
};

export const tyPackagePage = z.object({ ...page, content: z.array(tyPackage) });

export type TyAddress = z.infer<typeof address>;
export type TyLine = z.infer<typeof line>;
export type TyPackage = z.infer<typeof tyPackage>;
export type TyPage<T> = { totalElements?: number | null; totalPages?: number | null; page?: number | null; size?: number | null; content: T[]; nextPageToken?: string | null };
export type TyPackagePage = z.infer<typeof tyPackagePage>;

// Returns (claims) ----------------------------------------------------------------------------------

const claimItem = z
  .object({
    id: text,
    orderLineItemId: softId,
    customerClaimItemReason: soft(z.object({ name: text })),
    claimItemStatus: soft(z.object({ name: text })),
  })
  .catch({});

export const tyClaim = z.object({
  id: key,
  orderNumber: key,
  orderShipmentPackageId: softId,
  claimDate: time,
  lastModifiedDate: time,
  items: soft(z.array(z.object({ orderLine: soft(line), claimItems: soft(z.array(claimItem)) }).catch({}))),
});

export const tyClaimPage = z.object({ ...page, content: z.array(tyClaim) });

export type TyClaim = z.infer<typeof tyClaim>;
export type TyClaimPage = z.infer<typeof tyClaimPage>;

// Products and batches ------------------------------------------------------------------------------

export const tyProduct = z.object({
  id: text,
  approved: flag,
  archived: flag,
  rejected: flag,
  blacklisted: flag,
  onSale: flag,
  barcode: text,
  stockCode: text,
  productMainId: text,
  title: text,
  // Compared with what was pushed: a value that cannot be stock or a price is unknown, not a drift.
  quantity: soft(count),
  salePrice: soft(z.number().nonnegative()),
  listPrice: soft(z.number().nonnegative()),
  lastUpdateDate: time,
  rejectReasonDetails: soft(z.array(z.object({ rejectReason: text, rejectReasonDetail: text }).catch({}))),
});

export const tyProductPage = z.object({ ...page, content: z.array(tyProduct), nextPageToken: z.string().nullish() });

export type TyProduct = z.infer<typeof tyProduct>;
export type TyProductPage = z.infer<typeof tyProductPage>;

/** The answer to a create, update or stock/price request. */
export const tyBatchAccepted = z.object({ batchRequestId: z.string().min(1) });

// A reason that is not text still says the item failed; it is shown as Trendyol sent it.
const reasons = z.array(z.unknown()).transform((rs) => rs.map((r) => (typeof r === 'string' ? r : `unreadable failure reason ${JSON.stringify(r)?.slice(0, 200) ?? String(r)}`)));

const batchItem = z
  .object({
    requestItem: soft(z.object({ barcode: text, product: soft(z.object({ barcode: text })) })),
    status: text,
    failureReasons: soft(reasons),
  })
  .catch({});

export const tyBatchResult = z.object({
  batchRequestId: z.string().nullish(),
  status: z.string().nullish(),
  itemCount: count.nullish(),
  failedItemCount: count.nullish(),
  items: z.array(batchItem).nullish(),
});

export type TyBatchItem = z.infer<typeof batchItem>;
export type TyBatchResult = z.infer<typeof tyBatchResult>;

// Catalogue data: no cursor and nothing per item to hold, so any field of the wrong type refuses it --------

export interface TyCategory {
  id: number | string;
  name: string;
  parentId?: number | string | null;
  subCategories?: TyCategory[] | null;
}

const tyCategory: z.ZodType<TyCategory> = z.lazy(() => z.object({ id: key, name: z.string(), parentId: idValue.nullish(), subCategories: z.array(tyCategory).nullish() }));

export const tyCategoryTree = z.object({ categories: z.array(tyCategory).nullish() });
export type TyCategoryTree = z.infer<typeof tyCategoryTree>;

const named = z.object({ id: idValue.nullish(), name: z.string().nullish() });

export const tyCategoryAttributes = z.object({
  id: idValue.nullish(),
  name: z.string().nullish(),
  categoryAttributes: z
    .array(
      z.object({
        attribute: named.nullish(),
        required: z.boolean().nullish(),
        allowCustom: z.boolean().nullish(),
        varianter: z.boolean().nullish(),
        slicer: z.boolean().nullish(),
        attributeValues: z.array(named).nullish(),
      }),
    )
    .nullish(),
});
export type TyCategoryAttributes = z.infer<typeof tyCategoryAttributes>;

export const tyBrand = z.object({ id: key, name: z.string() });
export const tyBrandPage = z.object({ brands: z.array(tyBrand).nullish() });
export type TyBrand = z.infer<typeof tyBrand>;

// Webhooks ------------------------------------------------------------------------------------------

export const tyWebhookCreated = z.object({ id: key });

export const tyWebhook = z.object({
  id: idValue.nullish(),
  url: z.string().nullish(),
  authenticationType: z.string().nullish(),
  status: z.string().nullish(),
  subscribedStatuses: z.array(z.string()).nullish(),
});
export type TyWebhook = z.infer<typeof tyWebhook>;

/** Answers the adapter does not read (status updates, deletions). */
export const tyIgnored = z.unknown();
