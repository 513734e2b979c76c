import cron, { type ScheduledTask } from 'node-cron';
import { analyticsRouter } from '../analytics/http/routes';
import { analyticsOptionsSchema, type AnalyticsOptionsInput } from '../analytics/models/options';
import { latestModel } from '../analytics/models/store';
import type { AlertSink, AnomalyAlert } from '../analytics/models/train-anomalies';
import type { CompetitorSource } from '../analytics/models/train-pricing';
import type { QuestionSource } from '../analytics/insights/feedback-source';
import { AnalyticsService } from '../analytics/service/service';
import type { ModuleContext, SidecarModule } from './types';

/**
 * The analytics module: /api/analytics/... routes, retraining on a schedule (node-cron, in the shop's
 * time zone) and on demand, and the `analytics` service (AnalyticsService) for modules started later,
 * such as the public API. Alerts for anomalies go to an `alerts` service when one is provided
 * (`raise(alert)`), else to the log; competitor prices and customer questions come from a
 * `marketplaces` service that offers `competitorPrices(productIds)` and `customerQuestions(days)`.
 */

interface AlertsService {
  raise(alert: { source: string; severity: string; title: { en: string; tr: string }; details: AnomalyAlert }): Promise<unknown> | unknown;
}
interface MarketplaceSignals {
  competitorPrices: CompetitorSource;
  customerQuestions: QuestionSource;
}

function alertSink(ctx: ModuleContext): AlertSink {
  const alerts = ctx.services.get('alerts') as Partial<AlertsService> | undefined;
  return async (a) => {
    const title = { en: `Analytics: ${a.severity} ${a.direction} in ${a.source.replace('_', ' ')}`, tr: `Analiz: ${a.source} için ${a.severity} düzeyde anomali` };
    if (typeof alerts?.raise === 'function') await alerts.raise({ source: 'analytics', severity: a.severity, title, details: a });
    else ctx.logger.warn({ anomaly: a }, a.explanation.en);
  };
}

export function createAnalyticsModule(input: AnalyticsOptionsInput = {}): SidecarModule {
  return {
    name: 'analytics',
    async start(ctx) {
      const options = analyticsOptionsSchema.parse(input);
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

/** The module as the sidecar registers it, with default settings. */
export const analyticsModule: SidecarModule = createAnalyticsModule();
