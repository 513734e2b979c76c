import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';
import type { JobSpec } from '../queue/types';
import type { Change } from './changes';

export interface PlanContext {
  /**
   * The pump's transaction. Reads through it see committed data; writes to meschain_* tables through it
   * commit or roll back together with the enqueued jobs and the consumed change-log rows.
   */
  trx: Knex.Transaction;
  logger?: Logger;
}

/**
 * Turns coalesced changes into jobs. Throwing leaves the change-log rows in place (nothing is lost);
 * the pump retries the batch later. May be called again for the same changes after a deadlock retry,
 * so it must not have side effects outside `ctx.trx`.
 */
export interface ChangePlanner {
  plan(changes: readonly Change[], ctx: PlanContext): Promise<JobSpec[]> | JobSpec[];
}

export interface PassThroughOptions {
  queue: string;
  productJobType?: string;
  orderJobType?: string;
  priority?: number;
}

/**
 * The simplest planner: one job per changed product (dedupe key `product:<id>`) and per changed order
 * (`order:<id>`), so a burst of changes to one product waits as one job. It proves the path until the
 * marketplace planner (which compares with what was last pushed) takes over.
 */
export function createPassThroughPlanner(opts: PassThroughOptions): ChangePlanner {
  const productType = opts.productJobType ?? 'product.changed';
  const orderType = opts.orderJobType ?? 'order.changed';
  return {
    plan(changes) {
      return changes.map((c): JobSpec =>
        c.kind === 'product'
          ? {
              queue: opts.queue,
              type: productType,
              dedupeKey: `product:${c.productId}`,
              payload: { productId: c.productId, entities: c.entities, ops: c.ops, optionValueIds: c.optionValueIds, productDeleted: c.productDeleted },
              ...(opts.priority === undefined ? {} : { priority: opts.priority }),
            }
          : {
              queue: opts.queue,
              type: orderType,
              dedupeKey: `order:${c.orderId}`,
              payload: { orderId: c.orderId },
              ...(opts.priority === undefined ? {} : { priority: opts.priority }),
            },
      );
    },
  };
}
