import type { Knex } from 'knex';
import type { OcContext } from './context';
import { tablesAreTransactional } from './engine';
import { markDone, step, updateWrite, type WriteHooks, type WriteRow } from './order-journal';
import type { CreatePlan } from './order-plan';
import type { Db } from './stock-moves';

/**
 * Carries out (or finishes) a journaled createOrder. Status 0 orders take no stock, so creation only has
 * to end with exactly one oc_order row and its full set of child rows:
 *  - the oc_order row is tagged with the write token in user_agent, so a row inserted just before a crash
 *    (id not yet journaled) is found again instead of inserted twice;
 *  - child rows belong to this order alone, so a recovery deletes whatever a crash left and writes them
 *    all again from the plan.
 */

export const CREATE_TABLES = ['order', 'order_product', 'order_option', 'order_total'] as const;

export async function completeCreate(ctx: OcContext, write: WriteRow, options: { recovering: boolean; hooks?: WriteHooks }): Promise<number> {
  const plan = JSON.parse(write.plan) as CreatePlan;
  const t = ctx.table.bind(ctx);
  const run = async (db: Db): Promise<number> => {
    let orderId = write.oc_order_id;
    if (orderId === null) {
      const found = options.recovering
        ? ((await db(t('order')).first('order_id').where('user_agent', plan.order.user_agent as string).orderBy('order_id')) as { order_id: number } | undefined)
        : undefined;
      if (found) {
        orderId = found.order_id;
      } else {
        const [inserted] = (await db(t('order')).insert(plan.order)) as number[];
        orderId = inserted as number;
        await step(options.hooks, 'order');
      }
      await updateWrite(db, write.id, { oc_order_id: orderId });
      await step(options.hooks, 'order-id');
    }
    const id = orderId as number;
    if (options.recovering) {
      for (const table of ['order_product', 'order_option', 'order_total']) await db(t(table)).where('order_id', id).delete();
    }
    for (const [i, product] of plan.products.entries()) {
      const [orderProductId] = (await db(t('order_product')).insert({ order_id: id, ...product.row })) as number[];
      if (product.options.length) {
        await db(t('order_option')).insert(product.options.map((o) => ({ order_id: id, order_product_id: orderProductId, ...o })));
      }
      await step(options.hooks, `product:${i}`);
    }
    if (plan.totals.length) await db(t('order_total')).insert(plan.totals.map((row) => ({ order_id: id, ...row })));
    await step(options.hooks, 'totals');
    await markDone(db, write.id);
    return id;
  };

  if (await tablesAreTransactional(ctx, CREATE_TABLES)) {
    // The journal row itself is already committed; everything after it commits (or vanishes) together.
    return ctx.knex.transaction((trx: Knex.Transaction) => run(trx));
  }
  return run(ctx.knex);
}
