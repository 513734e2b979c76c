import type { OcContext } from '../../db/opencart';
import type { Logger } from '../../util/logger';
import type { AnalyticsOptions } from './options';
import { loadSnapshot, NoSalesHistory, type Snapshot } from './snapshot';
import { finishModel, pruneModels, savePerformance, savePredictions, startModel, type ModelName, type ModelRow, type ShopScope } from './store';
import { trainDemand, type DemandPayload } from './train-demand';
import { trainForecast } from './train-forecast';
import { runAnomalies, type AlertSink } from './train-anomalies';
import { trainPricing, type CompetitorSource, type PricePayload } from './train-pricing';
import { trainRecommendations } from './train-recommend';

/**
 * A training run: read the shop's data once, then train and store each model as a new version
 * (forecast, demand, pricing, anomalies, recommendations). A model that fails is marked failed with
 * its error and the others still run. Only one run per shop at a time (the models table guards it,
 * across processes). The work yields to the event loop regularly: it runs inside the serving process.
 */

export interface RetrainDeps {
  ctx: OcContext;
  logger: Logger;
  options: AnalyticsOptions;
  alert?: AlertSink;
  competitors?: CompetitorSource;
  /** Aborting stops the run at its next yield (the sidecar is shutting down). */
  signal?: AbortSignal;
}

export interface RetrainReport {
  status: 'done' | 'busy' | 'no_data' | 'failed';
  message?: string;
  models: Array<{ name: ModelName; version: number; status: 'ready' | 'failed'; durationMs: number; error?: string }>;
}

function ticker(signal: AbortSignal | undefined): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (signal?.aborted) throw new Error('analytics training stopped: the sidecar is shutting down');
    if (Date.now() - last < 25) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  };
}

export async function retrain(deps: RetrainDeps, trigger: 'schedule' | 'demand' | 'start'): Promise<RetrainReport> {
  const { ctx, logger, options } = deps;
  const scope: ShopScope = { prefix: ctx.prefix, storeId: ctx.storeId };
  const knex = ctx.knex;
  const first = await startModel(knex, scope, 'forecast', { options }, trigger);
  if (!first) return { status: 'busy', message: 'a training run is already in progress', models: [] };

  let snap: Snapshot;
  try {
    snap = await loadSnapshot(ctx, options);
  } catch (err) {
    await finishModel(knex, first.id, { status: 'failed', error: (err as Error).message, durationMs: 0 });
    if (err instanceof NoSalesHistory) return { status: 'no_data', message: err.message, models: [] };
    throw err;
  }
  const tick = ticker(deps.signal);
  const report: RetrainReport = { status: 'done', models: [] };
  const window = { dataFrom: snap.from, dataTo: snap.to };

  const run = async (name: ModelName, opened: ModelRow | null, body: (model: ModelRow) => Promise<Record<string, unknown>>): Promise<boolean> => {
    const model = opened ?? (await startModel(knex, scope, name, { options }, trigger));
    if (!model) return false;
    const started = Date.now();
    try {
      const params = await body(model);
      const durationMs = Date.now() - started;
      await finishModel(knex, model.id, { status: 'ready', durationMs, ...window, params });
      report.models.push({ name, version: model.version, status: 'ready', durationMs });
      logger.info({ model: name, version: model.version, durationMs }, 'analytics model trained');
      return true;
    } catch (err) {
      const durationMs = Date.now() - started;
      const error = (err as Error).message;
      await finishModel(knex, model.id, { status: 'failed', error, durationMs, ...window });
      report.models.push({ name, version: model.version, status: 'failed', durationMs, error });
      logger.error({ err, model: name }, 'analytics model failed');
      return false;
    }
  };

  await run('forecast', first, async (m) => {
    const r = await trainForecast(snap, options, tick);
    await savePerformance(knex, m.id, r.performance);
    await savePredictions(knex, m.id, r.predictions);
    return r.params;
  });

  const demand = new Map<string, DemandPayload>();
  await run('demand', null, async (m) => {
    const r = await trainDemand(snap, options, tick);
    await savePerformance(knex, m.id, r.performance);
    await savePredictions(knex, m.id, r.predictions);
    for (const p of r.predictions) demand.set(p.seriesKey, p.payload as DemandPayload);
    return r.params;
  });

  const prices = new Map<string, PricePayload>();
  await run('pricing', null, async (m) => {
    const r = await trainPricing(snap, options, demand, deps.competitors, tick);
    await savePredictions(knex, m.id, r.predictions);
    for (const p of r.predictions) prices.set(p.seriesKey, p.payload as PricePayload);
    return r.params;
  });

  await run('anomalies', null, async (m) => {
    const r = await runAnomalies(snap, options, m.id, deps.alert);
    return { ...r.params, alerted: r.alerted };
  });

  await run('recommendations', null, async (m) => {
    const r = await trainRecommendations(snap, options, demand, prices);
    const CHUNK = 500;
    for (let i = 0; i < r.rows.length; i += CHUNK) {
      await knex('meschain_ai_recommendations').insert(
        r.rows.slice(i, i + CHUNK).map((row) => ({
          model_id: m.id,
          kind: row.kind,
          product_id: row.productId,
          related_product_id: row.relatedProductId,
          action: row.action,
          marketplace_id: row.marketplaceId,
          rank: row.rank,
          score: row.score,
          expected_value: row.expectedValue === null ? null : row.expectedValue.toFixed(4),
          reason: JSON.stringify(row.reason),
        })),
      );
    }
    return r.params;
  });

  await pruneModels(knex, scope, options.keepVersions);
  return report;
}
