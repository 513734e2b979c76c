import type { ChangePlanner } from '../pump/planner';
import type { JobSpec } from '../queue/types';
import { listingsOfProducts } from './listings';
import { planDifferences } from './plan';
import { JOB, PRIORITY, queueOf, type EngineDeps } from './deps';

/**
 * The pump's planner for marketplace listings: a changed product (stock UPDATE, option value, special,
 * status, a reservation, an order's stock move) → for each enabled account whose stock or price flow is
 * on, the desired values of each of the product's listings, compared with what the marketplace last
 * confirmed; a job only for a real difference, de-duplicated per account + listing. New products are
 * queued for listing on accounts that list new products automatically.
 */
export function createStockPricePlanner(deps: EngineDeps): ChangePlanner {
  return {
    async plan(changes, { trx }) {
      const productIds = changes.flatMap((c) => (c.kind === 'product' ? [c.productId] : []));
      if (productIds.length === 0) return [];
      const accounts = (await deps.accounts.list()).filter((a) => a.enabled && (a.flows.stock || a.flows.price || a.flows.listing));
      if (accounts.length === 0) return [];
      const listings = await listingsOfProducts(trx, productIds, accounts.map((a) => a.id));
      const specs: JobSpec[] = [];
      for (const account of accounts) {
        const own = listings.filter((l) => l.marketplaceId === account.id);
        if (own.length && (account.flows.stock || account.flows.price)) {
          const ctx = await deps.desired.prepare(account, own, trx);
          specs.push(...planDifferences(account, own, ctx, deps.desired));
        }
        if (account.flows.listing && account.settings.sync.listing.autoListNew) {
          const inserted = changes.flatMap((c) => (c.kind === 'product' && c.opsByEntity.product?.includes('I') && !c.productDeleted ? [c.productId] : []));
          const listed = new Set(own.map((l) => l.productId));
          for (const productId of inserted.filter((p) => !listed.has(p))) {
            specs.push({ queue: queueOf(account.id), type: JOB.listingRequest, payload: { productIds: [productId] }, dedupeKey: `lsreq:${productId}`, priority: PRIORITY.listing });
          }
        }
      }
      if (specs.length) {
        // The jobs commit with the pump's transaction a moment later; nudge the workers after that.
        const queues = new Set(specs.map((s) => s.queue));
        for (const q of queues) deps.wake?.(q);
      }
      return specs;
    },
  };
}
