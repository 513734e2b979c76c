import assert from 'node:assert/strict';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { call, control } from './helpers';

const BUYBOX = '/product/sellers/:sellerId/products/buybox-information';
const QUESTIONS = '/qna/sellers/:sellerId/questions/filter';
const DAY = 86_400_000;
const OFFSET = 3 * 3600_000;

/** The sandbox's buybox and customer-question endpoints speak Trendyol's contract and refuse what Trendyol refuses. */
describe('Trendyol sandbox: buybox and customer questions', function () {
  this.timeout(30_000);
  let sb: TrendyolSandbox;

  before(async () => {
    sb = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
  });
  beforeEach(() => {
    sb.control.reset();
    for (let i = 0; i < 12; i += 1) sb.control.seedProduct({ barcode: `BB${i}`, salePrice: 100, listPrice: 120, title: `Tişört ${i}` });
  });
  after(async () => sb.close());

  describe('buybox-information', () => {
    it('answers each catalogue barcode with its rank, the buybox price and whether others sell it; seeded the same way every time', async () => {
      const barcodes = Array.from({ length: 10 }, (_, i) => `BB${i}`);
      const first = await call(sb, 'POST', BUYBOX, { body: { barcodes } });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const info = first.body.buyboxInfo as Array<{ barcode: string; buyboxOrder: number; buyboxPrice: number; hasMultipleSeller: boolean; secondBuyboxPrice?: number }>;
      assert.deepEqual(info.map((i) => i.barcode), barcodes);
      for (const i of info) {
        assert.ok(Number.isInteger(i.buyboxOrder) && i.buyboxOrder >= 1);
        assert.equal(typeof i.hasMultipleSeller, 'boolean');
        if (i.buyboxOrder === 1) assert.equal(i.buyboxPrice, 100, 'holding the buybox, its price is ours');
        else assert.ok(i.buyboxPrice < 100, 'another seller holds it with a lower price');
      }
      assert.ok(info.some((i) => i.buyboxOrder === 1), 'some barcodes are ours');
      assert.ok(info.some((i) => i.buyboxOrder > 1), 'on some another seller is cheaper');
      assert.ok(info.some((i) => i.buyboxOrder === 1 && i.hasMultipleSeller && (i.secondBuyboxPrice ?? 0) > 100), 'some we hold against a dearer seller');

      sb.control.reset();
      for (let i = 0; i < 12; i += 1) sb.control.seedProduct({ barcode: `BB${i}`, salePrice: 100, listPrice: 120 });
      const again = await call(sb, 'POST', BUYBOX, { body: { barcodes } });
      assert.deepEqual(again.body, first.body, 'deterministic after a reset');
    });

    it('leaves out barcodes that are not in the catalogue and follows planted offers and our own price', async () => {
      await control(sb, 'PUT', '/buybox/BB11', { competitors: [{ sellerId: '777', price: 89.9 }] });
      let r = await call(sb, 'POST', BUYBOX, { body: { barcodes: ['BB11', 'NOPE'] } });
      assert.deepEqual(r.body.buyboxInfo, [{ barcode: 'BB11', buyboxOrder: 2, buyboxPrice: 89.9, hasMultipleSeller: true, secondBuyboxPrice: 100 }]);
      sb.control.seedProduct({ barcode: 'BB11', salePrice: 85, listPrice: 120 });
      r = await call(sb, 'POST', BUYBOX, { body: { barcodes: ['BB11'] } });
      assert.deepEqual(r.body.buyboxInfo, [{ barcode: 'BB11', buyboxOrder: 1, buyboxPrice: 85, hasMultipleSeller: true, secondBuyboxPrice: 89.9 }]);
      const view = await control(sb, 'GET', '/buybox/BB11');
      assert.equal(view.buyboxOrder, 1);
      await assert.rejects(control(sb, 'GET', '/buybox/NOPE'), /404/);
      await assert.rejects(control(sb, 'PUT', '/buybox/BB1', { competitors: [{ price: -1 }] }), /400/);
    });

    it('refuses more than 10 barcodes, none, or blank ones with Trendyol’s error body', async () => {
      const eleven = await call(sb, 'POST', BUYBOX, { body: { barcodes: Array.from({ length: 11 }, (_, i) => `BB${i}`) } });
      assert.equal(eleven.status, 400);
      assert.equal(eleven.body.exception, 'ClientApiBusinessException');
      assert.equal(eleven.body.errors[0].key, 'barcodes.size');
      assert.match(eleven.body.errors[0].message, /10/);
      for (const body of [{}, { barcodes: [] }, { barcodes: 'BB1' }]) assert.equal((await call(sb, 'POST', BUYBOX, { body })).body.errors[0].key, 'barcodes.required');
      assert.equal((await call(sb, 'POST', BUYBOX, { body: { barcodes: ['BB1', ' '] } })).body.errors[0].key, 'barcode.invalid');
    });

    it('needs the seller’s credentials like every call', async () => {
      assert.equal((await call(sb, 'POST', BUYBOX, { body: { barcodes: ['BB1'] }, auth: null })).status, 401);
      assert.equal((await call(sb, 'POST', '/product/sellers/424242/products/buybox-information', { body: { barcodes: ['BB1'] } })).status, 403);
    });
  });

  describe('questions/filter', () => {
    it('serves seeded questions in Turkish and English for catalogue products, last week by default, in Trendyol’s fields', async () => {
      const r = await call(sb, 'GET', QUESTIONS, { query: { size: 50 } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.page, 0);
      assert.equal(r.body.size, 50);
      const content = r.body.content as Array<Record<string, any>>;
      assert.ok(content.length >= 12, 'at least one question per product');
      assert.equal(r.body.totalElements, content.length);
      assert.ok(content.some((q) => /[çğıöşü]/i.test(q.text)), 'Turkish questions');
      assert.ok(content.some((q) => /^(Is|Does|Can|What)\b/.test(q.text)), 'English questions');
      const answered = content.find((q) => q.status === 'ANSWERED')!;
      assert.ok(answered.answer.text.length > 0 && answered.answer.creationDate > answered.creationDate);
      assert.equal(typeof answered.answeredDateMessage, 'string');
      const waiting = content.find((q) => q.status === 'WAITING_FOR_ANSWER')!;
      assert.equal(waiting.answer, null);
      for (const key of ['id', 'text', 'status', 'creationDate', 'customerId', 'userName', 'showUserName', 'public', 'productName', 'productMainId', 'imageUrl', 'webUrl', 'rejectedAnswer']) {
        assert.ok(key in waiting, `field ${key}`);
      }
      assert.match(waiting.productName, /^Tişört/);
      const newestFirst = content.map((q) => q.creationDate as number);
      assert.deepEqual(newestFirst, [...newestFirst].sort((a, b) => b - a), 'CreatedDate DESC by default');
    });

    it('filters by date range (Turkish-time epoch ms), status and barcode, and pages', async () => {
      const now = Date.now();
      const old = await control(sb, 'POST', '/questions', { text: 'Eski soru', barcode: 'BB3', createdAt: now - 20 * DAY });
      const planted = await control(sb, 'POST', '/questions', { text: 'Kazak yırtık geldi, değişim yapılır mı?', barcode: 'BB3', status: 'ANSWERED', answer: 'Merhaba, lütfen iade talebi açınız.' });
      assert.equal(planted.creationDate - OFFSET <= Date.now(), true);
      const lastWeek = (await call(sb, 'GET', QUESTIONS, { query: { size: 50 } })).body.content.map((q: { id: number }) => q.id);
      assert.ok(lastWeek.includes(planted.id) && !lastWeek.includes(old.id));
      const window = await call(sb, 'GET', QUESTIONS, { query: { startDate: now - 21 * DAY + OFFSET, endDate: now - 14 * DAY + OFFSET } });
      assert.deepEqual(window.body.content.map((q: { id: number }) => q.id), [old.id]);
      const byBarcode = await call(sb, 'GET', QUESTIONS, { query: { barcode: 'BB3', status: 'ANSWERED', orderByField: 'LastModifiedDate', orderByDirection: 'ASC', size: 50 } });
      assert.ok(byBarcode.body.content.some((q: { id: number }) => q.id === planted.id));
      assert.ok(byBarcode.body.content.every((q: { status: string; productName: string }) => q.status === 'ANSWERED' && q.productName === 'Tişört 3'));
      const p0 = await call(sb, 'GET', QUESTIONS, { query: { size: 5, page: 0, orderByDirection: 'ASC' } });
      const p1 = await call(sb, 'GET', QUESTIONS, { query: { size: 5, page: 1, orderByDirection: 'ASC' } });
      assert.equal(p0.body.totalPages, Math.ceil(p0.body.totalElements / 5));
      assert.equal(p1.body.content.length, 5);
      assert.ok(p1.body.content[0].creationDate >= p0.body.content[4].creationDate, 'pages continue in order');
    });

    it('refuses size over 50, a range over 14 days, an unknown status or sort with Trendyol’s error body', async () => {
      const now = Date.now() + OFFSET;
      const cases: Array<[Record<string, string | number>, string]> = [
        [{ size: 51 }, 'size.max'],
        [{ size: 0 }, 'size.invalid'],
        [{ startDate: now - 15 * DAY, endDate: now }, 'date.range.too.long'],
        [{ startDate: now, endDate: now - DAY }, 'date.range.invalid'],
        [{ status: 'OPEN' }, 'status.invalid'],
        [{ orderByField: 'PackageLastModifiedDate' }, 'order.by.field.invalid'],
        [{ orderByDirection: 'UP' }, 'order.by.direction.invalid'],
        [{ page: -1 }, 'page.invalid'],
      ];
      for (const [query, key] of cases) {
        const r = await call(sb, 'GET', QUESTIONS, { query });
        assert.equal(r.status, 400, JSON.stringify(query));
        assert.equal(r.body.exception, 'ClientApiBusinessException');
        assert.equal(r.body.errors[0].key, key, JSON.stringify(query));
      }
      assert.equal((await call(sb, 'GET', QUESTIONS, { query: { startDate: now - 14 * DAY, endDate: now } })).status, 200, 'exactly two weeks is allowed');
      await assert.rejects(control(sb, 'POST', '/questions', { text: '' }), /400/);
      await assert.rejects(control(sb, 'POST', '/questions', { text: 'x', status: 'ANSWERED' }), /400/);
    });

    it('takes Trendyol’s supplierId parameter for the caller’s own seller only, and serves UNANSWERED (expired) questions without an answer', async () => {
      const planted = await control(sb, 'POST', '/questions', { text: 'Garanti süresi nedir?', barcode: 'BB2', status: 'UNANSWERED', answer: 'too late' });
      assert.equal(planted.status, 'UNANSWERED');
      assert.equal(planted.answer, null, 'a question closed unanswered carries no answer');
      assert.equal(planted.public, false);
      const own = await call(sb, 'GET', QUESTIONS, { query: { supplierId: sb.sellers[0]!.sellerId, status: 'UNANSWERED', size: 50 } });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.deepEqual(own.body.content.map((q: { id: number }) => q.id), [planted.id]);
      const other = await call(sb, 'GET', QUESTIONS, { query: { supplierId: '424242' } });
      assert.equal(other.status, 403);
      assert.equal(other.body.errors[0].key, 'seller.forbidden');
    });

    it('serves only planted questions when seeding is off', async () => {
      sb.control.updateSettings({ seedInsights: false });
      try {
        sb.control.reset();
        sb.control.seedProduct({ barcode: 'Q1' });
        await control(sb, 'POST', '/questions', { text: 'Does it come with a box?', barcode: 'Q1' });
        const r = await call(sb, 'GET', QUESTIONS);
        assert.deepEqual(r.body.content.map((q: { text: string }) => q.text), ['Does it come with a box?']);
        assert.equal((await control(sb, 'GET', '/questions')).length, 1);
        const bb = await call(sb, 'POST', BUYBOX, { body: { barcodes: ['Q1'] } });
        assert.deepEqual(bb.body.buyboxInfo, [{ barcode: 'Q1', buyboxOrder: 1, buyboxPrice: 100, hasMultipleSeller: false }]);
      } finally {
        sb.control.updateSettings({ seedInsights: true });
      }
    });
  });
});
