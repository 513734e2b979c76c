import assert from 'node:assert/strict';
import { MarketplaceError } from '../../src/marketplaces/errors';
import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import { createAdapter, getMarketplace } from '../../src/marketplaces/registry';
import { offersBuybox, offersQuestions, type MarketplaceAdapter } from '../../src/marketplaces/contract';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { startReceiver, trendyolAccount } from './support';

const DAY = 86_400_000;

/** The Trendyol adapter's buybox and customer-question calls against the sandbox, over HTTP. */
describe('Trendyol adapter: buybox and customer questions', function () {
  this.timeout(60_000);
  let sb: TrendyolSandbox;
  let http: MarketplaceHttp;
  let adapter: MarketplaceAdapter;

  before(async () => {
    sb = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
    http = createMarketplaceHttp({ limiterStore: 'memory', sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    adapter = createAdapter(trendyolAccount(sb, 61), { http });
  });
  beforeEach(() => {
    sb.control.reset();
    for (let i = 0; i < 23; i += 1) sb.control.seedProduct({ barcode: `G${i}`, salePrice: 200, listPrice: 250 });
  });
  after(async () => {
    await http.close();
    await sb.close();
  });

  it('declares the buybox and questions, no reviews, with limits and rate-limit groups of their own', () => {
    const caps = adapter.capabilities;
    assert.deepEqual(caps.insights, { buybox: true, questions: true, reviews: false });
    assert.deepEqual(getMarketplace('trendyol').capabilities?.insights, caps.insights);
    assert.equal(caps.limits.buyboxBatchSize, 10);
    assert.equal(caps.limits.questionPageSize, 50);
    assert.equal(caps.limits.questionRangeDays, 14);
    assert.ok(caps.limits.rateLimits.buybox && caps.limits.rateLimits.questions);
    assert.ok(offersBuybox(adapter) && offersQuestions(adapter));
    assert.equal('fetchReviews' in adapter, false, 'no invented review call');
  });

  it('asks 10 barcodes a request and maps our rank and only other sellers’ prices', async () => {
    sb.control.setBuybox('G0', [{ sellerId: '501', price: 179.9 }, { sellerId: '502', price: 230 }]);
    sb.control.setBuybox('G1', [{ sellerId: '503', price: 215 }]);
    sb.control.setBuybox('G2', []);
    sb.control.setBuybox('G3', [{ price: 150 }, { price: 160 }, { price: 170 }]);
    sb.control.resetRequests();
    const barcodes = [...Array.from({ length: 23 }, (_, i) => `G${i}`), 'G0', 'UNKNOWN'];
    const standings = await adapter.fetchBuybox!(barcodes);
    const calls = sb.control.requestLog({ route: 'buybox-information' });
    assert.equal(calls.length, 3, '24 distinct barcodes → 10 + 10 + 4');
    assert.ok(calls.every((c) => c.status === 200));
    assert.equal(standings.length, 23, 'the unknown barcode is left out, the repeated one asked once');
    const by = new Map(standings.map((s) => [s.barcode, s]));
    assert.deepEqual(by.get('G0'), {
      barcode: 'G0', rank: 2, holdsBuybox: false, buyboxPrice: '179.90', ourPrice: '200.00', currency: 'TRY', multipleSellers: true,
      competitors: [{ rank: 1, price: '179.90' }, { rank: 3, price: '230.00' }],
    });
    assert.deepEqual(by.get('G1'), { barcode: 'G1', rank: 1, holdsBuybox: true, buyboxPrice: '200.00', ourPrice: '200.00', currency: 'TRY', multipleSellers: true, competitors: [{ rank: 2, price: '215.00' }] });
    assert.deepEqual(by.get('G2')!.competitors, [], 'alone on the product: no competitor, and our own price is not one');
    assert.equal(by.get('G2')!.holdsBuybox, true);
    const behind = by.get('G3')!;
    assert.equal(behind.rank, 4);
    assert.equal(behind.ourPrice, undefined, 'the answer prices only the first three places');
    assert.deepEqual(behind.competitors.map((c) => c.price), ['150.00', '160.00', '170.00']);
  });

  it('refuses a blank barcode before sending anything, and returns nothing for no barcodes', async () => {
    sb.control.resetRequests();
    await assert.rejects(adapter.fetchBuybox!(['G1', '  ']), (err: unknown) => err instanceof MarketplaceError && err.kind === 'validation');
    assert.deepEqual(await adapter.fetchBuybox!([]), []);
    assert.equal(sb.control.requestLog({ route: 'buybox-information' }).length, 0);
  });

  it('reads a page of questions in a range, oldest first, with statuses, times and answers normalised', async () => {
    sb.control.updateSettings({ seedInsights: false });
    try {
      const now = Date.now();
      const a = sb.control.addQuestion({ text: 'Bu ürün su geçirir mi?', barcode: 'G4', createdAt: now - 3 * DAY, userName: 'Ayşe K.', showUserName: true });
      const b = sb.control.addQuestion({ text: 'Is it machine washable?', barcode: 'G4', createdAt: now - 2 * DAY, status: 'ANSWERED', answer: 'Yes, at 30°C.' });
      sb.control.addQuestion({ text: 'Kutusu var mı?', createdAt: now - DAY, status: 'REPORTED' });
      sb.control.addQuestion({ text: 'Too old for this window', createdAt: now - 10 * DAY });
      const range = { since: new Date(now - 5 * DAY).toISOString(), until: new Date(now).toISOString() };
      const first = await adapter.fetchCustomerQuestions!({ ...range, size: 2 });
      assert.equal(first.totalElements, 3);
      assert.equal(first.totalPages, 2);
      assert.deepEqual(first.items.map((q) => q.id), [String(a.id), String(b.id)]);
      const [qa, qb] = first.items;
      assert.equal(qa!.status, 'awaiting_answer');
      assert.equal(qa!.rawStatus, 'WAITING_FOR_ANSWER');
      assert.equal(qa!.createdAt, new Date(now - 3 * DAY).toISOString(), 'Trendyol’s GMT+3 clock shifted back to UTC');
      assert.equal(qa!.customerName, 'Ayşe K.');
      assert.equal(qa!.product.name, 'Ürün G4');
      assert.equal(qa!.product.groupId, 'G4');
      assert.equal(qa!.answer, null);
      assert.equal(qb!.status, 'answered');
      assert.equal(qb!.customerName, undefined, 'the name stays hidden unless the customer shows it');
      assert.deepEqual(qb!.answer, { text: 'Yes, at 30°C.', createdAt: new Date(now - 2 * DAY + 2 * 3600_000).toISOString() });
      const second = await adapter.fetchCustomerQuestions!({ ...range, size: 2, page: 1 });
      assert.deepEqual(second.items.map((q) => [q.text, q.status]), [['Kutusu var mı?', 'reported']]);
      const answered = await adapter.fetchCustomerQuestions!({ ...range, status: 'answered', barcode: 'G4' });
      assert.deepEqual(answered.items.map((q) => q.id), [String(b.id)]);
      assert.equal(answered.items[0]!.product.barcode, 'G4');
      // Any page size asked for is clamped to Trendyol's 50 (the sandbox refuses more).
      const big = await adapter.fetchCustomerQuestions!({ ...range, size: 500 });
      assert.equal(big.size, 50);
      assert.equal(big.items.length, 3);
    } finally {
      sb.control.updateSettings({ seedInsights: true });
    }
  });

  it('reads newest first on request and maps UNANSWERED to expired', async () => {
    sb.control.updateSettings({ seedInsights: false });
    try {
      const now = Date.now();
      const a = sb.control.addQuestion({ text: 'Rengi solar mı?', barcode: 'G5', createdAt: now - 4 * DAY, status: 'UNANSWERED' });
      const b = sb.control.addQuestion({ text: 'Which size fits 80 kg?', barcode: 'G5', createdAt: now - DAY });
      const range = { since: new Date(now - 5 * DAY).toISOString(), until: new Date(now).toISOString() };
      const asc = await adapter.fetchCustomerQuestions!(range);
      assert.deepEqual(asc.items.map((q) => q.id), [String(a.id), String(b.id)]);
      const desc = await adapter.fetchCustomerQuestions!({ ...range, order: 'desc' });
      assert.deepEqual(desc.items.map((q) => q.id), [String(b.id), String(a.id)]);
      const expired = desc.items[1]!;
      assert.equal(expired.status, 'expired', 'closed unanswered, not an unknown status');
      assert.equal(expired.rawStatus, 'UNANSWERED');
      assert.equal(expired.answer, null);
      const only = await adapter.fetchCustomerQuestions!({ ...range, status: 'expired' });
      assert.deepEqual(only.items.map((q) => q.id), [String(a.id)]);
    } finally {
      sb.control.updateSettings({ seedInsights: true });
    }
  });

  it('refuses an inherited status name, a bad order, or a since in the future with a clear message, before sending anything', async () => {
    sb.control.resetRequests();
    const validation = (pattern: RegExp) => (err: unknown) => err instanceof MarketplaceError && err.kind === 'validation' && pattern.test(err.message);
    for (const status of ['constructor', 'toString', '__proto__']) {
      await assert.rejects(adapter.fetchCustomerQuestions!({ status: status as never }), validation(/unknown question status/), status);
    }
    await assert.rejects(adapter.fetchCustomerQuestions!({ order: 'up' as never }), validation(/order must be asc or desc/));
    const future = await adapter.fetchCustomerQuestions!({ since: new Date(Date.now() + DAY).toISOString() }).catch((err: unknown) => err);
    assert.ok(future instanceof MarketplaceError && future.kind === 'validation', String(future));
    assert.match(future.message, /since is in the future/);
    assert.match(future.message, /başlangıç tarihi gelecekte/);
    assert.doesNotMatch(future.message, /until/, 'no until was given');
    assert.equal(sb.control.requestLog({ route: 'questions' }).length, 0);
  });

  it('refuses a page or size that is not a number, or a blank barcode filter, before sending anything; trims the barcode', async () => {
    sb.control.resetRequests();
    const validation = (pattern: RegExp) => (err: unknown) => err instanceof MarketplaceError && err.kind === 'validation' && pattern.test(err.message);
    await assert.rejects(adapter.fetchCustomerQuestions!({ size: Number.NaN }), validation(/size must be a number, got NaN/));
    await assert.rejects(adapter.fetchCustomerQuestions!({ page: Number.POSITIVE_INFINITY }), validation(/page must be a number, got Infinity/));
    await assert.rejects(adapter.fetchCustomerQuestions!({ barcode: '  ' }), validation(/barcode filter is empty/));
    assert.equal(sb.control.requestLog({ route: 'questions' }).length, 0);
    sb.control.addQuestion({ text: 'Kargo ne zaman gelir?', barcode: 'G5' });
    const page = await adapter.fetchCustomerQuestions!({ barcode: ' G5 ' });
    assert.ok(page.items.some((q) => q.text === 'Kargo ne zaman gelir?'), 'the trimmed barcode finds the planted question');
    assert.ok(page.items.every((q) => q.product.barcode === 'G5'));
  });

  it('refuses a range over 14 days or a bad date before sending anything', async () => {
    sb.control.resetRequests();
    const now = Date.now();
    for (const query of [
      { since: new Date(now - 15 * DAY).toISOString(), until: new Date(now).toISOString() },
      { since: new Date(now).toISOString(), until: new Date(now - DAY).toISOString() },
      { since: 'yesterday' },
    ]) {
      await assert.rejects(adapter.fetchCustomerQuestions!(query), (err: unknown) => err instanceof MarketplaceError && err.kind === 'validation', JSON.stringify(query));
    }
    assert.equal(sb.control.requestLog({ route: 'questions' }).length, 0);
    const fortnight = await adapter.fetchCustomerQuestions!({ since: new Date(now - 14 * DAY).toISOString(), until: new Date(now).toISOString() });
    assert.ok(fortnight.items.length > 0, 'exactly 14 days is allowed; seeded questions come back');
  });

  it('treats an answer that does not fit Trendyol’s documented shape as a protocol error', async () => {
    const bodies: Record<string, unknown> = {
      buybox: { buyboxInfo: [{ barcode: 'X1', buyboxOrder: 'first', buyboxPrice: 10, hasMultipleSeller: false }] },
      questions: { content: [{ id: 1, text: 'Soru', status: 'WAITING_FOR_ANSWER' }], page: 0, size: 20 },
    };
    const receiver = await startReceiver((req) => ({ status: 200, body: req.url.includes('buybox') ? bodies.buybox : bodies.questions }));
    const local = createMarketplaceHttp({ limiterStore: 'memory', retry: { maxAttempts: 1 } });
    try {
      const odd = createAdapter({ ...trendyolAccount(sb, 62), baseUrl: `${receiver.url}/integration` }, { http: local });
      await assert.rejects(odd.fetchBuybox!(['X1']), (err: unknown) => err instanceof MarketplaceError && err.kind === 'protocol' && /buyboxInfo\.0\.buyboxOrder/.test(err.message));
      await assert.rejects(odd.fetchCustomerQuestions!({}), (err: unknown) => err instanceof MarketplaceError && err.kind === 'protocol' && /content\.0\.creationDate/.test(err.message));
      // The calls went out as Trendyol expects them: path, Basic auth and User-Agent.
      const [bb, qs] = receiver.received;
      assert.equal(bb!.method, 'POST');
      assert.equal(bb!.url, `/integration/product/sellers/${sb.sellers[0]!.sellerId}/products/buybox-information`);
      assert.deepEqual(JSON.parse(bb!.body.toString('utf8')), { barcodes: ['X1'] });
      assert.match(String(bb!.headers.authorization), /^Basic /);
      assert.equal(bb!.headers['user-agent'], `${sb.sellers[0]!.sellerId} - SelfIntegration`);
      assert.match(qs!.url, new RegExp(`^/integration/qna/sellers/${sb.sellers[0]!.sellerId}/questions/filter\\?`));
      assert.match(qs!.url, /orderByField=CreatedDate/);
      assert.match(qs!.url, /orderByDirection=ASC/);
      assert.match(qs!.url, new RegExp(`[?&]supplierId=${sb.sellers[0]!.sellerId}(&|$)`), 'the supplierId Trendyol’s guide makes mandatory');
    } finally {
      await local.close();
      await receiver.close();
    }
  });
});
