import cron, { type ScheduledTask } from 'node-cron';
import { analyticsRouter } from '../analytics/http/routes';
import type { Config } from '../config/schema';
import { analyticsOptionsSchema, type AnalyticsOptions, type AnalyticsOptionsInput } from '../analytics/models/options';
import { latestModel } from '../analytics/models/store';
import type { AlertSink } from '../analytics/models/train-anomalies';
import type { CompetitorSource } from '../analytics/models/train-pricing';
import type { QuestionSource } from '../analytics/insights/feedback-source';
import { AnalyticsService } from '../analytics/service/service';
import type { ModuleContext, SidecarModule } from './types';

/**
 * The analytics module: /api/analytics/... routes, retraining on a schedule (node-cron, in the shop's
 * time zone) and on demand, and the `analytics` service (AnalyticsService) for modules started later,
 * such as the public API. Settings: the owner's from the configuration (MESCHAIN_ANOMALY_*, …,
 * config `analytics`), overridden by what the code passes to createAnalyticsModule. Anomaly alerts
 * are stored in the sidecar's alert table by the anomaly run itself; this module logs each newly
 * opened one. Competitor prices and customer questions come from a `marketplaces` service that
 * offers `competitorPrices(productIds)` and `customerQuestions(days)`.
 */

interface MarketplaceSignals {
  competitorPrices: CompetitorSource;
  customerQuestions: QuestionSource;
}

function alertSink(ctx: ModuleContext): AlertSink {
  return async (a) => ctx.logger.warn({ anomaly: { source: a.source, seriesKey: a.seriesKey, day: a.day, severity: a.severity, score: a.score } }, `${a.title.en}: ${a.explanation.en}`);
}

/**
 * The module's settings: the owner's from the configuration where set (ranges match options.ts), then
 * what the code passes, then the defaults. A context built by hand (tests) may carry no config.
 */
export function analyticsOptionsFrom(config: Config | undefined, input: AnalyticsOptionsInput = {}): AnalyticsOptions {
  const c = config?.analytics ?? {};
  const configured: AnalyticsOptionsInput = {};
  if (c.anomalySensitivity !== undefined) configured.anomalySensitivity = c.anomalySensitivity;
  if (c.alertMinSeverity !== undefined) configured.alertMinSeverity = c.alertMinSeverity;
  if (c.leadTimeDays !== undefined) configured.leadTimeDays = c.leadTimeDays;
  if (c.reviewDays !== undefined) configured.reviewDays = c.reviewDays;
  if (c.schedule !== undefined) configured.schedule = c.schedule;
  return analyticsOptionsSchema.parse({ ...configured, ...input });
}

export function createAnalyticsModule(input: AnalyticsOptionsInput = {}): SidecarModule {
  return {
    name: 'analytics',
    async start(ctx) {
      const options = analyticsOptionsFrom(ctx.config as Config | undefined, input);
      const market = ctx.services.get('marketplaces') as Partial<MarketplaceSignals> | undefined;
      const competitors = typeof market?.competitorPrices === 'function' ? market.competitorPrices.bind(market) : undefined;
      const questions = typeof market?.customerQuestions === 'function' ? market.customerQuestions.bind(market) : undefined;
      const service = new AnalyticsService({
        ctx: ctx.opencart,
        logger: ctx.logger, // already a child with module: 'analytics' (app.ts)
        options,
        alert: alertSink(ctx),
        ...(competitors ? { competitors } : {}),
        ...(questions ? { questions } : {}),
      });

      let task: ScheduledTask | null = null;
      if (options.schedule) {
        if (!cron.validate(options.schedule)) throw new Error(`analytics schedule ${JSON.stringify(options.schedule)} is not a valid cron expression`);
        task = cron.schedule(options.schedule, () => void service.startRetrain('schedule'), { timezone: ctx.opencart.timezone, name: 'analytics-retrain', noOverlap: true });
      }
      let startTimer: NodeJS.Timeout | null = null;
      if (options.trainOnStart) {
        const scope = { prefix: ctx.opencart.prefix, storeId: ctx.opencart.storeId };
        // Give the sidecar a moment to finish starting before the first (CPU-heavy) training.
        startTimer = setTimeout(() => {
          latestModel(ctx.knex, scope, 'forecast')
            .then((m) => (m ? undefined : service.startRetrain('start')))
            .catch((err: unknown) => ctx.logger.error({ err }, 'analytics: could not check for a trained model'));
        }, 5000);
        startTimer.unref();
      }
      return {
        routes: [{ path: '/api/analytics', router: analyticsRouter(service) }],
        provides: { analytics: service },
        health: async () => {
          const s = service.status();
          return { ok: s.lastError === null, training: s.running, lastRun: s.lastReport?.status ?? null, ...(s.lastError ? { error: s.lastError } : {}) };
        },
        async stop() {
          if (startTimer) clearTimeout(startTimer);
          await task?.destroy();
          await service.stop();
        },
      };
    },
  };
}

/** The module as the sidecar registers it: the configured settings, defaults for the rest. */
export const analyticsModule: SidecarModule = createAnalyticsModule();
