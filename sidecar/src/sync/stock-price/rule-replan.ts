import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { OcContext } from '../../db/opencart/context';
import { rawRows } from '../../db/raw';
import { enqueueMany } from '../queue/enqueue';
import type { JobSpec } from '../queue/types';
import type { AccountView } from '../accounts/store';
import { RULES_CACHE_MS } from './desired';
import { JOB, PRIORITY, queueOf } from './deps';

/**
 * A saved or deleted rule changes what listings should show without any product changing, so nothing
 * in the change log would ever re-plan them. This queues the same `sp.replan` job a settled batch
 * queues, for exactly the active listings the rule can reach, in the caller's transaction (the rule
 * write commits with its re-plan or not at all):
 *
 *   account   every active listing of the account
 *   category  listings of products in the category or any category below it (rules/loader.ts resolves a
 *             product through its categories' parents, so a parent's rule reaches its subcategories)
 *   product   the product's listings, one per variant
 *
 * Listing ids go out in chunks of CHUNK per job (a 50,000-listing account is 100 jobs), each re-planned
 * like a page of a sync run; only real differences become pushes. Not a sync run itself: one run per
 * account may be running (a reconcile run would swallow the request, or a sync run past half its pages
 * would miss the first half), a sync run also asks every product to be listed, and it cannot join the
 * rule's transaction.
 *
 * The jobs wait until every process's rules cache has expired: a re-plan or push in another process
 * would otherwise compute with the old rule, find no difference and send nothing.
 */

export const RULE_REPLAN_CHUNK = 500;

export type RuleScope = 'account' | 'category' | 'product';

async function reachedListings(db: Knex.Transaction, oc: Pick<OcContext, 'table'>, accountId: number, scope: RuleScope, scopeId: number): Promise<number[]> {
  const base = "SELECT id FROM meschain_listings WHERE marketplace_id = ? AND state = 'active'";
  let rows: Array<{ id: number | string }>;
  if (scope === 'account') rows = await rawRows(db, `${base} ORDER BY id`, [accountId]);
  else if (scope === 'product') rows = await rawRows(db, `${base} AND product_id = ? ORDER BY id`, [accountId, scopeId]);
  else {
    // category_path holds (category, ancestor) for every level, itself included; a category missing
    // from it (a shop that never rebuilt the paths) still counts through its own id.
    rows = await rawRows(
      db,
      `${base} AND product_id IN (SELECT p2c.product_id FROM \`${oc.table('product_to_category')}\` p2c
          WHERE p2c.category_id = ? OR p2c.category_id IN (SELECT cp.category_id FROM \`${oc.table('category_path')}\` cp WHERE cp.path_id = ?)) ORDER BY id`,
      [accountId, scopeId, scopeId],
    );
  }
  return rows.map((r) => Number(r.id));
}

/** Queues the re-plan a rule change needs; returns how many listings it covers. */
export async function queueRuleReplan(trx: Knex.Transaction, oc: Pick<OcContext, 'table'>, account: AccountView, scope: RuleScope, scopeId: number): Promise<number> {
  // Not planned for, like the pump's planner: enabling the account or a flow is what plans it then.
  if (!account.enabled || (!account.flows.stock && !account.flows.price)) return 0;
  const ids = await reachedListings(trx, oc, account.id, scope, scope === 'account' ? 0 : scopeId);
  // Computed before the commit: a second of margin so the wait still covers the caches after it.
  const runAt = new Date(Date.now() + RULES_CACHE_MS + 1000);
  const save = randomUUID();
  const specs: JobSpec[] = [];
  for (let i = 0; i < ids.length; i += RULE_REPLAN_CHUNK) {
    specs.push({
      queue: queueOf(account.id),
      type: JOB.stockPriceReplan,
      payload: { listingIds: ids.slice(i, i + RULE_REPLAN_CHUNK) },
      // A key of its own per save: merged into a waiting re-plan of an earlier save, the job would keep
      // that one's earlier run_at and could run on another process's cache of the previous rule. Two
      // re-plans are harmless (only real differences become pushes).
      dedupeKey: `rule:${scope}:${scope === 'account' ? 0 : scopeId}:${i / RULE_REPLAN_CHUNK}:${save}`,
      priority: PRIORITY.price,
      runAt,
      maxAttempts: 20,
    });
  }
  await enqueueMany(trx, specs);
  return ids.length;
}
