import type { OcContext } from '../../db/opencart';
import { rawRows, rawWrite } from '../../db/raw';
import type { Logger } from '../../util/logger';
import { dayIndex, dayString, weekday } from '../calendar';
import { loadProductFacts, loadSeries, type Measure, type SeriesLevel } from '../data/sales-series';
import { closureFlags, holidayCalendarFor } from '../forecast/closures';
import { forecastSeries } from '../forecast/engine';
import { weekdayProfile } from '../forecast/naive';
import { assessListing, type ListingQuality } from '../insights/listing-quality';
import { loadListingInputs } from '../insights/listing-source';
import { summarizeTexts, type CustomerText, type SentimentSummary } from '../insights/sentiment';
import { MAX_FEEDBACK_DAYS, type FeedbackSourceReport, type QuestionSource } from '../insights/feedback-source';
import { isMarketplaceCode, marketplaceCodes } from '../../marketplaces/types';
import type { AnalyticsOptions } from '../models/options';
import { retrain, type RetrainReport } from '../models/retrain';
import { latestModel, listModels, loadPerformance, loadPrediction, type ModelName, type ModelRow, type PerformanceRow } from '../models/store';
import type { AlertSink } from '../models/train-anomalies';
import type { DemandPayload } from '../models/train-demand';
import { toPayload, type ForecastPayload } from '../models/train-forecast';
import type { PricePayload, CompetitorSource } from '../models/train-pricing';
import { suggestPrice, type CompetitorPrice, type PriceRules } from '../pricing/optimise';
import { accuracyOf, modelInfo, pickPerformance, type AccuracyInfo, type ModelInfo } from './accuracy';
import { AnalyticsInputError, AnalyticsNotReady } from './errors';
import { popularFallback } from './popular';

/** The demand model's backtest rows: `rf_blend` since the blend with the naive rate, `rf` in versions trained before it. */
const isDemandBacktest = (r: { method: string }) => r.method === 'rf_blend' || r.method === 'rf';

/**
 * The analytics façade: what the HTTP routes and other modules (the public API) call. Reads serve the
 * newest trained model version and always say which version and how it backtested; training runs in
 * the background, one at a time.
 */

export interface AnalyticsDeps {
  ctx: OcContext;
  logger: Logger;
  options: AnalyticsOptions;
  alert?: AlertSink;
  competitors?: CompetitorSource;
  /** Recent customer questions of the connected marketplaces (the `marketplaces` service). */
  questions?: QuestionSource;
}

export interface Answer<T> {
  data: T;
  model: ModelInfo;
  accuracy: AccuracyInfo | AccuracyInfo[] | null;
}

export interface ForecastPoint {
  date: string;
  mean: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface ForecastData {
  level: SeriesLevel;
  key: string;
  measure: Measure;
  horizon: number;
  method: string;
  origin: string;
  total: number;
  points: ForecastPoint[];
  /** True when the series was not in the trained set and was forecast on request. */
  onDemand: boolean;
}

/** Listing checks are rules, not a fitted model: their version is this. */
export const LISTING_RULES_VERSION = 1;
/** Feedback summaries come from a lexicon, not a fitted model. */
export const FEEDBACK_MODEL: ModelInfo = { name: 'sentiment-lexicon', version: 1, trainedAt: null, dataFrom: null, dataTo: null };

/** The summary of the marketplaces' own customer feedback, with where it came from. */
export interface MarketplaceFeedback extends SentimentSummary {
  days: number;
  since: string;
  until: string;
  marketplace: string | null;
  /** One entry per connected account asked (empty: no account, or no marketplaces service). */
  sources: FeedbackSourceReport[];
  truncated: boolean;
}

export class AnalyticsService {
  private running: Promise<RetrainReport> | null = null;
  private abort: AbortController | null = null;
  private lastReport: RetrainReport | null = null;
  private lastError: string | null = null;

  constructor(private readonly deps: AnalyticsDeps) {}

  get options(): AnalyticsOptions {
    return this.deps.options;
  }

  private get scope() {
    return { prefix: this.deps.ctx.prefix, storeId: this.deps.ctx.storeId };
  }

  private async model(name: ModelName): Promise<ModelRow> {
    const m = await latestModel(this.deps.ctx.knex, this.scope, name);
    if (!m) throw new AnalyticsNotReady(name);
    return m;
  }

  /** 400 unless the product exists in the shop. */
  async requireProduct(productId: number): Promise<{ name: string; listPrice: number; quantity: number }> {
    if (!Number.isInteger(productId) || productId <= 0) throw new AnalyticsInputError('bad_product', `product id must be a positive whole number, got ${productId}`, `ürün kimliği pozitif bir tam sayı olmalı, gelen: ${productId}`);
    const facts = (await loadProductFacts(this.deps.ctx, [productId])).get(productId);
    if (!facts) throw new AnalyticsInputError('unknown_product', `product ${productId} does not exist in this shop`, `${productId} numaralı ürün bu mağazada yok`);
    return facts;
  }

  async forecast(q: { level: SeriesLevel; key?: string; measure?: Measure; horizon: number }): Promise<Answer<ForecastData>> {
    const max = this.deps.options.horizonDays;
    if (!Number.isInteger(q.horizon) || q.horizon < 1 || q.horizon > max) {
      throw new AnalyticsInputError('bad_horizon', `horizon must be a whole number of days from 1 to ${max}, got ${q.horizon}`, `ufuk 1 ile ${max} arasında tam gün olmalı, gelen: ${q.horizon}`);
    }
    const measure = q.measure ?? 'units';
    if (q.level !== 'store' && measure !== 'units') throw new AnalyticsInputError('bad_measure', `only units are forecast at ${q.level} level`, `${q.level} düzeyinde yalnızca adet tahmin edilir`);
    const key = q.level === 'store' ? 'store' : (q.key ?? '');
    if (q.level === 'product') await this.requireProduct(Number(key));
    if (q.level === 'category') await this.requireCategory(Number(key));
    if (q.level === 'marketplace' && key !== 'web' && !isMarketplaceCode(key)) {
      const known = ['web', ...marketplaceCodes].join(', ');
      throw new AnalyticsInputError('unknown_marketplace', `marketplace must be one of ${known} (web: the shop's own orders), got ${key}`, `pazaryeri şunlardan biri olmalı: ${known} (web: mağazanın kendi siparişleri); gelen: ${key}`);
    }
    const model = await this.model('forecast');
    let stored = await loadPrediction(this.deps.ctx.knex, model.id, 'forecast', q.level, key, measure);
    let onDemand = false;
    if (!stored) {
      stored = await this.forecastOnDemand(model, q.level, key, measure);
      onDemand = true;
    }
    const p = stored.payload as ForecastPayload;
    const start = dayIndex(stored.origin);
    const points: ForecastPoint[] = p.mean.slice(0, q.horizon).map((mean, k) => ({ date: dayString(start + k), mean, lower80: p.lower80[k]!, upper80: p.upper80[k]!, lower95: p.lower95[k]!, upper95: p.upper95[k]! }));
    const perf = await loadPerformance(this.deps.ctx.knex, model.id);
    const row = pickPerformance(perf, q.level, measure, 'auto', q.horizon);
    return {
      data: { level: q.level, key, measure, horizon: q.horizon, method: stored.method, origin: stored.origin, total: points.reduce((s, x) => s + x.mean, 0), points, onDemand },
      model: modelInfo(model),
      accuracy: row ? accuracyOf(row) : null,
    };
  }

  private async requireCategory(categoryId: number): Promise<void> {
    const [row] = Number.isInteger(categoryId) && categoryId > 0 ? await rawRows<{ n: number }>(this.deps.ctx.knex, `SELECT COUNT(*) AS n FROM \`${this.deps.ctx.table('category')}\` WHERE category_id = ?`, [categoryId]) : [];
    if (!row || Number(row.n) === 0) throw new AnalyticsInputError('unknown_category', `category ${categoryId} does not exist in this shop`, `${categoryId} numaralı kategori bu mağazada yok`);
  }

  /** A series the run did not cover (a slow seller): fitted now on the model's data window. */
  private async forecastOnDemand(model: ModelRow, level: SeriesLevel, key: string, measure: Measure) {
    const from = model.dataFrom!;
    const to = model.dataTo!;
    const set = await loadSeries(this.deps.ctx, { level, measure, from, to, ...(level === 'store' ? {} : { keys: [level === 'marketplace' ? key : Number(key)] }) });
    const y = set.series.get(key) ?? new Array<number>(dayIndex(to) - dayIndex(from) + 1).fill(0);
    const firstWeekday = weekday(dayIndex(from));
    const store = level === 'store' && measure === 'units' ? y : (await loadSeries(this.deps.ctx, { level: 'store', measure: 'units', from, to })).series.get('store')!;
    const h = this.deps.options.horizonDays;
    const closed = closureFlags(store, dayIndex(from), h, holidayCalendarFor(this.deps.ctx.timezone));
    const profile = level === 'product' ? weekdayProfile(store, firstWeekday) : undefined;
    const f = forecastSeries(y, h, { season: 7, firstWeekday, closed, ...(profile ? { profile } : {}) }, { aggregate: level !== 'product' });
    return { kind: 'forecast' as const, level, seriesKey: key, measure, method: f.method, origin: dayString(dayIndex(to) + 1), horizonDays: this.deps.options.horizonDays, total: null, payload: toPayload(f) };
  }

  async demand(productId: number): Promise<Answer<DemandPayload & { productId: number; name: string; note?: { en: string; tr: string } }>> {
    const facts = await this.requireProduct(productId);
    const model = await this.model('demand');
    const stored = await loadPrediction(this.deps.ctx.knex, model.id, 'demand', 'product', String(productId), 'units');
    const perf = await loadPerformance(this.deps.ctx.knex, model.id);
    const accuracy = perf.filter(isDemandBacktest).map(accuracyOf);
    if (!stored) {
      const none: DemandPayload = { units7: 0, units30: 0, stock: facts.quantity, group: 'none', method: 'naive', dailyRate: 0, daysOfCover: null, stockoutDate: null, reorder: { needed: false, quantity: 0, orderBy: null } };
      return {
        data: { ...none, productId, name: facts.name, note: { en: 'No sales in the last 91 days: no demand expected.', tr: 'Son 91 günde satış yok: talep beklenmiyor.' } },
        model: modelInfo(model),
        accuracy,
      };
    }
    return { data: { ...(stored.payload as DemandPayload), productId, name: facts.name }, model: modelInfo(model), accuracy };
  }

  async pricing(productId: number, live?: { competitors?: CompetitorPrice[]; rules?: PriceRules }): Promise<Answer<PricePayload & { productId: number; name: string }>> {
    const facts = await this.requireProduct(productId);
    const model = await this.model('pricing');
    const stored = await loadPrediction(this.deps.ctx.knex, model.id, 'price', 'product', String(productId), 'price');
    const demandModel = await latestModel(this.deps.ctx.knex, this.scope, 'demand');
    const accuracy = demandModel ? (await loadPerformance(this.deps.ctx.knex, demandModel.id)).filter(isDemandBacktest).map(accuracyOf) : null;
    let payload = (stored?.payload as PricePayload | undefined) ?? null;
    const rules = live?.rules ?? payload?.rules ?? (await this.priceRules(productId));
    if (!payload || live) {
      const elasticity = payload?.elasticity ?? null;
      const base = demandModel ? ((await loadPrediction(this.deps.ctx.knex, demandModel.id, 'demand', 'product', String(productId), 'units'))?.payload as DemandPayload | undefined)?.dailyRate ?? 0 : 0;
      payload = {
        elasticity,
        unavailable: payload?.unavailable ?? (elasticity ? null : { code: 'no_sales', en: 'No recent sales to learn from.', tr: 'Öğrenilecek yakın tarihli satış yok.' }),
        rules,
        suggestion: suggestPrice({ currentPrice: facts.listPrice > 0 ? facts.listPrice : 1, baseUnitsPerDay: base, elasticity, rules, competitors: live?.competitors ?? [] }),
      };
    }
    return { data: { ...payload, productId, name: facts.name }, model: modelInfo(model), accuracy };
  }

  async priceRules(productId: number): Promise<PriceRules> {
    const [r] = await rawRows<{ cost: string | null; min_price: string | null; max_price: string | null; min_margin: string }>(
      this.deps.ctx.knex,
      `SELECT cost, min_price, max_price, min_margin FROM meschain_ai_price_rules WHERE oc_prefix = ? AND product_id = ?`,
      [this.deps.ctx.prefix, productId],
    );
    const num = (v: string | null) => (v === null ? null : Number(v));
    return r ? { cost: num(r.cost), minPrice: num(r.min_price), maxPrice: num(r.max_price), minMargin: Number(r.min_margin) } : { cost: null };
  }

  async setPriceRules(productId: number, rules: { cost: number | null; minPrice?: number | null; maxPrice?: number | null; minMargin?: number }): Promise<PriceRules> {
    await this.requireProduct(productId);
    if (rules.minPrice != null && rules.maxPrice != null && rules.minPrice > rules.maxPrice) {
      throw new AnalyticsInputError('bad_bounds', 'minPrice is above maxPrice', 'minPrice, maxPrice değerinden büyük');
    }
    await rawWrite(
      this.deps.ctx.knex,
      `INSERT INTO meschain_ai_price_rules (oc_prefix, product_id, cost, min_price, max_price, min_margin) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE cost = VALUES(cost), min_price = VALUES(min_price), max_price = VALUES(max_price), min_margin = VALUES(min_margin), updated_at = UTC_TIMESTAMP(3)`,
      [this.deps.ctx.prefix, productId, rules.cost, rules.minPrice ?? null, rules.maxPrice ?? null, rules.minMargin ?? 0.1],
    );
    return this.priceRules(productId);
  }

  async anomalies(q: { days?: number; severity?: 'low' | 'medium' | 'high'; source?: string } = {}) {
    const model = await this.model('anomalies');
    const rank = { low: 1, medium: 2, high: 3 } as const;
    const since = dayString(dayIndex(model.dataTo ?? dayString(0)) - (q.days ?? 28) + 1);
    const rows = await rawRows<Record<string, unknown>>(
      this.deps.ctx.knex,
      `SELECT source, series_key, DATE_FORMAT(day, '%Y-%m-%d') AS day, observed, expected, score, severity, direction, explanation, alerted_at
         FROM meschain_ai_anomalies WHERE oc_prefix = ? AND store_id = ? AND day >= ?${q.source ? ' AND source = ?' : ''} ORDER BY day DESC, ABS(score) DESC`,
      [this.deps.ctx.prefix, this.deps.ctx.storeId, since, ...(q.source ? [q.source] : [])],
    );
    const list = rows
      .map((r) => ({
        source: String(r.source),
        seriesKey: String(r.series_key),
        day: String(r.day),
        observed: Number(r.observed),
        expected: Number(r.expected),
        score: Number(r.score),
        severity: r.severity as 'low' | 'medium' | 'high',
        direction: String(r.direction),
        explanation: typeof r.explanation === 'string' ? (JSON.parse(r.explanation) as { en: string; tr: string }) : (r.explanation as { en: string; tr: string }),
        alerted: r.alerted_at !== null,
      }))
      .filter((a) => !q.severity || rank[a.severity] >= rank[q.severity]);
    return { data: { since, anomalies: list, detector: model.params }, model: modelInfo(model), accuracy: null };
  }

  async boughtTogether(productId: number, limit = 5) {
    await this.requireProduct(productId);
    const model = await this.model('recommendations');
    const rows = await rawRows<{ kind: string; related_product_id: number; rank: number; score: number; reason: string | object }>(
      this.deps.ctx.knex,
      `SELECT kind, related_product_id, \`rank\`, score, reason FROM meschain_ai_recommendations WHERE model_id = ? AND kind IN ('together', 'popular') AND product_id = ? ORDER BY \`rank\` LIMIT ?`,
      [model.id, productId, limit],
    );
    // No list stored (the product is outside the run's products: new, or no recent sales): best sellers now.
    const fallback = rows.length === 0 && model.dataTo ? await popularFallback(this.deps.ctx, productId, model.dataTo, limit) : [];
    const items = [
      ...rows.map((r) => ({ productId: r.related_product_id, kind: r.kind, rank: r.rank, score: Number(r.score), reason: typeof r.reason === 'string' ? (JSON.parse(r.reason) as unknown) : r.reason })),
      ...fallback.map((f, i) => ({ productId: f.productId, kind: f.kind, rank: i + 1, score: f.score, reason: f.reason as unknown })),
    ];
    const facts = await loadProductFacts(this.deps.ctx, items.map((r) => r.productId));
    return {
      data: {
        productId,
        items: items.map((r) => ({ ...r, name: facts.get(r.productId)?.name ?? null })),
        backtest: (model.params as { backtest?: unknown }).backtest ?? null,
      },
      model: modelInfo(model),
      accuracy: null,
    };
  }

  async actions(limit = 20) {
    const model = await this.model('recommendations');
    const rows = await rawRows<{ action: string; product_id: number; marketplace_id: number | null; rank: number; expected_value: string | null; reason: string | object }>(
      this.deps.ctx.knex,
      `SELECT action, product_id, marketplace_id, \`rank\`, expected_value, reason FROM meschain_ai_recommendations WHERE model_id = ? AND kind = 'action' ORDER BY \`rank\` LIMIT ?`,
      [model.id, limit],
    );
    return {
      data: { currency: this.deps.ctx.defaultCurrency, actions: rows.map((r) => ({ action: r.action, productId: r.product_id, marketplaceId: r.marketplace_id, rank: r.rank, expectedValue: r.expected_value === null ? null : Number(r.expected_value), reason: typeof r.reason === 'string' ? JSON.parse(r.reason) : r.reason })) },
      model: modelInfo(model),
      accuracy: null,
    };
  }

  async listingQuality(q: { marketplace?: string; productId?: number; limit?: number } = {}): Promise<Answer<{ listings: ListingQuality[] }>> {
    if (q.marketplace !== undefined && !isMarketplaceCode(q.marketplace)) {
      const known = marketplaceCodes.join(', ');
      throw new AnalyticsInputError('unknown_marketplace', `marketplace must be one of ${known}, got ${q.marketplace}`, `marketplace şunlardan biri olmalı: ${known}; gelen: ${q.marketplace}`);
    }
    if (q.productId !== undefined) await this.requireProduct(q.productId);
    const inputs = await loadListingInputs(this.deps.ctx, { ...(q.marketplace ? { marketplace: q.marketplace } : {}), ...(q.productId ? { productIds: [q.productId] } : {}), limit: q.limit ?? 500 });
    const listings = inputs.map((i) => assessListing(i)).sort((a, b) => a.score - b.score);
    return { data: { listings }, model: { name: 'listing-rules', version: LISTING_RULES_VERSION, trainedAt: null, dataFrom: null, dataTo: null }, accuracy: null };
  }

  /** Keyword and sentiment summary of customer questions/reviews (fed by marketplace adapters). */
  feedbackSummary(texts: readonly CustomerText[]): SentimentSummary {
    return summarizeTexts(texts);
  }

  /**
   * Keyword and sentiment summary of the customer questions the connected marketplaces served for the
   * last `days` days (reviews too, where a marketplace's API offers them: Trendyol's does not).
   */
  async marketplaceFeedback(q: { days: number; marketplace?: string }): Promise<Answer<MarketplaceFeedback>> {
    if (!Number.isInteger(q.days) || q.days < 1 || q.days > MAX_FEEDBACK_DAYS) {
      throw new AnalyticsInputError('bad_days', `days must be a whole number from 1 to ${MAX_FEEDBACK_DAYS}, got ${q.days}`, `days 1 ile ${MAX_FEEDBACK_DAYS} arasında tam sayı olmalı, gelen: ${q.days}`);
    }
    if (q.marketplace !== undefined && !isMarketplaceCode(q.marketplace)) {
      const known = marketplaceCodes.join(', ');
      throw new AnalyticsInputError('unknown_marketplace', `marketplace must be one of ${known}, got ${q.marketplace}`, `marketplace şunlardan biri olmalı: ${known}; gelen: ${q.marketplace}`);
    }
    const now = Date.now();
    const harvest = this.deps.questions
      ? await this.deps.questions(q.days, q.marketplace !== undefined ? { marketplace: q.marketplace } : {})
      : { since: new Date(now - q.days * 86_400_000).toISOString(), until: new Date(now).toISOString(), questions: [], sources: [], truncated: false };
    const texts: CustomerText[] = harvest.questions.map((x) => ({ kind: 'question', marketplace: x.marketplace, text: x.text }));
    return {
      data: { ...summarizeTexts(texts), days: q.days, since: harvest.since, until: harvest.until, marketplace: q.marketplace ?? null, sources: harvest.sources, truncated: harvest.truncated },
      model: FEEDBACK_MODEL,
      accuracy: null,
    };
  }

  async models(): Promise<Array<ModelRow & { performance: PerformanceRow[] }>> {
    const list = await listModels(this.deps.ctx.knex, this.scope, 25);
    return Promise.all(list.map(async (m) => ({ ...m, performance: await loadPerformance(this.deps.ctx.knex, m.id) })));
  }

  /** Starts a training run in the background unless one is running here; resolves when it ends. */
  startRetrain(trigger: 'schedule' | 'demand' | 'start'): { started: boolean; done: Promise<RetrainReport> } {
    if (this.running) return { started: false, done: this.running };
    this.abort = new AbortController();
    const done = retrain({ ...this.deps, signal: this.abort.signal }, trigger)
      .then((r) => {
        this.lastReport = r;
        this.lastError = null;
        return r;
      })
      .catch((err: unknown) => {
        this.lastError = (err as Error).message;
        this.deps.logger.error({ err }, 'analytics retraining failed');
        return { status: 'failed', message: (err as Error).message, models: [] } as RetrainReport;
      })
      .finally(() => {
        this.running = null;
      });
    this.running = done;
    return { started: true, done };
  }

  /** Stops a running training at its next yield and waits for it to wind down. */
  async stop(): Promise<void> {
    this.abort?.abort();
    if (this.running) await this.running;
  }

  status(): { running: boolean; lastReport: RetrainReport | null; lastError: string | null } {
    return { running: this.running !== null, lastReport: this.lastReport, lastError: this.lastError };
  }
}
