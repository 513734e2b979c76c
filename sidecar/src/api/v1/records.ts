import type { Knex } from 'knex';
import { rawRows } from '../../db/raw';
import { ApiError, type OperationHandler } from './router';

/**
 * Listings, orders, sync jobs and analytics of /api/v1, from the sidecar's own tables. Tenancy: a
 * listing or order belongs to the store of its marketplace account; a job to the store named in its
 * payload (storeId, or marketplaceId's store); jobs that name neither are shop-wide and shown to the
 * default store (0) only.
 */

/** What the analytics module may publish as the 'analytics' service. */
export interface AnalyticsApi {
  summary?(opts: { storeId: number }): Promise<unknown>;
  forecast?(opts: { storeId: number; productId: number; horizonDays: number }): Promise<unknown | null>;
}

interface ListingRow {
  id: number;
  marketplace_id: number;
  marketplace_code: string;
  product_id: number;
  variant_key: string;
  sku: string | null;
  remote_id: string | null;
  state: string;
  last_pushed_quantity: number | null;
  last_pushed_price: string | null;
  last_pushed_at: string | null;
  last_error: string | null;
  updated_at: string;
}

interface OrderRow {
  id: number;
  marketplace_id: number;
  marketplace_code: string;
  remote_order_id: string;
  remote_package_id: string;
  state: string;
  oc_order_id: number | null;
  remote_status: string | null;
  hold_reason: string | null;
  created_at: string;
  updated_at: string;
}

interface JobRow {
  id: number;
  queue: string;
  type: string;
  state: 'ready' | 'running' | 'done' | 'dead';
  attempts: number;
  max_attempts: number;
  run_at: string;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

const LISTING_COLUMNS = `l.id, l.marketplace_id, m.code AS marketplace_code, l.product_id, l.variant_key, l.sku, l.remote_id, l.state,
  l.last_pushed_quantity, l.last_pushed_price, l.last_pushed_at, l.last_error, l.updated_at`;
const ORDER_COLUMNS = `o.id, o.marketplace_id, m.code AS marketplace_code, o.remote_order_id, o.remote_package_id, o.state, o.oc_order_id,
  o.remote_status, o.hold_reason, o.created_at, o.updated_at`;
const JOB_COLUMNS = 'j.id, j.queue, j.type, j.state, j.attempts, j.max_attempts, j.run_at, j.last_error, j.created_at, j.finished_at';

function jobTenancy(storeId: number): { sql: string; bindings: unknown[] } {
  return {
    sql: `(JSON_VALUE(j.payload, '$.storeId') = ?
      OR JSON_VALUE(j.payload, '$.marketplaceId') IN (SELECT id FROM meschain_marketplaces WHERE store_id = ?)
      OR (? = 0 AND JSON_VALUE(j.payload, '$.storeId') IS NULL AND JSON_VALUE(j.payload, '$.marketplaceId') IS NULL))`,
    bindings: [storeId, storeId, storeId],
  };
}

const page = <T extends { id: number }>(rows: T[], limit: number) => ({
  items: rows,
  next_cursor: rows.length === limit ? String(rows[rows.length - 1]!.id) : null,
});

const normalise = <T>(rows: T[]): T[] => rows.map((r) => ({ ...r, ...numbers(r as Record<string, unknown>) }));

function numbers(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['id', 'marketplace_id', 'product_id', 'oc_order_id', 'attempts', 'max_attempts', 'last_pushed_quantity']) {
    if (k in r && r[k] !== null) out[k] = Number(r[k]);
  }
  return out;
}

export function recordHandlers(knex: Knex, storeId: number, analytics: () => AnalyticsApi | undefined): Record<string, OperationHandler> {
  const after = (q: Record<string, unknown>) => (q.after === undefined ? 0 : Number(q.after));
  return {
    async listListings({ query }) {
      const limit = query.limit as number;
      const rows = await rawRows<ListingRow>(
        knex,
        `SELECT ${LISTING_COLUMNS} FROM meschain_listings l JOIN meschain_marketplaces m ON m.id = l.marketplace_id
         WHERE m.store_id = ? AND l.id > ? ${query.marketplace_id ? 'AND l.marketplace_id = ?' : ''} ${query.state ? 'AND l.state = ?' : ''}
         ORDER BY l.id LIMIT ${limit}`,
        [storeId, after(query), ...(query.marketplace_id ? [query.marketplace_id] : []), ...(query.state ? [query.state] : [])],
      );
      return { body: page(normalise(rows), limit) };
    },
    async getListing({ params }) {
      const [row] = await rawRows<ListingRow>(
        knex,
        `SELECT ${LISTING_COLUMNS} FROM meschain_listings l JOIN meschain_marketplaces m ON m.id = l.marketplace_id WHERE m.store_id = ? AND l.id = ?`,
        [storeId, params.listingId],
      );
      if (!row) throw new ApiError(404, 'resource_not_found');
      return { body: normalise([row])[0] };
    },
    async listOrders({ query }) {
      const limit = query.limit as number;
      const rows = await rawRows<OrderRow>(
        knex,
        `SELECT ${ORDER_COLUMNS} FROM meschain_orders o JOIN meschain_marketplaces m ON m.id = o.marketplace_id
         WHERE m.store_id = ? AND o.id > ? ${query.marketplace_id ? 'AND o.marketplace_id = ?' : ''} ${query.state ? 'AND o.state = ?' : ''}
         ORDER BY o.id LIMIT ${limit}`,
        [storeId, after(query), ...(query.marketplace_id ? [query.marketplace_id] : []), ...(query.state ? [query.state] : [])],
      );
      return { body: page(normalise(rows), limit) };
    },
    async getOrder({ params }) {
      const [row] = await rawRows<OrderRow>(
        knex,
        `SELECT ${ORDER_COLUMNS} FROM meschain_orders o JOIN meschain_marketplaces m ON m.id = o.marketplace_id WHERE m.store_id = ? AND o.id = ?`,
        [storeId, params.orderId],
      );
      if (!row) throw new ApiError(404, 'resource_not_found');
      return { body: normalise([row])[0] };
    },
    async listJobs({ query }) {
      const limit = query.limit as number;
      const t = jobTenancy(storeId);
      const rows = await rawRows<JobRow>(
        knex,
        `SELECT ${JOB_COLUMNS} FROM meschain_jobs j WHERE ${t.sql} AND j.id > ? ${query.state ? 'AND j.state = ?' : ''} ${query.queue ? 'AND j.queue = ?' : ''}
         ORDER BY j.id LIMIT ${limit}`,
        [...t.bindings, after(query), ...(query.state ? [query.state] : []), ...(query.queue ? [query.queue] : [])],
      );
      return { body: page(normalise(rows), limit) };
    },
    async getJob({ params }) {
      const t = jobTenancy(storeId);
      const [row] = await rawRows<JobRow>(knex, `SELECT ${JOB_COLUMNS} FROM meschain_jobs j WHERE ${t.sql} AND j.id = ?`, [...t.bindings, params.jobId]);
      if (!row) throw new ApiError(404, 'resource_not_found');
      return { body: normalise([row])[0] };
    },
    async analyticsSummary() {
      const service = analytics();
      if (!service?.summary) throw new ApiError(503, 'service_unavailable', 'analytics is not running');
      return { body: { data: await service.summary({ storeId }) } };
    },
    async analyticsForecast({ params, query }) {
      const service = analytics();
      if (!service?.forecast) throw new ApiError(503, 'service_unavailable', 'analytics is not running');
      const data = await service.forecast({ storeId, productId: params.productId as number, horizonDays: query.horizon_days as number });
      if (data === null || data === undefined) throw new ApiError(404, 'resource_not_found');
      return { body: { data } };
    },
  };
}
