import type { Knex } from 'knex';
import { errno, ER_DUP_ENTRY, rawRows, rawWrite } from '../../db/raw';

/**
 * Models as data: meschain_ai_models (one versioned row per training run and model name), their
 * backtest in meschain_ai_model_performance, and what they predicted in meschain_ai_predictions.
 * A shop is identified by its OpenCart prefix and store id, since one database may hold several.
 */

export const MODEL_NAMES = ['forecast', 'demand', 'pricing', 'anomalies', 'recommendations'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ShopScope {
  prefix: string;
  storeId: number;
}

export interface ModelRow {
  id: number;
  name: ModelName;
  version: number;
  status: 'training' | 'ready' | 'failed';
  params: Record<string, unknown>;
  trigger: string;
  dataFrom: string | null;
  dataTo: string | null;
  durationMs: number | null;
  error: string | null;
  startedAt: string;
  trainedAt: string | null;
}

export interface PerformanceRow {
  level: string;
  measure: string;
  method: string;
  horizonDays: number;
  origins: number;
  series: number;
  mase: number | null;
  rmsse: number | null;
  wape: number | null;
  bias: number | null;
  coverage80: number | null;
  coverage95: number | null;
  naiveMase: number | null;
  naiveRmsse: number | null;
  naiveWape: number | null;
}

export interface PredictionRow {
  kind: 'forecast' | 'demand' | 'price';
  level: string;
  seriesKey: string;
  measure: string;
  method: string;
  /** First predicted day, 'YYYY-MM-DD'. */
  origin: string;
  horizonDays: number;
  total: number | null;
  payload: unknown;
}

interface DbModel {
  id: number;
  name: ModelName;
  version: number;
  status: ModelRow['status'];
  params: string | Record<string, unknown>;
  trigger: string;
  data_from: string | null;
  data_to: string | null;
  duration_ms: number | null;
  error: string | null;
  started_at: string;
  trained_at: string | null;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

function toModel(r: DbModel): ModelRow {
  return {
    id: Number(r.id),
    name: r.name,
    version: r.version,
    status: r.status,
    params: json(r.params),
    trigger: r.trigger,
    dataFrom: r.data_from,
    dataTo: r.data_to,
    durationMs: r.duration_ms,
    error: r.error,
    startedAt: r.started_at,
    trainedAt: r.trained_at,
  };
}

/** A run still "training" after this long belongs to a process that died. */
export const STALE_TRAINING_MS = 2 * 60 * 60 * 1000;

/** Opens a new version of a model (status training); null when another run of it is in progress. */
export async function startModel(knex: Knex, scope: ShopScope, name: ModelName, params: Record<string, unknown>, trigger: string): Promise<ModelRow | null> {
  await rawWrite(
    knex,
    `UPDATE meschain_ai_models SET status = 'failed', error = 'abandoned: the training process stopped'
      WHERE oc_prefix = ? AND store_id = ? AND name = ? AND status = 'training' AND started_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND`,
    [scope.prefix, scope.storeId, name, Math.round(STALE_TRAINING_MS / 1000)],
  );
  for (let attempt = 0; attempt < 5; attempt++) {
    const [busy] = await rawRows<{ n: number }>(knex, `SELECT COUNT(*) AS n FROM meschain_ai_models WHERE oc_prefix = ? AND store_id = ? AND name = ? AND status = 'training'`, [
      scope.prefix,
      scope.storeId,
      name,
    ]);
    if (Number(busy?.n ?? 0) > 0) return null;
    try {
      const res = await rawWrite(
        knex,
        `INSERT INTO meschain_ai_models (oc_prefix, store_id, name, version, status, params, \`trigger\`)
         SELECT ?, ?, ?, COALESCE(MAX(version), 0) + 1, 'training', ?, ? FROM meschain_ai_models WHERE oc_prefix = ? AND store_id = ? AND name = ?`,
        [scope.prefix, scope.storeId, name, JSON.stringify(params), trigger, scope.prefix, scope.storeId, name],
      );
      return (await getModel(knex, res.insertId))!;
    } catch (err) {
      // Two processes picked the same next version: the loser looks again (and finds the winner training).
      if (errno(err) !== ER_DUP_ENTRY) throw err;
    }
  }
  return null;
}

export async function finishModel(
  knex: Knex,
  id: number,
  outcome: { status: 'ready' | 'failed'; error?: string; durationMs: number; dataFrom?: string | null; dataTo?: string | null; params?: Record<string, unknown> },
): Promise<void> {
  await rawWrite(
    knex,
    `UPDATE meschain_ai_models SET status = ?, error = ?, duration_ms = ?, data_from = ?, data_to = ?, params = COALESCE(?, params),
            trained_at = IF(? = 'ready', UTC_TIMESTAMP(3), trained_at)
      WHERE id = ?`,
    [
      outcome.status,
      outcome.error ?? null,
      Math.round(outcome.durationMs),
      outcome.dataFrom ?? null,
      outcome.dataTo ?? null,
      outcome.params ? JSON.stringify(outcome.params) : null,
      outcome.status,
      id,
    ],
  );
}

export async function getModel(knex: Knex, id: number): Promise<ModelRow | undefined> {
  const [row] = await rawRows<DbModel>(knex, `SELECT * FROM meschain_ai_models WHERE id = ?`, [id]);
  return row ? toModel(row) : undefined;
}

/** The newest ready version of a model, if any. */
export async function latestModel(knex: Knex, scope: ShopScope, name: ModelName): Promise<ModelRow | undefined> {
  const [row] = await rawRows<DbModel>(
    knex,
    `SELECT * FROM meschain_ai_models WHERE oc_prefix = ? AND store_id = ? AND name = ? AND status = 'ready' ORDER BY version DESC LIMIT 1`,
    [scope.prefix, scope.storeId, name],
  );
  return row ? toModel(row) : undefined;
}

export async function listModels(knex: Knex, scope: ShopScope, limit = 20): Promise<ModelRow[]> {
  const rows = await rawRows<DbModel>(knex, `SELECT * FROM meschain_ai_models WHERE oc_prefix = ? AND store_id = ? ORDER BY id DESC LIMIT ?`, [scope.prefix, scope.storeId, limit]);
  return rows.map(toModel);
}

export async function savePerformance(knex: Knex, modelId: number, rows: readonly PerformanceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await knex('meschain_ai_model_performance').insert(
    rows.map((r) => ({
      model_id: modelId,
      level: r.level,
      measure: r.measure,
      method: r.method,
      horizon_days: r.horizonDays,
      origins: r.origins,
      series: r.series,
      mase: finite(r.mase),
      rmsse: finite(r.rmsse),
      wape: finite(r.wape),
      bias: finite(r.bias),
      coverage80: finite(r.coverage80),
      coverage95: finite(r.coverage95),
      naive_mase: finite(r.naiveMase),
      naive_rmsse: finite(r.naiveRmsse),
      naive_wape: finite(r.naiveWape),
    })),
  );
}

export async function loadPerformance(knex: Knex, modelId: number): Promise<PerformanceRow[]> {
  const rows = await rawRows<Record<string, unknown>>(knex, `SELECT * FROM meschain_ai_model_performance WHERE model_id = ? ORDER BY level, measure, horizon_days, method`, [modelId]);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    level: String(r.level),
    measure: String(r.measure),
    method: String(r.method),
    horizonDays: Number(r.horizon_days),
    origins: Number(r.origins),
    series: Number(r.series),
    mase: num(r.mase),
    rmsse: num(r.rmsse),
    wape: num(r.wape),
    bias: num(r.bias),
    coverage80: num(r.coverage80),
    coverage95: num(r.coverage95),
    naiveMase: num(r.naive_mase),
    naiveRmsse: num(r.naive_rmsse),
    naiveWape: num(r.naive_wape),
  }));
}

export async function savePredictions(knex: Knex, modelId: number, rows: readonly PredictionRow[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await knex('meschain_ai_predictions').insert(
      rows.slice(i, i + CHUNK).map((r) => ({
        model_id: modelId,
        kind: r.kind,
        level: r.level,
        series_key: r.seriesKey,
        measure: r.measure,
        method: r.method,
        origin: r.origin,
        horizon_days: r.horizonDays,
        total: finite(r.total),
        payload: JSON.stringify(r.payload),
      })),
    );
  }
}

export async function loadPrediction(knex: Knex, modelId: number, kind: PredictionRow['kind'], level: string, seriesKey: string, measure: string): Promise<PredictionRow | undefined> {
  const [r] = await rawRows<Record<string, unknown>>(
    knex,
    `SELECT kind, level, series_key, measure, method, DATE_FORMAT(origin, '%Y-%m-%d') AS origin, horizon_days, total, payload
       FROM meschain_ai_predictions WHERE model_id = ? AND kind = ? AND level = ? AND series_key = ? AND measure = ?`,
    [modelId, kind, level, seriesKey, measure],
  );
  if (!r) return undefined;
  return {
    kind: r.kind as PredictionRow['kind'],
    level: String(r.level),
    seriesKey: String(r.series_key),
    measure: String(r.measure),
    method: String(r.method),
    origin: String(r.origin),
    horizonDays: Number(r.horizon_days),
    total: r.total === null ? null : Number(r.total),
    payload: json(r.payload),
  };
}

export async function loadPredictions(knex: Knex, modelId: number, kind: PredictionRow['kind'], level: string): Promise<PredictionRow[]> {
  const rows = await rawRows<Record<string, unknown>>(
    knex,
    `SELECT kind, level, series_key, measure, method, DATE_FORMAT(origin, '%Y-%m-%d') AS origin, horizon_days, total, payload
       FROM meschain_ai_predictions WHERE model_id = ? AND kind = ? AND level = ?`,
    [modelId, kind, level],
  );
  return rows.map((r) => ({
    kind: r.kind as PredictionRow['kind'],
    level: String(r.level),
    seriesKey: String(r.series_key),
    measure: String(r.measure),
    method: String(r.method),
    origin: String(r.origin),
    horizonDays: Number(r.horizon_days),
    total: r.total === null ? null : Number(r.total),
    payload: json(r.payload),
  }));
}

/** Keeps the newest `keep` versions of each model of the shop; older ones go with their rows (CASCADE). */
export async function pruneModels(knex: Knex, scope: ShopScope, keep = 3): Promise<number> {
  let removed = 0;
  for (const name of MODEL_NAMES) {
    const res = await rawWrite(
      knex,
      `DELETE m FROM meschain_ai_models m
         JOIN (SELECT version FROM meschain_ai_models WHERE oc_prefix = ? AND store_id = ? AND name = ? AND status <> 'training'
                ORDER BY version DESC LIMIT 1000 OFFSET ?) old ON old.version = m.version
        WHERE m.oc_prefix = ? AND m.store_id = ? AND m.name = ?`,
      [scope.prefix, scope.storeId, name, keep, scope.prefix, scope.storeId, name],
    );
    removed += res.affectedRows;
  }
  return removed;
}
