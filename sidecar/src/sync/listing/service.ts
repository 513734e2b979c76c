import { getProducts, listProducts, type OcProduct } from '../../db/opencart/products';
import { placeholders, rawRows } from '../../db/raw';
import { enqueueMany } from '../queue/enqueue';
import type { JobSpec } from '../queue/types';
import { JOB, PRIORITY, queueOf, type EngineDeps } from '../stock-price/deps';
import { groupIdOf, mappedCategory } from './build';

/**
 * Asking for products to be listed on an account: their variants are made (or found) in the variant
 * table, one listing row per variant is created, and a listing job is queued per listing that is not on
 * the marketplace yet or whose content may have changed. Without product ids: every enabled product of
 * the store in a mapped category (the category mapping is the assortment).
 */

export interface ListingRequestResult {
  products: number;
  listings: number;
  queued: number;
  /** product id → why it was not listed. */
  skipped: Array<{ productId: number; reason: string }>;
}

export function listingSpec(accountId: number, listingId: number, runAt?: Date): JobSpec {
  return { queue: queueOf(accountId), type: JOB.listingPush, payload: { listingId }, dedupeKey: `ls:${listingId}`, priority: PRIORITY.listing, maxAttempts: 12, ...(runAt ? { runAt } : {}) };
}

export async function requestListings(deps: EngineDeps, accountId: number, productIds: number[] | null, opts: { onProgress?: (done: number) => void } = {}): Promise<ListingRequestResult> {
  const account = await deps.accounts.require(accountId);
  const mappings = await deps.mappings.load(accountId);
  const result: ListingRequestResult = { products: 0, listings: 0, queued: 0, skipped: [] };
  const handle = async (products: OcProduct[], explicit: boolean) => {
    const eligible: OcProduct[] = [];
    for (const p of products) {
      if (!p.status || !p.inStore) {
        if (explicit) result.skipped.push({ productId: p.productId, reason: !p.status ? 'the product is disabled' : 'the product is not in this store' });
        continue;
      }
      if (!explicit && !mappedCategory(p, mappings)) continue;
      eligible.push(p);
    }
    result.products += eligible.length;
    if (eligible.length === 0) return;
    const ensured = await deps.variants.ensureForProducts(eligible);
    for (const [productId, reason] of ensured.errors) result.skipped.push({ productId, reason });
    const rows = eligible.flatMap((p) =>
      (ensured.variants.get(p.productId) ?? []).filter((v) => v.active).map((v) => [accountId, p.productId, v.variantKey, v.id, v.sku, v.barcode, groupIdOf(p, account.settings.sync)] as const),
    );
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await deps.knex.raw(
        `INSERT INTO meschain_listings (marketplace_id, product_id, variant_key, variant_id, sku, barcode, group_key) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(',')}
         ON DUPLICATE KEY UPDATE variant_id = VALUES(variant_id), sku = IF(state = 'active', sku, VALUES(sku)), barcode = IF(state = 'active', barcode, VALUES(barcode))`,
        chunk.flat(),
      );
    }
    const ids = eligible.map((p) => p.productId);
    const listings = await rawRows<{ id: number; state: string }>(
      deps.knex,
      `SELECT id, state FROM meschain_listings WHERE marketplace_id = ? AND product_id IN (${placeholders(ids.length)})`,
      [accountId, ...ids],
    );
    result.listings += listings.length;
    const specs = listings.filter((l) => l.state !== 'quarantined' && l.state !== 'submitted').map((l) => listingSpec(accountId, Number(l.id)));
    await enqueueMany(deps.knex, specs);
    result.queued += specs.length;
    opts.onProgress?.(result.products);
  };
  if (productIds) {
    for (let i = 0; i < productIds.length; i += 500) {
      const chunk = productIds.slice(i, i + 500);
      const found = await getProducts(deps.oc, chunk);
      for (const id of chunk) if (!found.has(id)) result.skipped.push({ productId: id, reason: 'no such product in OpenCart' });
      await handle([...found.values()], true);
    }
  } else {
    let afterId = 0;
    for (;;) {
      const page = await listProducts(deps.oc, { afterId, limit: 500 });
      await handle(page.items, false);
      if (page.nextAfterId === null) break;
      afterId = page.nextAfterId;
    }
  }
  deps.wake?.(queueOf(accountId));
  return result;
}
