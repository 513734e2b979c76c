import { z } from 'zod';
import { MoneyFormatError, normalizeAmount } from './money';

/**
 * What createOrder / addOrderHistory accept, validated at the edge. Text is plain (the layer
 * entity-encodes it as OpenCart's request filter would); money is a decimal string or number in the
 * shop's DEFAULT currency (convert marketplace amounts first); lengths are checked after encoding against
 * the oc_* column sizes, so an error names the field instead of MariaDB's strict mode failing mid-write.
 */

const amount = z.union([z.string(), z.number()]).transform((v, c) => {
  try {
    return normalizeAmount(v);
  } catch (err) {
    c.addIssue({ code: 'custom', message: err instanceof MoneyFormatError ? err.message : 'is not a decimal amount' });
    return z.NEVER;
  }
});

const id = z.number().int('must be a whole number').min(0, 'must be 0 or more');
const positiveId = z.number().int('must be a whole number').min(1, 'must be 1 or more');
const customField = z.record(z.string(), z.unknown());

export const addressSchema = z.strictObject({
  firstname: z.string(),
  lastname: z.string(),
  company: z.string().default(''),
  address1: z.string(),
  address2: z.string().default(''),
  city: z.string(),
  postcode: z.string().default(''),
  countryId: id,
  zoneId: id.default(0),
  /** Names default to oc_country / oc_zone in the shop's data (what OpenCart's checkout stores). */
  country: z.string().optional(),
  zone: z.string().optional(),
  customField: customField.optional(),
});

const methodSchema = z.strictObject({ title: z.string(), code: z.string() });

const orderOptionSchema = z.strictObject({
  productOptionId: positiveId,
  /** 0 / omitted for text, textarea, file, date, time and datetime options. */
  productOptionValueId: id.default(0),
  /** Plain text; defaults: option name, and the value's name (or the product option's default value). */
  name: z.string().optional(),
  value: z.string().optional(),
  type: z.string().optional(),
});

const orderProductSchema = z.strictObject({
  productId: positiveId,
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  /** Unit price excluding tax, options/specials/discounts applied. */
  price: amount,
  /** Tax on ONE unit. */
  tax: amount.default('0.0000'),
  /** price × quantity; computed when omitted, must agree when given. */
  total: amount.optional(),
  reward: z.number().int().default(0),
  /** Plain text; default: the product's name / model in the order language as stored. */
  name: z.string().optional(),
  model: z.string().optional(),
  options: z.array(orderOptionSchema).default([]),
});

const orderTotalSchema = z.strictObject({
  code: z.string().min(1, 'is required').max(32, 'must be at most 32 characters'),
  title: z.string(),
  value: amount,
  sortOrder: z.number().int(),
});

const tokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _ . : -');

export const createOrderSchema = z.strictObject({
  /** Idempotency key: a repeated call with the same token returns the first call's order. */
  token: tokenSchema.optional(),
  customer: z.strictObject({
    customerId: id.default(0),
    customerGroupId: id.optional(),
    firstname: z.string(),
    lastname: z.string(),
    email: z.string(),
    telephone: z.string().default(''),
    fax: z.string().default(''),
    customField: customField.optional(),
  }),
  paymentAddress: addressSchema,
  /** null / omitted: nothing to ship (OpenCart then writes empty shipping fields). */
  shippingAddress: addressSchema.nullable().default(null),
  paymentMethod: methodSchema,
  shippingMethod: methodSchema.nullable().default(null),
  comment: z.string().default(''),
  products: z.array(orderProductSchema).min(1, 'must list at least one product'),
  /** Must contain exactly one 'total' line; oc_order.total is its value. */
  totals: z.array(orderTotalSchema).min(1, 'must list the order totals'),
  /** Display currency; amounts stay in the default currency. Default: the shop's default currency. */
  currencyCode: z.string().length(3, 'must be a 3-letter currency code').optional(),
  /** Rate at order time; default: oc_currency.value of currencyCode. */
  currencyValue: z.union([z.string(), z.number()]).optional(),
  languageId: positiveId.optional(),
  affiliateId: id.default(0),
  commission: amount.default('0.0000'),
  marketingId: id.default(0),
  tracking: z.string().default(''),
  ip: z.string().default(''),
  forwardedIp: z.string().default(''),
  acceptLanguage: z.string().default(''),
});

export type CreateOrderInput = z.input<typeof createOrderSchema>;
export type CreateOrderData = z.output<typeof createOrderSchema>;
export type AddressInput = z.input<typeof addressSchema>;

export const orderHistorySchema = z.strictObject({
  orderId: positiveId,
  orderStatusId: id,
  comment: z.string().default(''),
  notify: z.boolean().default(false),
  token: tokenSchema.optional(),
});

export type OrderHistoryData = z.output<typeof orderHistorySchema>;

export class OrderInputError extends Error {
  override name = 'OrderInputError';
  constructor(
    message: string,
    readonly issues: string[] = [message],
  ) {
    super(message);
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`);
}

export function parseWith<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = describe(result.error);
    throw new OrderInputError(`invalid ${what}: ${issues.join('; ')}`, issues);
  }
  return result.data;
}
