import { createHash } from 'node:crypto';
import { z } from 'zod';
import { addOrderHistory } from '../../db/opencart';
import { loadOrderSettings, shippedStatusOf } from '../orders/settings';
import { groupsByOcOrder, packagesOf } from '../orders/store';
import { addShipments, shipmentsOfOrder, type ShipmentRow } from './shipments';
import { shippablePackages, type StatusOutEnv } from './status-out';
import { trackingComment } from './tracking';

/**
 * POST /api/orders/:id/ship — the explicit way to give a marketplace order its tracking number (the
 * other is the history comment, tracking.ts). Records a shipment per live package, then writes the
 * shipped status into OpenCart with the number in the comment (so the store sees it, and OpenCart's own
 * stock rule applies as for any status change); that row is the sidecar's own, so status out does not
 * read it a second time. Sending happens in the status-out job (retries with backoff).
 */

export const shipInputSchema = z.strictObject({
  trackingNumber: z
    .string({ error: 'is required' })
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/, 'must be 3-40 letters, digits or -'),
  carrier: z.string().trim().min(1).max(64).optional(),
});
export type ShipInput = z.input<typeof shipInputSchema>;

export class ShipError extends Error {
  override name = 'ShipError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function shipOrder(env: StatusOutEnv, ocOrderId: number, input: ShipInput): Promise<{ ocOrderId: number; shipments: ShipmentRow[] }> {
  const { ctx } = env;
  const [group] = await groupsByOcOrder(ctx.knex, [ocOrderId]);
  if (!group) throw new ShipError(404, 'not_found', `OpenCart order ${ocOrderId} is not a marketplace order / ${ocOrderId} bir pazaryeri siparişi değil`);
  const settings = await loadOrderSettings(ctx.knex, group.marketplaceId);
  const shipped = shippedStatusOf(settings);
  if (shipped === null) throw new ShipError(409, 'no_shipped_status', 'the account has no shipped status configured (order settings statusMap.shipped)');
  const packages = shippablePackages(await packagesOf(ctx.knex, group.marketplaceId, group.remoteOrderId));
  const existing = await shipmentsOfOrder(ctx.knex, ocOrderId);
  if (packages.length === 0 && existing.length === 0) {
    throw new ShipError(409, 'nothing_to_ship', `order ${ocOrderId} has no package left to ship (cancelled, or already shipped at the marketplace) / gönderilecek paket yok`);
  }
  await addShipments(ctx.knex, { groupId: group.id, ocOrderId, packageIds: packages.map((p) => p.remotePackageId), trackingNumber: input.trackingNumber, ...(input.carrier ? { carrier: input.carrier } : {}), source: 'api' });
  const digest = createHash('sha1').update(`${input.trackingNumber}|${input.carrier ?? ''}`).digest('hex').slice(0, 16);
  await addOrderHistory(ctx, ocOrderId, shipped, {
    comment: trackingComment({ trackingNumber: input.trackingNumber, ...(input.carrier ? { carrier: input.carrier } : {}) }),
    token: `mco-ship-${group.id}-${digest}`,
  });
  return { ocOrderId, shipments: await shipmentsOfOrder(ctx.knex, ocOrderId) };
}
