import type { Knex } from 'knex';
import { z } from 'zod';
import type { MarketplaceCode, OrderStatus } from '../../marketplaces/types';

/**
 * Per-account settings of the order flows (table meschain_order_settings), with defaults that work on a
 * stock OpenCart 3 install. Status ids are oc_order_status ids; null means "no status change".
 */

export const ORDER_SETTINGS = 'meschain_order_settings';

const statusId = z.number().int().min(1, 'must be an oc_order_status id').nullable();

/** Normalised marketplace status → OpenCart order_status_id (defaults follow OpenCart's own labels). */
export const DEFAULT_STATUS_MAP: Record<Exclude<OrderStatus, 'awaiting_payment'>, number | null> = {
  created: 2, // Processing (in config_processing_status: the import takes stock)
  processing: 2,
  ready_to_ship: 2,
  shipped: 3, // Shipped
  delivered: 5, // Complete
  undelivered: null,
  cancelled: 7, // Canceled (not a stock-holding status: restocks)
  returned: 11, // Refunded (not stock-holding: restocks)
  unknown: null,
};

/**
 * Tracking number in an order-history comment (OpenCart has no tracking column). Matches, case-insensitive,
 * "Tracking: ABC123", "Tracking number ABC123", "Takip no: ABC123", "Kargo takip numarası: ABC123",
 * "Gönderi kodu 7300123", "tracking#AB12"; group `tracking` is the number: 4-40 letters, digits or '-',
 * with at least one digit (so a following word is never taken for it).
 */
export const DEFAULT_TRACKING_PATTERN =
  '(?:tracking|takip|g[öo]nderi)(?:\\s*(?:no\\.?|number|numaras[ıi]|kodu|code|#))?\\s*[:#=]?\\s*(?<tracking>(?=[A-Za-z-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,39})';
/** Optional carrier in the same comment: "Carrier: Yurtiçi Kargo", "Kargo firması: Aras" (up to the line end or a comma). */
export const DEFAULT_CARRIER_PATTERN = '(?:carrier|kargo firmas[ıi]|ta[şs][ıi]y[ıi]c[ıi])\\s*[:=-]\\s*(?<carrier>[^,;\\n]{2,60})';

const regexText = z.string().refine((v) => {
  try {
    new RegExp(v, 'iu');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const orderSettingsSchema = z.strictObject({
  /** Normalised status → OpenCart status id (null: leave the status as it is). */
  statusMap: z.record(z.string(), statusId).default({}),
  /** Marketplace's own status name (e.g. Trendyol "Picking") → status id; wins over statusMap. */
  rawStatusMap: z.record(z.string(), statusId).default({}),
  /** Adding history with this status (and a tracking number) sends the shipment. Default: statusMap.shipped. */
  shippedStatusId: z.number().int().min(1).optional(),
  /**
   * When the store gives an imported order the cancelled status (statusMap.cancelled), its packages not
   * yet shipped are cancelled on the marketplace with this reason. null: leave the marketplace alone.
   */
  storeCancelReason: z.enum(['out_of_stock', 'customer_request', 'pricing_error', 'other']).nullable().default('out_of_stock'),
  /**
   * Acknowledge each package on the marketplace once it is part of an imported OpenCart order (Trendyol:
   * status "Picking"; needs the status-out flow). Off by default: on Trendyol it takes away the buyer's
   * own cancel button, a business decision for the store owner. Where the marketplace has no such step:
   * nothing happens.
   */
  acknowledgeOnImport: z.boolean().default(false),
  paymentMethodTitle: z.string().min(1).max(128).optional(),
  paymentMethodCode: z.string().min(1).max(128).optional(),
  shippingMethodTitle: z.string().min(1).max(128).optional(),
  shippingMethodCode: z.string().min(1).max(128).optional(),
  trackingPattern: regexText.default(DEFAULT_TRACKING_PATTERN),
  carrierPattern: regexText.default(DEFAULT_CARRIER_PATTERN),
  /** Title of a tax total line; {rate} is replaced by the percent. */
  taxTitle: z.string().min(1).max(64).default('KDV (%{rate})'),
  customerGroupId: z.number().int().min(1).optional(),
  /** Orders in by polling, every this many seconds. */
  pollIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  /** Silence (seconds) beyond which a flow raises a heartbeat alert; per flow name. */
  heartbeatSeconds: z.record(z.string(), z.number().int().min(10)).default({}),
});

export type OrderSettingsInput = z.input<typeof orderSettingsSchema>;
export type OrderSettings = z.output<typeof orderSettingsSchema>;

export const MARKETPLACE_LABELS: Record<MarketplaceCode, string> = {
  trendyol: 'Trendyol',
  hepsiburada: 'Hepsiburada',
  n11: 'N11',
  ebay: 'eBay',
  amazon: 'Amazon',
  ozon: 'Ozon',
};

export function labelOf(code: string): string {
  return (MARKETPLACE_LABELS as Record<string, string>)[code] ?? code;
}

export class OrderSettingsError extends Error {
  override name = 'OrderSettingsError';
}

export function parseOrderSettings(value: unknown): OrderSettings {
  const result = orderSettingsSchema.safeParse(value ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
    throw new OrderSettingsError(`invalid order settings: ${issues.join('; ')}`);
  }
  return result.data;
}

export async function loadOrderSettings(knex: Knex, accountId: number): Promise<OrderSettings> {
  const row = (await knex(ORDER_SETTINGS).first('settings').where('marketplace_id', accountId)) as { settings: string | object } | undefined;
  if (!row) return parseOrderSettings({});
  return parseOrderSettings(typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings);
}

/** Validates (statuses must exist in oc_order_status) and stores the account's settings whole. */
export async function saveOrderSettings(knex: Knex, statusTable: string, accountId: number, input: unknown): Promise<OrderSettings> {
  const settings = parseOrderSettings(input);
  const ids = new Set<number>();
  for (const v of [...Object.values(settings.statusMap), ...Object.values(settings.rawStatusMap), settings.shippedStatusId]) if (typeof v === 'number') ids.add(v);
  if (ids.size) {
    const found = new Set(((await knex(statusTable).distinct('order_status_id').whereIn('order_status_id', [...ids])) as Array<{ order_status_id: number }>).map((r) => r.order_status_id));
    const missing = [...ids].filter((id) => !found.has(id));
    if (missing.length) throw new OrderSettingsError(`invalid order settings: order status ${missing.join(', ')} does not exist in ${statusTable}`);
  }
  const json = JSON.stringify(settings);
  await knex.raw(
    'INSERT INTO meschain_order_settings (marketplace_id, settings) VALUES (?, ?) ON DUPLICATE KEY UPDATE settings = VALUES(settings), updated_at = UTC_TIMESTAMP(3)',
    [accountId, json],
  );
  return settings;
}

/** The OpenCart status for a marketplace status: raw map, then normalised map, then the defaults. */
export function mapStatus(settings: OrderSettings, status: OrderStatus, rawStatus?: string): number | null {
  if (rawStatus !== undefined && Object.prototype.hasOwnProperty.call(settings.rawStatusMap, rawStatus)) return settings.rawStatusMap[rawStatus] ?? null;
  if (Object.prototype.hasOwnProperty.call(settings.statusMap, status)) return settings.statusMap[status] ?? null;
  if (status === 'awaiting_payment') return null;
  return DEFAULT_STATUS_MAP[status];
}

export function shippedStatusOf(settings: OrderSettings): number | null {
  return settings.shippedStatusId ?? mapStatus(settings, 'shipped');
}

export function cancelledStatusOf(settings: OrderSettings): number | null {
  return mapStatus(settings, 'cancelled');
}
