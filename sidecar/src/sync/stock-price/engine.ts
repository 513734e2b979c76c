import type { Knex } from 'knex';
import { z } from 'zod';
import type { KeyRing } from '../../crypto/secrets';
import type { OcContext } from '../../db/opencart/context';
import type { MarketplaceHttpFactory } from '../../marketplaces/contract';
import type { Logger } from '../../util/logger';
import { typedHandler, type JobHandler } from '../queue/worker';
import { AccountStore, type DefinitionLookup } from '../accounts/store';
import { AdapterProvider } from '../accounts/adapters';
import { VariantStore } from '../variants/store';
import { MappingStore } from '../listing/mappings';
import { flushListings, pollListings } from '../listing/push';
import { requestListings } from '../listing/service';
import { Batcher } from './batcher';
import { DesiredCalculator } from './desired';
import { JOB, type EngineDeps } from './deps';
import { createStockPricePlanner } from './planner';
import { flushStockPrice, pollStockPrice, replanListings } from './push';
import { verifyStockPrice } from './verify';
import { WorkerPool } from './workers';
import { beatIdleAccounts } from './idle-beat';
import { readCarried, type Planned } from './plan';
import { ReconcileScheduler, runPage, startRun, SyncEvents } from '../reconcile';
import { reservedStock, type ReservedStockSource } from '../reservations';
import type { ChangePlanner } from '../pump/planner';

/**
 * The marketplace sync engine assembled: account store, adapters, variants, mappings, the desired-value
 * calculator, the pump planner, per-account workers with their batching handlers, and the scheduler.
 * The marketplaces module (and the CLI) build one of these.
 */

export interface SyncEngineOptions {
  knex: Knex;
  oc: OcContext;
  secrets: KeyRing;
  definitions: DefinitionLookup;
  http: MarketplaceHttpFactory;
  logger?: Logger;
  /** Stock held for orders awaiting payment (engineer C's reservations by default). */
  reserved?: ReservedStockSource;
  visibilityTimeoutMs?: number;
  /** How often an idle stock flow records its heartbeat (idle-beat.ts). Default once a minute. */
  idleBeatMs?: number;
}

export interface SyncEngine {
  deps: EngineDeps;
  accounts: AccountStore;
  adapters: AdapterProvider;
  variants: VariantStore;
  mappings: MappingStore;
  desired: DesiredCalculator;
  planner: ChangePlanner;
  pool: WorkerPool;
  scheduler: ReconcileScheduler;
  events: SyncEvents;
  /** Job handlers of one account's queue (the pool uses them; the CLI runs them in-process). */
  handlersFor(accountId: number): Record<string, JobHandler>;
  /** Start/stop workers and schedules to match the accounts table. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

// Enough claimed jobs for five full batches in flight per kind (being checked, on the wire, being
// recorded), matching the batcher's default parallelism: with the values planned ahead a batch is
// mostly waiting on the database and the marketplace, so more of them overlap.
const MAX_CONCURRENCY = 5000;

export function createSyncEngine(o: SyncEngineOptions): SyncEngine {
  const accounts = new AccountStore(o.knex, o.secrets, o.definitions);
  const adapters = new AdapterProvider(accounts, o.definitions, o.http, o.logger);
  const variants = new VariantStore(o.knex);
  const mappings = new MappingStore(o.knex);
  const desired = new DesiredCalculator(o.knex, o.oc, variants, o.reserved ?? reservedStock);
  const events = new SyncEvents();
  let pool: WorkerPool | undefined;
  const deps: EngineDeps = { knex: o.knex, oc: o.oc, accounts, variants, mappings, desired, adapters, ...(o.logger ? { logger: o.logger } : {}), wake: (q) => pool?.wake(q) };

  const limits = new Map<number, { stockPrice: number; listing: number }>();
  const limitsOf = (id: number) => limits.get(id) ?? { stockPrice: 100, listing: 100 };
  const learnLimits = async (id: number) => {
    try {
      const a = await adapters.get(id);
      limits.set(id, { stockPrice: a.capabilities.limits.stockPriceBatchSize, listing: a.capabilities.limits.listingBatchSize });
    } catch (err) {
      o.logger?.warn({ err, accountId: id }, 'adapter not available yet; using small batches');
    }
  };
  const lingers = new Map<number, number>();
  const batchers = new Map<number, { sp: Batcher<Planned>; ls: Batcher }>();
  const batchersOf = (id: number) => {
    let b = batchers.get(id);
    if (!b) {
      const linger = () => lingers.get(id) ?? 40;
      b = {
        sp: new Batcher<Planned>((ids, carried) => flushStockPrice(deps, id, ids, carried), { maxSize: () => limitsOf(id).stockPrice, lingerMs: linger }),
        ls: new Batcher((ids) => flushListings(deps, id, ids), { maxSize: () => limitsOf(id).listing, lingerMs: linger }),
      };
      batchers.set(id, b);
    }
    return b;
  };
  const byListing = z.object({ listingId: z.number().int().positive() });
  // Only the listing id decides whether a push job can run; the values it carries are checked on their
  // own (readCarried), so bad ones are recomputed instead of taking the job dead with them.
  const pushPayload = byListing.passthrough();
  const byBatch = z.object({ batchId: z.number().int().positive() });
  const handlersFor = (id: number): Record<string, JobHandler> => ({
    [JOB.stockPricePush]: typedHandler(pushPayload, (job) => {
      const { listingId } = job.payload;
      const { carried, problem } = readCarried(job.payload);
      if (problem) o.logger?.warn({ accountId: id, jobId: job.id, listingId, problem }, 'stock/price push job carried values that fail the check; computing them afresh');
      return batchersOf(id).sp.submit(listingId, carried);
    }),
    [JOB.stockPricePoll]: typedHandler(byBatch, (job) => pollStockPrice(deps, id, job.payload.batchId)),
    [JOB.stockPriceVerify]: typedHandler(z.object({ listingIds: z.array(z.number().int().positive()) }), (job) =>
      verifyStockPrice(deps, id, job.payload.listingIds, (accountId) => startRun(deps, accountId, 'reconcile', 'schedule')),
    ),
    [JOB.stockPriceReplan]: typedHandler(z.object({ listingIds: z.array(z.number().int().positive()) }), (job) => replanListings(deps, id, job.payload.listingIds)),
    [JOB.listingPush]: typedHandler(byListing, (job) => batchersOf(id).ls.submit(job.payload.listingId)),
    [JOB.listingPoll]: typedHandler(byBatch, (job) => pollListings(deps, id, job.payload.batchId)),
    [JOB.listingRequest]: typedHandler(z.object({ productIds: z.array(z.number().int().positive()) }), async (job) => {
      await requestListings(deps, id, job.payload.productIds);
    }),
    [JOB.runPage]: typedHandler(z.object({ runId: z.number().int().positive() }), async (job) => {
      await runPage(deps, events, job.payload.runId);
    }),
  });
  pool = new WorkerPool(o.knex, handlersFor, {
    concurrency: (id) => Math.min(MAX_CONCURRENCY, 5 * Math.max(limitsOf(id).stockPrice, limitsOf(id).listing)),
    visibilityTimeoutMs: o.visibilityTimeoutMs ?? 60_000,
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const scheduler = new ReconcileScheduler(deps, o.logger);
  const planner = createStockPricePlanner(deps);
  let idleTimer: NodeJS.Timeout | undefined;
  const beatIdle = () =>
    beatIdleAccounts(
      deps,
      (id) => pool!.running(id),
      (id) => o.http.breakers().find((b) => b.accountId === id)?.state ?? 'closed',
    );

  return {
    deps,
    accounts,
    adapters,
    variants,
    mappings,
    desired,
    planner,
    pool,
    scheduler,
    events,
    handlersFor,
    async refresh() {
      const all = await accounts.list({ fresh: true });
      for (const a of all) {
        lingers.set(a.id, a.settings.sync.push.lingerMs);
        if (a.enabled && !limits.has(a.id)) await learnLimits(a.id);
      }
      await pool!.sync(all);
      scheduler.sync(all);
      // Started with the workers (the CLI drives its pool itself and does not beat for idle accounts).
      if (!idleTimer) {
        idleTimer = setInterval(() => void beatIdle(), o.idleBeatMs ?? 60_000);
        idleTimer.unref();
      }
    },
    async stop() {
      clearInterval(idleTimer);
      idleTimer = undefined;
      await scheduler.stop();
      await pool!.stop();
    },
  };
}
