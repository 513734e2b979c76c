import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { MEASURES, SERIES_LEVELS } from '../data/sales-series';
import { DEFAULT_FEEDBACK_DAYS } from '../insights/feedback-source';
import { FEEDBACK_MODEL, type AnalyticsService } from '../service/service';
import { AnalyticsInputError, AnalyticsNotReady } from '../service/errors';

/**
 * /api/analytics/... — every answer about the shop (forecast, demand, pricing, anomalies,
 * recommendations, insights) is `{ data, model: {name, version, trainedAt…}, accuracy }`: accuracy is
 * the model's own backtest, or null where there is none to give (a rule set, an anomaly detector with
 * no ground truth; bought-together carries its hit rate in data.backtest). The model-management routes
 * (/models, /retrain, price rules) answer `{ data }`. Bad input gets 400 with the problem named in
 * English and Turkish; an untrained model gets 503.
 */

const id = z.coerce.number().int().positive();
const horizon = z.coerce.number().int();
const forecastQuery = z.object({
  level: z.enum(SERIES_LEVELS).default('store'),
  id: z.string().max(64).optional(),
  measure: z.enum(MEASURES).optional(),
  horizon: horizon.default(30),
});
const competitor = z.object({ marketplace: z.string().min(1).max(32), price: z.number().positive(), seller: z.string().max(128).optional() });
const money = z.number().nonnegative().max(1e9);
const rules = z.object({ cost: money.nullable(), minPrice: money.nullable().optional(), maxPrice: money.nullable().optional(), minMargin: z.number().min(0).max(0.95).optional() });
const feedback = z.object({
  texts: z
    .array(z.object({ kind: z.enum(['question', 'review']), marketplace: z.string().min(1).max(32), productId: z.number().int().positive().optional(), text: z.string().max(5000), rating: z.number().min(1).max(5).optional() }))
    .max(5000),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  throw new AnalyticsInputError('bad_request', `invalid ${what}: ${detail}`, `geçersiz ${what}: ${detail}`);
}

type Handler = (req: Request, res: Response) => Promise<unknown>;
const wrap = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  // A synchronous throw (validation) takes the same path as a rejected promise.
  Promise.resolve()
    .then(() => fn(req, res))
    .then(
      (body) => {
        if (!res.headersSent) res.json(body);
      },
      (err: unknown) => {
        if (err instanceof AnalyticsInputError) res.status(400).json({ error: { code: err.code, message: err.en, messages: { en: err.en, tr: err.tr } } });
        else if (err instanceof AnalyticsNotReady) res.status(503).json({ error: { code: err.code, message: err.en, messages: { en: err.en, tr: err.tr } } });
        else next(err);
      },
    );
};

export function analyticsRouter(service: AnalyticsService): Router {
  const r = Router();
  r.use(express.json({ limit: '2mb' }));

  const forecast = (req: Request) => {
    const q = parse(forecastQuery, { ...req.query, ...(req.params.level ? { level: req.params.level } : {}), ...(req.params.id ? { id: req.params.id } : {}) }, 'query');
    if (q.level !== 'store' && !q.id) throw new AnalyticsInputError('missing_id', `id is required for level ${q.level}`, `${q.level} düzeyi için id gerekli`);
    return service.forecast({ level: q.level, horizon: q.horizon, ...(q.id ? { key: q.id } : {}), ...(q.measure ? { measure: q.measure } : {}) });
  };
  r.get('/forecast', wrap(forecast));
  r.get('/forecast/:level', wrap(forecast));
  r.get('/forecast/:level/:id', wrap(forecast));

  r.get('/demand/:productId', wrap((req) => service.demand(parse(id, req.params.productId, 'productId'))));

  r.get('/pricing/:productId', wrap((req) => service.pricing(parse(id, req.params.productId, 'productId'))));
  r.post(
    '/pricing/:productId/suggest',
    wrap((req) => {
      const body = parse(z.object({ competitors: z.array(competitor).max(200).default([]), rules: rules.optional() }), req.body ?? {}, 'body');
      return service.pricing(parse(id, req.params.productId, 'productId'), { competitors: body.competitors, ...(body.rules ? { rules: body.rules } : {}) });
    }),
  );
  r.put(
    '/pricing/:productId/rules',
    wrap(async (req) => ({ data: await service.setPriceRules(parse(id, req.params.productId, 'productId'), parse(rules, req.body, 'body')) })),
  );

  r.get(
    '/anomalies',
    wrap((req) => {
      const q = parse(z.object({ days: z.coerce.number().int().min(1).max(365).optional(), severity: z.enum(['low', 'medium', 'high']).optional(), source: z.enum(['sales', 'orders', 'sync_errors', 'stock_moves']).optional() }), req.query, 'query');
      return service.anomalies(q);
    }),
  );

  const limit = z.object({ limit: z.coerce.number().int().min(1).max(100).optional() });
  r.get('/recommendations/together/:productId', wrap((req) => service.boughtTogether(parse(id, req.params.productId, 'productId'), parse(limit, req.query, 'query').limit ?? 5)));
  r.get('/recommendations/actions', wrap((req) => service.actions(parse(limit, req.query, 'query').limit ?? 20)));

  r.get(
    '/insights/listings',
    wrap((req) => {
      const q = parse(z.object({ marketplace: z.string().regex(/^[a-z0-9_-]{2,32}$/).optional(), productId: id.optional() }), req.query, 'query');
      return service.listingQuality({ ...(q.marketplace ? { marketplace: q.marketplace } : {}), ...(q.productId ? { productId: q.productId } : {}) });
    }),
  );
  r.post(
    '/insights/feedback',
    wrap(async (req) => {
      const body = parse(feedback, req.body, 'body');
      return { data: service.feedbackSummary(body.texts), model: FEEDBACK_MODEL, accuracy: null };
    }),
  );
  r.get(
    '/insights/feedback',
    wrap((req) => {
      // `?marketplace=` (empty) means every marketplace; the service names an unknown code.
      const q = parse(
        z.object({ marketplace: z.string().max(32).optional().transform((m) => (m === '' ? undefined : m)), days: z.coerce.number().int().default(DEFAULT_FEEDBACK_DAYS) }),
        req.query,
        'query',
      );
      return service.marketplaceFeedback({ days: q.days, ...(q.marketplace !== undefined ? { marketplace: q.marketplace } : {}) });
    }),
  );

  r.get('/models', wrap(async () => ({ data: await service.models() })));
  r.get('/retrain', wrap(async () => ({ data: service.status() })));
  r.post(
    '/retrain',
    wrap(async (_req, res) => {
      const { started } = service.startRetrain('demand');
      res.status(started ? 202 : 409).json({
        data: { started, ...service.status() },
        ...(started ? {} : { error: { code: 'busy', message: 'a training run is already in progress', messages: { en: 'a training run is already in progress', tr: 'bir eğitim zaten sürüyor' } } }),
      });
    }),
  );
  return r;
}
