import type { Router } from 'express';
import { SandboxError } from './errors';
import { QUESTION_STATUSES, type Question, type QuestionAnswer, type QuestionStatus } from './insights-store';
import { apiRoute, intParam, optionalIntParam, strParam } from './pipeline';
import type { TrendyolSandboxState } from './state';

const DAY_MS = 86_400_000;
const LAST_WEEK_MS = 7 * DAY_MS;

/** Buybox information and customer questions, with Trendyol's limits and error format. */
export function mountInsightRoutes(router: Router, state: TrendyolSandboxState): void {
  const r = (route: string, h: Parameters<typeof apiRoute>[2]) => apiRoute(state, route, h);

  const buybox = '/product/sellers/:sellerId/products/buybox-information';
  router.post(buybox, r(buybox, ({ req, seller }) => {
    const max = state.settings.maxBuyboxBarcodes;
    const barcodes = (req.body as { barcodes?: unknown } | undefined)?.barcodes;
    if (!Array.isArray(barcodes) || barcodes.length === 0) throw new SandboxError(400, 'barcodes.required', 'barcodes alanı zorunludur.');
    if (barcodes.length > max) throw new SandboxError(400, 'barcodes.size', `En fazla ${max} barkod için sorgu atılabilir.`);
    if (barcodes.some((b) => typeof b !== 'string' || b.trim() === '')) throw new SandboxError(400, 'barcode.invalid', 'barcodes yalnızca dolu metinler içerebilir.');
    const buyboxInfo = [];
    for (const barcode of new Set(barcodes as string[])) {
      // Barcodes that are not in the seller's catalogue get no entry.
      const product = state.products.get(seller.sellerId, barcode);
      if (!product) continue;
      const s = state.insights.standing(seller.sellerId, product);
      buyboxInfo.push({
        barcode,
        buyboxOrder: s.buyboxOrder,
        buyboxPrice: s.prices[0],
        hasMultipleSeller: s.multiple,
        ...(s.prices.length > 1 ? { secondBuyboxPrice: s.prices[1] } : {}),
        ...(s.prices.length > 2 ? { thirdBuyboxPrice: s.prices[2] } : {}),
      });
    }
    return { body: { buyboxInfo } };
  }));

  const questions = '/qna/sellers/:sellerId/questions/filter';
  router.get(questions, r(questions, ({ req, seller, now }) => {
    const s = state.settings;
    const offset = s.clockOffsetMs;
    // Trendyol's guide calls supplierId mandatory; the sandbox accepts a call without it (the path names
    // the seller already) but refuses one naming another seller.
    const supplierId = strParam(req, 'supplierId');
    if (supplierId !== undefined && supplierId !== seller.sellerId) {
      throw new SandboxError(403, 'seller.forbidden', `${supplierId} satıcısı için yetkiniz bulunmamaktadır.`, 'ClientApiAuthenticationException');
    }
    const page = intParam(req, 'page', 0);
    const size = intParam(req, 'size', 20, s.maxQuestionPageSize);
    if (size === 0) throw new SandboxError(400, 'size.invalid', 'size en az 1 olmalıdır.');
    const status = strParam(req, 'status');
    if (status !== undefined && !QUESTION_STATUSES.includes(status as QuestionStatus)) {
      throw new SandboxError(400, 'status.invalid', `${status} geçerli bir statü değildir (${QUESTION_STATUSES.join(', ')}).`);
    }
    const field = strParam(req, 'orderByField') ?? 'CreatedDate';
    if (field !== 'CreatedDate' && field !== 'LastModifiedDate') throw new SandboxError(400, 'order.by.field.invalid', 'orderByField LastModifiedDate ya da CreatedDate olmalıdır.');
    const direction = strParam(req, 'orderByDirection') ?? 'DESC';
    if (direction !== 'ASC' && direction !== 'DESC') throw new SandboxError(400, 'order.by.direction.invalid', 'orderByDirection ASC ya da DESC olmalıdır.');
    // Without dates: the last week. With them: at most two weeks.
    const startParam = optionalIntParam(req, 'startDate');
    const endParam = optionalIntParam(req, 'endDate');
    const end = endParam !== undefined ? endParam - offset : now;
    const start = startParam !== undefined ? startParam - offset : end - LAST_WEEK_MS;
    if (end < start) throw new SandboxError(400, 'date.range.invalid', 'endDate startDate’ten önce olamaz.');
    if (end - start > s.maxQuestionRangeMs) throw new SandboxError(400, 'date.range.too.long', `Tarih aralığı en fazla ${Math.round(s.maxQuestionRangeMs / DAY_MS)} gün olabilir.`);
    const all = state.insights.list(seller.sellerId, {
      start,
      end,
      orderByField: field,
      orderByDirection: direction,
      ...(status !== undefined ? { status: status as QuestionStatus } : {}),
      ...(strParam(req, 'barcode') !== undefined ? { barcode: strParam(req, 'barcode')! } : {}),
    });
    return {
      body: {
        content: all.slice(page * size, (page + 1) * size).map((q) => questionJson(q, offset)),
        page,
        size,
        totalElements: all.length,
        totalPages: Math.ceil(all.length / size),
      },
    };
  }));
}

function answerJson(a: QuestionAnswer | null, offset: number): Record<string, unknown> | null {
  return a ? { id: a.id, text: a.text, creationDate: a.creationDate + offset, hasPrivateInfo: a.hasPrivateInfo, reason: a.reason } : null;
}

/** A question in Trendyol's field names (the barcode stays inside: Trendyol does not return it). */
export function questionJson(q: Question, offset: number): Record<string, unknown> {
  const hours = q.answer ? Math.max(1, Math.round((q.answer.creationDate - q.creationDate) / 3600_000)) : null;
  return {
    id: q.id,
    text: q.text,
    status: q.status,
    creationDate: q.creationDate + offset,
    customerId: q.customerId,
    userName: q.userName,
    showUserName: q.showUserName,
    public: q.public,
    productName: q.productName,
    productMainId: q.productMainId,
    imageUrl: q.imageUrl,
    webUrl: q.webUrl,
    answeredDateMessage: hours === null ? null : `${hours} saat içinde cevaplandı`,
    reason: q.reason,
    reportReason: q.reportReason,
    reportedDate: q.reportedDate === null ? null : q.reportedDate + offset,
    rejectedDate: q.rejectedDate === null ? null : q.rejectedDate + offset,
    answer: answerJson(q.answer, offset),
    rejectedAnswer: answerJson(q.rejectedAnswer, offset),
  };
}
