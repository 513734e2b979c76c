import { decodeOcText } from '../../db/opencart';
import type { OrderSettings } from '../orders/settings';

/**
 * Where the tracking number comes from. OpenCart 3 has no tracking-number column (oc_order.tracking is
 * the affiliate tracking code), so there are two documented ways in:
 *  1. the order-history COMMENT the store writes when it sets the shipped status, matched with the
 *     account's `trackingPattern` (default DEFAULT_TRACKING_PATTERN: "Tracking: ABC123",
 *     "Takip no: ABC123", "Kargo takip numarası ABC123", …) and optionally `carrierPattern`
 *     ("Carrier: Yurtiçi Kargo", "Kargo firması: Aras");
 *  2. POST /api/orders/:id/ship { trackingNumber, carrier } — which also writes the shipped history row
 *     (with the number in its comment) so the store sees it.
 * Comments are stored HTML-entity-encoded; they are decoded before matching.
 */

export interface ParsedTracking {
  trackingNumber: string;
  carrier?: string;
}

export function parseTracking(comment: string, settings: Pick<OrderSettings, 'trackingPattern' | 'carrierPattern'>): ParsedTracking | null {
  const text = decodeOcText(comment);
  const m = new RegExp(settings.trackingPattern, 'iu').exec(text);
  const trackingNumber = m?.groups?.tracking ?? m?.[1];
  if (!trackingNumber) return null;
  const c = new RegExp(settings.carrierPattern, 'iu').exec(text);
  const carrier = (c?.groups?.carrier ?? c?.[1])?.trim();
  return carrier ? { trackingNumber, carrier } : { trackingNumber };
}

/** The comment the sidecar writes with a shipped status (round-trips through parseTracking). */
export function trackingComment(t: ParsedTracking): string {
  return `Kargo takip no / Tracking: ${t.trackingNumber}${t.carrier ? `, Kargo firması / Carrier: ${t.carrier}` : ''}`;
}
