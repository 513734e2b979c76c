import type { Knex } from 'knex';
import { createOrder, type CreateOrderInput, type OcContext } from '../../db/opencart';
import { fromUnits, toUnits } from '../../db/opencart/money';
import { rawRows } from '../../db/raw';
import type { MarketplaceCode } from '../../marketplaces/types';
import { AddressResolver, clip } from './address';
import { computeTotals, lineKey, shippingOf, taxTitleOf, totalRows, type DesiredLine } from './build';
import { variantKeyOf } from './match';
import type { Conversion } from './money';
import { labelOf, type OrderSettings } from './settings';
import { insertLines, setPackages, updateGroup, type GroupRow, type LineRow, type OrderHeader, type PackageRow } from './store';

/**
 * Creates the OpenCart order of a marketplace order through the data layer (createOrder: status 0, no
 * stock yet — the status change that follows takes it). Crash-safe by construction: the package row
 * that claims the creation gets its token (`mco-claim-<id>`, the claim id) written BEFORE createOrder is
 * called, so a retry after a crash finds the token and createOrder returns the same order instead of a
 * second one.
 */

export interface AccountRef {
  id: number;
  code: MarketplaceCode;
  name: string;
  /** The account's status-out flow: required, so no import path can acknowledge orders without saying (status-out/ack.ts). */
  statusOut: boolean;
}

export function methodsOf(account: AccountRef, settings: OrderSettings, carrier: string | undefined): Pick<CreateOrderInput, 'paymentMethod' | 'shippingMethod'> {
  const label = labelOf(account.code);
  return {
    paymentMethod: { title: settings.paymentMethodTitle ?? label, code: settings.paymentMethodCode ?? `meschain_${account.code}` },
    shippingMethod: {
      title: settings.shippingMethodTitle ?? clip(carrier ? `${label} - ${carrier}` : label, 128),
      code: settings.shippingMethodCode ?? `meschain_${account.code}.${account.code}`,
    },
  };
}

export function orderComment(account: AccountRef, header: OrderHeader, packageIds: readonly string[]): string {
  const label = labelOf(account.code);
  return `${label} sipariş no / order no: ${header.orderId}; paket / package: ${packageIds.join(', ')}`;
}

export async function buildCreateInput(
  ctx: OcContext,
  account: AccountRef,
  settings: OrderSettings,
  header: OrderHeader,
  live: readonly PackageRow[],
  desired: readonly DesiredLine[],
  conv: Conversion,
  token: string,
): Promise<CreateOrderInput> {
  const resolver = AddressResolver.of(ctx);
  const carrier = live.map((p) => p.stored.package.carrier).find((c) => !!c);
  const methods = methodsOf(account, settings, carrier);
  const shipping = shippingOf(conv, header.totals.shipping);
  const totals = computeTotals(desired, shipping);
  const shippingAddress = await resolver.toOpencart(header.shippingAddress);
  const billing = header.billingAddress ?? header.shippingAddress;
  return {
    token,
    customer: {
      customerId: 0,
      ...(settings.customerGroupId ? { customerGroupId: settings.customerGroupId } : {}),
      firstname: clip(header.customer.firstName, 32),
      lastname: clip(header.customer.lastName, 32),
      email: clip(header.customer.email ?? header.shippingAddress.email ?? '', 96),
      telephone: clip(header.customer.phone ?? header.shippingAddress.phone ?? '', 32),
    },
    paymentAddress: await resolver.toOpencart(billing),
    shippingAddress,
    ...methods,
    comment: orderComment(account, header, live.map((p) => p.remotePackageId)),
    products: desired.map((d) => ({
      productId: d.productId,
      quantity: d.quantity,
      price: fromUnits(d.unitPrice),
      tax: fromUnits(d.unitTax),
      options: d.options.map((o) => ({ productOptionId: o.productOptionId, productOptionValueId: o.productOptionValueId })),
    })),
    totals: totalRows(totals, methods.shippingMethod?.title ?? labelOf(account.code)),
    currencyCode: conv.code,
    currencyValue: conv.rate,
  };
}

/** The claim token of this order number's creation: an interrupted one first, else a new one on `claim`. */
export async function claimCreation(knex: Knex, packages: readonly PackageRow[], claim: PackageRow): Promise<string> {
  const inFlight = packages.find((p) => p.claimToken);
  if (inFlight?.claimToken) return inFlight.claimToken;
  const token = `mco-claim-${claim.id}`;
  await setPackages(knex, [claim.id], { state: 'writing', claim_token: token });
  return token;
}

/**
 * Runs createOrder and records the order's lines as they were actually written (a replayed token returns
 * the order an earlier attempt planned, which may differ from `desired`; the adjustment that follows
 * brings it in line).
 */
export async function createStoreOrder(
  ctx: OcContext,
  account: AccountRef,
  settings: OrderSettings,
  group: GroupRow,
  packages: readonly PackageRow[],
  live: readonly PackageRow[],
  desired: readonly DesiredLine[],
  conv: Conversion,
  header: OrderHeader,
): Promise<number> {
  const token = await claimCreation(ctx.knex, packages, live[0]!);
  const input = await buildCreateInput(ctx, account, settings, header, live, desired, conv, token);
  const { orderId } = await createOrder(ctx, input);
  const lines = await writtenLines(ctx, orderId, group.id, desired, settings);
  await ctx.knex.transaction(async (trx) => {
    // The group row first: the lines' foreign key would take a shared lock on it, and upgrading that
    // later deadlocks with another delivery's lease UPDATE queued in between.
    await trx('meschain_order_groups').where({ id: group.id }).update({ oc_order_id: orderId, state: 'imported', updated_at: trx.raw('UTC_TIMESTAMP(3)') });
    await insertLines(trx, lines);
  });
  return orderId;
}

async function writtenLines(ctx: OcContext, orderId: number, groupId: number, desired: readonly DesiredLine[], settings: OrderSettings): Promise<Array<Omit<LineRow, 'id'>>> {
  const t = ctx.table.bind(ctx);
  const products = await rawRows<{ order_product_id: number; product_id: number; quantity: number; price: string; tax: string }>(
    ctx.knex,
    `SELECT order_product_id, product_id, quantity, price, tax FROM \`${t('order_product')}\` WHERE order_id = ? ORDER BY order_product_id`,
    [orderId],
  );
  const options = await rawRows<{ order_product_id: number; product_option_id: number; product_option_value_id: number }>(
    ctx.knex,
    `SELECT order_product_id, product_option_id, product_option_value_id FROM \`${t('order_option')}\` WHERE order_id = ? AND product_option_value_id > 0 ORDER BY order_option_id`,
    [orderId],
  );
  const byKey = new Map(desired.map((d) => [lineKey(d.productId, d.variantKey), d]));
  return products.map((p) => {
    const opts = options.filter((o) => o.order_product_id === p.order_product_id).map((o) => ({ productOptionId: o.product_option_id, productOptionValueId: o.product_option_value_id }));
    const variantKey = variantKeyOf(opts.map((o) => o.productOptionValueId));
    const d = byKey.get(lineKey(p.product_id, variantKey));
    const price = toUnits(p.price);
    const tax = toUnits(p.tax);
    const rate = d?.taxRate ?? (price > 0n ? Math.round(Number((tax * 1_000_000n) / price) / 100) / 100 : 0);
    return {
      groupId,
      ocOrderId: orderId,
      ocOrderProductId: p.order_product_id,
      productId: p.product_id,
      variantKey,
      options: opts,
      barcode: d?.barcode ?? null,
      sku: d?.sku ?? null,
      quantityOrdered: p.quantity,
      quantity: p.quantity,
      unitPrice: fromUnits(price),
      unitTax: fromUnits(tax),
      taxRate: String(rate),
      taxTitle: d?.taxTitle ?? taxTitleOf(settings, rate),
    };
  });
}

export { updateGroup };
