import type { EngineDeps } from './deps';
import { listingsByIds } from './listings';
import { replanListings } from './push';
import { bulkUpdateListings } from './sql';

/** Up to this many listings are read back one by one; more start a reconciliation run (paged reads). */
const VERIFY_ONE_BY_ONE = 50;

/**
 * After a request was refused as a repeat: read what the marketplace really shows for these listings,
 * take it as the last confirmed values, and push whatever still differs.
 */
export async function verifyStockPrice(deps: EngineDeps, accountId: number, listingIds: number[], startReconcile: (accountId: number) => Promise<unknown>): Promise<void> {
  const account = await deps.accounts.require(accountId);
  const listings = (await listingsByIds(deps.knex, listingIds)).filter((l) => l.state === 'active' && l.pendingBatchId === null);
  if (listings.length === 0) return;
  if (listings.length > VERIFY_ONE_BY_ONE) {
    await startReconcile(accountId);
    return;
  }
  const adapter = await deps.adapters.get(accountId);
  const withBarcode = listings.filter((l) => l.barcode);
  const remote = await adapter.fetchListings({ barcodes: withBarcode.map((l) => l.barcode!), size: withBarcode.length });
  const byBarcode = new Map(remote.items.filter((r) => r.barcode).map((r) => [r.barcode!, r]));
  const seen = withBarcode.filter((l) => byBarcode.has(l.barcode!));
  await bulkUpdateListings(
    deps.knex,
    seen.map((l) => {
      const r = byBarcode.get(l.barcode!)!;
      return { id: l.id, rq: r.quantity ?? null, rp: r.price ?? null, rlp: r.listPrice ?? null };
    }),
    {
      extra: ['rq', 'rp', 'rlp'],
      fixed: [
        'l.remote_quantity = v.rq',
        'l.remote_price = v.rp',
        'l.remote_checked_at = UTC_TIMESTAMP(3)',
        'l.last_pushed_quantity = COALESCE(v.rq, l.last_pushed_quantity)',
        'l.last_pushed_price = COALESCE(v.rp, l.last_pushed_price)',
        'l.last_pushed_list_price = COALESCE(v.rlp, l.last_pushed_list_price)',
        'l.last_pushed_at = UTC_TIMESTAMP(3)',
        'l.last_error = NULL',
      ],
    },
  );
  await replanListings(deps, accountId, listings.map((l) => l.id));
}
