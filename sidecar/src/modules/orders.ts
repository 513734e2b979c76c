import { z } from 'zod';
import type { Knex } from 'knex';
import type { ModuleContext, SidecarModule } from './types';
import { enqueue } from '../sync/queue/enqueue';
import { typedHandler } from '../sync/queue/worker';
import type { JobSpec } from '../sync/queue/types';
import { checkHeartbeats, listAlerts, recordHeartbeat, type HeartbeatExpectation, type MonitorReport } from '../sync/heartbeats';
import { createWebhookRouter, WEBHOOK_JOB } from '../api/webhooks/receiver';
import { processWebhook } from '../api/webhooks/process';
import type { MarketplaceAccess, OrderAccount } from '../sync/orders/access';
import { resolveMarketplaceAccess } from '../sync/orders/wiring';
import { pollAccount } from '../sync/orders/poll';
import type { OrderEnv } from '../sync/orders/process';
import { createOrdersRouter } from '../sync/orders/routes';
import { loadOrderSettings, type OrderSettings } from '../sync/orders/settings';
import { listHeld } from '../sync/orders/store';
import { createStatusOutPlanner, groupsWithPending, handleStatusOut, STATUS_OUT_JOB } from '../sync/status-out';
import { reservedStock } from '../sync/reservations';

/**
 * The orders module: orders in (polling on a schedule + the webhook receiver), reservations, status
 * out (planner on captured order-history changes + worker), heartbeats with the silence monitor, and
 * the /api/orders routes. Everything runs as jobs on the `orders` queue, so several sidecar processes
 * share the work and a crash leaves jobs to be taken up again.
 */

export const ORDERS_QUEUE = 'orders';
const POLL_JOB = 'orders.poll';
const SWEEP_JOB = 'orders.status-sweep';

export interface OrdersModuleOptions {
  /** Poll every account this often instead of its pollIntervalSeconds setting (tests, demo). */
  pollIntervalMs?: number;
  /** How often the scheduler checks whether a poll is due. Default 1 s. */
  tickMs?: number;
  /** How often pending shipments are retried (and the statusOut loop beats). Default 60 s. */
  sweepIntervalMs?: number;
  /** How often heartbeats are checked. Default 30 s. */
  monitorIntervalMs?: number;
  /** Jobs of the orders queue run at once. Default 2 (each import holds up to three pooled connections). */
  concurrency?: number;
  /** Orders of one poll page imported at once. Default: what the connection pool allows (see importLanes). */
  importConcurrency?: number;
  /** Supply the marketplace side yourself (tests); default: the marketplaces service, else the registry. */
  access?: (ctx: ModuleContext) => Promise<MarketplaceAccess> | MarketplaceAccess;
}

/**
 * Parallel imports the pool can carry: each holds up to three connections (its lock plus the statements),
 * and the rest of the sidecar (pump, queue workers, HTTP) keeps about eight.
 */
export function importLanes(poolMax: number): number {
  return Math.max(1, Math.min(8, Math.floor((poolMax - 8) / 3)));
}

/** Default silence limits per flow, when the account's heartbeatSeconds do not say. */
function expectedMs(flow: string, settings: OrderSettings, pollMs: number, sweepMs: number): number {
  const override = settings.heartbeatSeconds[flow];
  if (override !== undefined) return override * 1000;
  switch (flow) {
    case 'ordersIn':
      return Math.max(3 * pollMs, 30_000);
    case 'statusOut':
      return Math.max(3 * sweepMs, 30_000);
    case 'stockOut':
      return 30 * 60_000;
    default:
      return 26 * 60 * 60_000;
  }
}

export function createOrdersModule(options: OrdersModuleOptions = {}): SidecarModule {
  return {
    name: 'orders',
    async start(ctx) {
      const { knex, logger } = ctx;
      const access = options.access ? await options.access(ctx) : await resolveMarketplaceAccess(ctx);
      const env: OrderEnv = { ctx: ctx.opencart, logger };
      const sweepMs = options.sweepIntervalMs ?? 60_000;
      const tickMs = options.tickMs ?? 1000;
      const startedAt = new Date();

      const queue = async (spec: Omit<JobSpec, 'queue'>, db: Knex = knex) => {
        await enqueue(db, { queue: ORDERS_QUEUE, ...spec }, { maxAttempts: ctx.config.jobs.maxAttempts });
      };
      const pollNow = async (ids: number[]) => {
        for (const id of ids) await queue({ type: POLL_JOB, payload: { accountId: id }, dedupeKey: `orders-poll:${id}`, priority: 40 });
        ctx.wakePump();
      };

      const settingsCache = new Map<number, { at: number; settings: OrderSettings }>();
      const settingsOf = async (id: number): Promise<OrderSettings> => {
        const hit = settingsCache.get(id);
        if (hit && Date.now() - hit.at < 10_000) return hit.settings;
        const settings = await loadOrderSettings(knex, id);
        settingsCache.set(id, { at: Date.now(), settings });
        return settings;
      };
      const pollMsOf = async (a: OrderAccount) => options.pollIntervalMs ?? (await settingsOf(a.id)).pollIntervalSeconds * 1000;

      // Polling schedule: one waiting poll job per account at most (dedupe key), whichever process queues it.
      const lastPoll = new Map<number, number>();
      let stopped = false;
      const tick = async () => {
        for (const a of await access.accounts()) {
          if (!a.enabled || !a.ordersIn) continue;
          if (Date.now() - (lastPoll.get(a.id) ?? 0) < (await pollMsOf(a))) continue;
          lastPoll.set(a.id, Date.now());
          await queue({ type: POLL_JOB, payload: { accountId: a.id }, dedupeKey: `orders-poll:${a.id}`, priority: 40 });
        }
      };
      let lastSweep = 0;
      let monitor: MonitorReport = { ok: true, flows: [] };
      let lastMonitor = 0;
      const runMonitor = async () => {
        const expectations: HeartbeatExpectation[] = [];
        // The order flows are this module's own. Stock push and reconciliation beat from the sync engine:
        // they are watched once the engine in this build has recorded them for any account, so a build
        // whose engine does not record them does not alarm every shop.
        const known = new Set(((await knex('meschain_heartbeats').distinct('flow')) as Array<{ flow: string }>).map((r) => r.flow));
        for (const a of await access.accounts()) {
          if (!a.enabled) continue;
          const settings = await settingsOf(a.id);
          const pollMs = await pollMsOf(a);
          const flows = [
            a.ordersIn && 'ordersIn',
            a.statusOut && 'statusOut',
            a.stock && known.has('stockOut') && 'stockOut',
            a.reconcile && a.stock && known.has('reconciliation') && 'reconciliation',
          ].filter((f): f is string => !!f);
          for (const flow of flows) expectations.push({ accountId: a.id, accountName: a.name, flow, expectedMs: expectedMs(flow, settings, pollMs, sweepMs) });
        }
        const created = new Map((await access.accounts()).map((a) => [a.id, new Date(`${a.createdAt.replace(' ', 'T')}Z`).getTime()]));
        // Count silence from when this process started watching, or from the account's creation if later.
        const reports: MonitorReport[] = [];
        for (const e of expectations) {
          const since = new Date(Math.max(startedAt.getTime(), created.get(e.accountId) ?? 0));
          reports.push(await checkHeartbeats(knex, [e], { since, logger }));
        }
        monitor = { ok: reports.every((r) => r.ok), flows: reports.flatMap((r) => r.flows) };
      };
      const loop = setInterval(() => {
        if (stopped) return;
        void (async () => {
          await tick();
          if (Date.now() - lastSweep >= sweepMs) {
            lastSweep = Date.now();
            // Only where status out is switched on: a shop with no such account gets no idle jobs.
            if ((await access.accounts()).some((a) => a.enabled && a.statusOut)) {
              await queue({ type: SWEEP_JOB, payload: {}, dedupeKey: 'orders-status-sweep', priority: 60 });
            }
          }
          if (Date.now() - lastMonitor >= (options.monitorIntervalMs ?? 30_000)) {
            lastMonitor = Date.now();
            await runMonitor();
          }
        })().catch((err: unknown) => logger.warn({ err }, 'orders scheduler tick failed'));
      }, tickMs);
      loop.unref();

      const handlers = {
        [POLL_JOB]: typedHandler(z.object({ accountId: z.number().int().positive() }), async (job) => {
          const account = await access.account(job.payload.accountId);
          if (!account || !account.enabled || !account.ordersIn) return;
          const result = await pollAccount(env, account, await access.adapter(account.id), { concurrency: options.importConcurrency ?? importLanes(ctx.config.database.poolMax) });
          if (result.orders > 0) logger.info({ accountId: account.id, ...result }, 'orders polled');
        }),
        [WEBHOOK_JOB]: typedHandler(z.object({ webhookId: z.number().int().positive() }), async (job) => {
          await processWebhook({ ...env, access }, job.payload.webhookId, { lastAttempt: job.attempts >= job.maxAttempts });
        }),
        [STATUS_OUT_JOB]: typedHandler(z.object({ ocOrderId: z.number().int().positive() }), async (job) => {
          await handleStatusOut({ ctx: ctx.opencart, access, logger }, job.payload.ocOrderId);
        }),
        [SWEEP_JOB]: async () => {
          const failed = new Set<number>();
          const serving = (await access.accounts()).filter((a) => a.enabled && a.statusOut);
          for (const g of await groupsWithPending(knex, serving.map((a) => a.id))) {
            try {
              await handleStatusOut({ ctx: ctx.opencart, access, logger }, g.ocOrderId);
            } catch (err) {
              logger.warn({ err, ocOrderId: g.ocOrderId }, 'status out: shipment still not accepted; will retry');
              const [row] = (await knex('meschain_order_groups').select('marketplace_id').where({ id: g.groupId })) as Array<{ marketplace_id: number }>;
              if (row) failed.add(Number(row.marketplace_id));
            }
          }
          // The status-out loop ran: a heartbeat for every account it could serve.
          for (const a of serving) if (!failed.has(a.id)) await recordHeartbeat(knex, a.id, 'statusOut', 'sweep');
        },
      };

      return {
        routes: [
          {
            path: '/webhooks',
            router: createWebhookRouter({
              knex,
              access,
              logger,
              // The same limit as every other router (docs/security.md): a chunked body has no Content-Length for the gateway to check.
              maxBodyBytes: ctx.config.security.bodyLimitBytes,
              enqueue: async (trx, webhookId) => {
                await enqueue(trx, { queue: ORDERS_QUEUE, type: WEBHOOK_JOB, payload: { webhookId }, dedupeKey: `webhook:${webhookId}`, priority: 30 }, { maxAttempts: ctx.config.jobs.maxAttempts });
              },
            }),
          },
          {
            path: '/api/orders',
            router: createOrdersRouter({
              env,
              access,
              pollNow,
              statusOutNow: async (ocOrderId) => {
                await queue({ type: STATUS_OUT_JOB, payload: { ocOrderId }, dedupeKey: `status-out:${ocOrderId}`, priority: 50 });
              },
            }),
          },
        ],
        workers: [{ queue: ORDERS_QUEUE, handlers, concurrency: options.concurrency ?? 2 }],
        planner: createStatusOutPlanner(ORDERS_QUEUE),
        health: async () => {
          const held = (await listHeld(knex)).length;
          const alerts = await listAlerts(knex, { state: 'open' });
          return {
            ok: monitor.ok,
            heldOrders: held,
            openAlerts: alerts.length,
            silentFlows: monitor.flows.filter((f) => !f.ok).map((f) => ({ accountId: f.accountId, flow: f.flow, silentForMs: f.silentForMs, expectedMs: f.expectedMs })),
          };
        },
        provides: { orders: { reservedStock, recordHeartbeat, pollNow } },
        stop() {
          stopped = true;
          clearInterval(loop);
        },
      };
    },
  };
}

export const ordersModule: SidecarModule = createOrdersModule();
