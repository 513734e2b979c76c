import { z } from 'zod';
import { MarketplaceError } from '../errors';
import type { BuyboxStanding, CompetitorOffer, CustomerQuestion, QuestionQuery, QuestionStatus } from '../insights';
import type { Page } from '../types';
import type { TrendyolApi, Query } from './client';
import { QUESTION_STATUS_MAP, TRENDYOL_LIMITS } from './constants';
import { checked } from './reply';

/**
 * Trendyol's buybox-information and question filter calls: requests built to Trendyol's limits, and
 * answers checked against the shape documented for them before anything is mapped (an answer that
 * does not fit is a protocol error, never half-read data).
 */

// Wire shapes --------------------------------------------------------------------------------------

const price = z.number().finite().nonnegative();
const buyboxAnswer = z.object({
  buyboxInfo: z.array(
    z.object({
      barcode: z.string().min(1),
      buyboxOrder: z.number().int().min(1),
      buyboxPrice: price,
      hasMultipleSeller: z.boolean(),
      // Newer answers also carry the 2nd and 3rd offers' prices.
      secondBuyboxPrice: price.nullish(),
      thirdBuyboxPrice: price.nullish(),
    }),
  ),
});

const optionalText = z.string().nullish();
const answerShape = z.object({
  id: z.union([z.number(), z.string()]).nullish(),
  text: z.string(),
  creationDate: z.number().nullish(),
  hasPrivateInfo: z.boolean().nullish(),
  reason: optionalText,
});
const questionShape = z.object({
  id: z.union([z.number().int(), z.string().min(1)]),
  text: z.string(),
  status: z.string().min(1),
  creationDate: z.number(),
  customerId: z.union([z.number(), z.string()]).nullish(),
  userName: optionalText,
  showUserName: z.boolean().nullish(),
  public: z.boolean().nullish(),
  productName: optionalText,
  productMainId: optionalText,
  imageUrl: optionalText,
  webUrl: optionalText,
  answeredDateMessage: optionalText,
  reason: optionalText,
  reportReason: optionalText,
  reportedDate: z.number().nullish(),
  rejectedDate: z.number().nullish(),
  answer: answerShape.nullish(),
  rejectedAnswer: answerShape.nullish(),
});
const questionPage = z.object({
  content: z.array(questionShape),
  page: z.number().int().nonnegative().optional(),
  size: z.number().int().positive().optional(),
  totalElements: z.number().int().nonnegative().optional(),
  totalPages: z.number().int().nonnegative().optional(),
});
type TyQuestion = z.infer<typeof questionShape>;

// Buybox -------------------------------------------------------------------------------------------

const BUYBOX_REQUEST = 'POST /product/sellers/:sellerId/products/buybox-information';
const money = (n: number) => n.toFixed(2);

/** Our standing per barcode, 10 barcodes a request; barcodes Trendyol does not answer for are left out. */
export async function fetchBuybox(api: TrendyolApi, accountId: number, barcodes: string[]): Promise<BuyboxStanding[]> {
  const wanted = [...new Set(barcodes.map((b) => (typeof b === 'string' ? b.trim() : '')))];
  if (wanted.some((b) => b === '')) throw new MarketplaceError('validation', 'a barcode is empty / barkod boş', { marketplace: 'trendyol', accountId });
  const out: BuyboxStanding[] = [];
  for (let i = 0; i < wanted.length; i += TRENDYOL_LIMITS.buyboxBatchSize) {
    const chunk = wanted.slice(i, i + TRENDYOL_LIMITS.buyboxBatchSize);
    const asked = new Set(chunk);
    const res = checked(buyboxAnswer, await api.buyboxInformation(chunk), BUYBOX_REQUEST, accountId);
    for (const info of res.buyboxInfo) if (asked.has(info.barcode)) out.push(toStanding(info));
  }
  return out;
}

function toStanding(info: z.infer<typeof buyboxAnswer>['buyboxInfo'][number]): BuyboxStanding {
  const rank = info.buyboxOrder;
  // The buybox price is ours when we hold it; the 2nd/3rd prices are another seller's unless we sit there.
  // hasMultipleSeller false means Trendyol knows no other offer: a 2nd/3rd price sent along then cannot
  // be another seller's live offer (a stale or placeholder value), so it is not reported as a competitor.
  const ranked: Array<[number, number | null | undefined]> = [
    [1, info.buyboxPrice],
    [2, info.hasMultipleSeller ? info.secondBuyboxPrice : null],
    [3, info.hasMultipleSeller ? info.thirdBuyboxPrice : null],
  ];
  const competitors: CompetitorOffer[] = ranked
    .filter((r): r is [number, number] => r[0] !== rank && typeof r[1] === 'number' && r[1] > 0)
    .map(([r, p]) => ({ rank: r, price: money(p) }));
  const ours = rank === 1 ? info.buyboxPrice : rank === 2 ? info.secondBuyboxPrice : rank === 3 ? info.thirdBuyboxPrice : null;
  return {
    barcode: info.barcode,
    rank,
    holdsBuybox: rank === 1,
    buyboxPrice: money(info.buyboxPrice),
    ...(typeof ours === 'number' && ours > 0 ? { ourPrice: money(ours) } : {}),
    currency: 'TRY',
    multipleSellers: info.hasMultipleSeller || rank > 1,
    competitors,
  };
}

// Customer questions -------------------------------------------------------------------------------

const QUESTIONS_REQUEST = 'GET /qna/sellers/:sellerId/questions/filter';
const TY_STATUS = Object.fromEntries(Object.entries(QUESTION_STATUS_MAP).map(([ty, n]) => [n, ty])) as Record<Exclude<QuestionStatus, 'unknown'>, string>;

function timeOf(value: string | undefined, field: string, accountId: number): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new MarketplaceError('validation', `${field} is not a date: ${value} / ${field} geçerli bir tarih değil`, { marketplace: 'trendyol', accountId });
  return ms;
}

/**
 * One page of questions created in [since, until], oldest first unless `order` is 'desc' (oldest first
 * is stable while new questions arrive; newest first lets a capped reader keep the recent ones).
 * Trendyol's timestamps are Turkish time written as epoch ms: shifted by `offsetMs` both ways.
 */
export async function fetchQuestions(api: TrendyolApi, accountId: number, query: QuestionQuery, now: number, offsetMs: number): Promise<Page<CustomerQuestion>> {
  const invalid = (message: string) => new MarketplaceError('validation', message, { marketplace: 'trendyol', accountId });
  // Clamping cannot repair a non-number: it would go out as "NaN" and come back as Trendyol's 400.
  for (const [field, value] of [['page', query.page], ['size', query.size]] as const) {
    if (value !== undefined && !Number.isFinite(value)) throw invalid(`${field} must be a number, got ${String(value)} / ${field} bir sayı olmalı`);
  }
  const size = Math.min(Math.max(Math.trunc(query.size ?? 20), 1), TRENDYOL_LIMITS.questionPageSize);
  const page = Math.max(Math.trunc(query.page ?? 0), 0);
  // Blank like fetchBuybox: a blank filter would read as "no questions about it", not as a mistake.
  const barcode = query.barcode === undefined ? undefined : typeof query.barcode === 'string' ? query.barcode.trim() : '';
  if (barcode === '') throw invalid('the barcode filter is empty or not text / barkod filtresi boş ya da metin değil');
  let since = timeOf(query.since, 'since', accountId);
  let until = timeOf(query.until, 'until', accountId);
  if (since !== undefined || until !== undefined) {
    if (until === undefined && since! > now) throw invalid('since is in the future / başlangıç tarihi gelecekte');
    until ??= Math.min(now, since! + TRENDYOL_LIMITS.maxQuestionRangeMs);
    since ??= until - TRENDYOL_LIMITS.defaultQuestionRangeMs;
    if (until < since) throw invalid('until is before since / bitiş başlangıçtan önce');
    if (until - since > TRENDYOL_LIMITS.maxQuestionRangeMs) {
      throw invalid('Trendyol answers questions of at most 14 days per query / Trendyol soru sorgusu en fazla 14 günlük olabilir');
    }
  }
  // Own keys only: `in` would also accept inherited names such as 'constructor'.
  if (query.status !== undefined && !Object.hasOwn(TY_STATUS, query.status)) {
    throw invalid(`unknown question status ${String(query.status)} / bilinmeyen soru durumu`);
  }
  if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') {
    throw invalid(`order must be asc or desc, got ${String(query.order)} / sıralama asc ya da desc olmalı`);
  }
  const params: Query = {
    // Trendyol's guide lists supplierId as mandatory on this call, besides the seller id in the path.
    supplierId: api.sellerId,
    page,
    size,
    orderByField: 'CreatedDate',
    orderByDirection: query.order === 'desc' ? 'DESC' : 'ASC',
    ...(since !== undefined ? { startDate: since + offsetMs, endDate: until! + offsetMs } : {}),
    ...(query.status ? { status: TY_STATUS[query.status] } : {}),
    ...(barcode ? { barcode } : {}),
  };
  const res = checked(questionPage, await api.questions(params), QUESTIONS_REQUEST, accountId);
  return {
    items: res.content.map((q) => toQuestion(q, offsetMs, barcode)),
    page,
    // The page size Trendyol applied, when it says: callers compare a page's length with it.
    size: res.size ?? size,
    ...(res.totalElements !== undefined ? { totalElements: res.totalElements } : {}),
    ...(res.totalPages !== undefined ? { totalPages: res.totalPages } : {}),
  };
}

function toQuestion(q: TyQuestion, offsetMs: number, barcode: string | undefined): CustomerQuestion {
  const iso = (ms: number) => new Date(ms - offsetMs).toISOString();
  const product: CustomerQuestion['product'] = {};
  if (q.productName) product.name = q.productName;
  if (q.productMainId) product.groupId = q.productMainId;
  if (barcode) product.barcode = barcode;
  if (q.webUrl) product.url = q.webUrl;
  if (q.imageUrl) product.imageUrl = q.imageUrl;
  return {
    id: String(q.id),
    text: q.text,
    status: QUESTION_STATUS_MAP[q.status] ?? 'unknown',
    rawStatus: q.status,
    createdAt: iso(q.creationDate),
    product,
    ...(q.showUserName && q.userName ? { customerName: q.userName } : {}),
    ...(typeof q.public === 'boolean' ? { public: q.public } : {}),
    answer: q.answer ? { text: q.answer.text, ...(typeof q.answer.creationDate === 'number' ? { createdAt: iso(q.answer.creationDate) } : {}) } : null,
  };
}
