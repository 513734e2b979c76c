/**
 * Analytics: forecasting, demand, pricing, anomalies, recommendations and marketplace insights over the
 * shop's own OpenCart orders, each reporting its measured backtest. See docs/analytics.md.
 */
export { AnalyticsService, type Answer, type ForecastData, type ForecastPoint, type AnalyticsDeps } from './service/service';
export { AnalyticsInputError, AnalyticsNotReady } from './service/errors';
export type { AccuracyInfo, ModelInfo } from './service/accuracy';
export { analyticsOptionsSchema, type AnalyticsOptions, type AnalyticsOptionsInput } from './models/options';
export { retrain, type RetrainReport } from './models/retrain';
export { loadSeries, salesStatuses, SERIES_LEVELS, MEASURES, type SeriesLevel, type Measure } from './data/sales-series';
export { writeHistory, type WriteHistoryResult } from './data/history-writer';
export type { SalesHistory, HistoryOrder, HistoryProduct, HistoryCategory } from './data/history';
export { loadUciIntoShop } from './data/uci-load';
export { forecastSeries, type SeriesForecast } from './forecast/engine';
export { backtest, rollingOrigins, type MethodScore } from './forecast/backtest';
export { assessListing, LISTING_RULES, type ListingQualityInput, type ListingQuality } from './insights/listing-quality';
export { scoreText, summarizeTexts, type CustomerText, type SentimentSummary } from './insights/sentiment';
export type { AnomalyAlert, AlertSink } from './models/train-anomalies';
export type { CompetitorPrice, PriceRules } from './pricing/optimise';
