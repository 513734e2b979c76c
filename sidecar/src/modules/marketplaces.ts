import { createMarketplaceHttp, type MarketplaceHttp } from '../marketplaces/http';
import { builtInDefinition } from '../sync/accounts/definitions';
import { createSyncEngine, type SyncEngine } from '../sync/stock-price/engine';
import { marketplacesRouter } from '../sync/accounts/routes';
import { variantsRouter } from '../sync/variants/routes';
import { syncRouter, syncStatus } from '../sync/reconcile/routes';
import { AccountStore } from '../sync/accounts/store';
import type { KeyRotator } from '../crypto/rotation';
import type { AdapterProvider } from '../sync/accounts/adapters';
import type { CompetitorSource } from '../analytics/models/train-pricing';
import { MarketplaceInsights, type QuestionHarvest } from './marketplace-insights';
import type { SidecarModule } from './types';

/**
 * What this module offers later modules (ctx.services.get('marketplaces')): the account store (views
 * never carry credentials), adapters per account (one HTTP factory per process, so breakers and rate
 * limits are shared with the orders flows), the sync engine and the HTTP factory itself, and for
 * analytics other sellers' prices and recent customer questions (marketplace-insights.ts).
 */
export interface MarketplacesService {
  accounts: AccountStore;
  adapters: AdapterProvider;
  engine: SyncEngine;
  http: MarketplaceHttp;
  /** Other sellers' prices per OpenCart product id, from accounts whose adapter offers the buybox. */
  competitorPrices: CompetitorSource;
  /** Customer questions of the last `sinceDays` days, from accounts whose adapter offers them. */
  customerQuestions(sinceDays: number, filter?: { marketplace?: string }): Promise<QuestionHarvest>;
}

export interface MarketplacesModuleOptions {
  /** How often an idle stock flow beats (default once a minute); tests watch silence limits of seconds. */
  idleBeatMs?: number;
}

/**
 * The marketplaces module: accounts, variants, listing, stock & price sync, reconciliation. Plans on
 * every captured product change, runs one worker per enabled account (queue marketplace:<id>), serves
 * /api/marketplaces, /api/variants and /api/sync, and reports per-account health.
 */
export function createMarketplacesModule(options: MarketplacesModuleOptions = {}): SidecarModule {
  return {
    name: 'marketplaces',
    async start(ctx) {
      const http = createMarketplaceHttp({
        knex: ctx.knex,
        ...(ctx.config.redisUrl ? { redisUrl: ctx.config.redisUrl } : {}),
        metrics: ctx.metrics,
        logger: ctx.logger,
      });
      const engine = createSyncEngine({
        knex: ctx.knex,
        oc: ctx.opencart,
        secrets: ctx.secrets,
        definitions: builtInDefinition,
        http,
        logger: ctx.logger,
        visibilityTimeoutMs: ctx.config.jobs.visibilityTimeoutMs,
        ...(options.idleBeatMs ? { idleBeatMs: options.idleBeatMs } : {}),
      });
      // Marketplace credentials are sealed like the security module's secrets: rotated with them.
      (ctx.services.get('secrets.rotation') as KeyRotator | undefined)?.register(AccountStore.sealedColumn());
      await engine.refresh();
      // Accounts changed by another process (or the CLI) are picked up within a minute.
      const refresher = setInterval(() => {
        engine.refresh().catch((err: unknown) => ctx.logger.warn({ err }, 'could not refresh marketplace workers'));
      }, 30_000);
      refresher.unref();

      const insights = new MarketplaceInsights({ knex: ctx.knex, oc: ctx.opencart, accounts: engine.accounts, adapters: engine.adapters, logger: ctx.logger });
      const service: MarketplacesService = {
        accounts: engine.accounts,
        adapters: engine.adapters,
        engine,
        http,
        competitorPrices: (productIds) => insights.competitorPrices(productIds),
        customerQuestions: (sinceDays, filter) => insights.customerQuestions(sinceDays, filter),
      };
      return {
        planner: engine.planner,
        routes: [
          { path: '/api/marketplaces', router: marketplacesRouter(engine) },
          { path: '/api/variants', router: variantsRouter(engine) },
          { path: '/api/sync', router: syncRouter(engine) },
        ],
        provides: { marketplaces: service },
        async health() {
          const breakers = new Map(http.breakers().map((b) => [b.accountId, b]));
          const accounts = await syncStatus(engine);
          const report = accounts.map((a) => ({
            id: a.id,
            code: a.code,
            enabled: a.enabled,
            breaker: breakers.get(a.id)?.state ?? 'closed',
            lastPushAt: a.lastPushAt,
            failures: a.listingsWithErrors,
            quarantined: a.listings.quarantined ?? 0,
            deadJobs: a.jobs.dead,
          }));
          return { ok: report.every((a) => !a.enabled || a.breaker !== 'open'), accounts: report, workers: engine.pool.stats() };
        },
        async stop() {
          clearInterval(refresher);
          await engine.stop();
          await http.close();
        },
      };
    },
  };
}

export const marketplacesModule: SidecarModule = createMarketplacesModule();
