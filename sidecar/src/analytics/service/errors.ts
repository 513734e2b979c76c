/** Errors the analytics service raises for callers (HTTP maps them to 400 / 503 with both languages). */

export class AnalyticsInputError extends Error {
  override name = 'AnalyticsInputError';
  constructor(
    readonly code: string,
    readonly en: string,
    readonly tr: string,
  ) {
    super(en);
  }
}

export class AnalyticsNotReady extends Error {
  override name = 'AnalyticsNotReady';
  readonly code = 'model_not_ready';
  constructor(
    readonly model: string,
    readonly en = `The ${model} model has not been trained yet; training runs after start-up and nightly (or POST /api/analytics/retrain).`,
    readonly tr = `${model} modeli henüz eğitilmedi; eğitim başlangıçta ve her gece çalışır (ya da POST /api/analytics/retrain).`,
  ) {
    super(en);
  }
}
