import assert from 'node:assert/strict';
import { scoreText, summarizeTexts, type CustomerText } from '../../src/analytics/insights/sentiment';
import { guessLanguage, keywords, tokenize } from '../../src/analytics/insights/text';
import { assessListing, topSellerKeywords } from '../../src/analytics/insights/listing-quality';
import { loadListingInputs } from '../../src/analytics/insights/listing-source';
import { shopWith, type ShopFixture } from './fixtures';

describe('analytics: Turkish and English text', () => {
  it('lower-cases Turkish properly and folds letters for matching', () => {
    assert.deepEqual(tokenize('IŞIKLI İPEK Şal', 'tr'), ['isikli', 'ipek', 'sal']);
    assert.equal(guessLanguage('Ürün çok güzel'), 'tr');
    assert.equal(guessLanguage('Great mug, fast delivery'), 'en');
    assert.deepEqual(keywords('The best coffee mug and the BEST gift'), ['best', 'coffee', 'mug', 'best', 'gift']);
  });

  it('scores sentiment with negation in both languages', () => {
    assert.equal(scoreText('Ürün çok güzel, hızlı kargo, teşekkürler').polarity, 'positive');
    assert.equal(scoreText('Hiç beğenmedim, kalitesiz').polarity, 'negative');
    assert.equal(scoreText('Kumaşı iyi değil').polarity, 'negative');
    assert.equal(scoreText('Kötü değil, fiyatına göre idare eder').polarity, 'positive');
    assert.equal(scoreText('Beğenmiştim ama kargo geç geldi').polarity, 'neutral');
    assert.equal(scoreText('Really great quality, love it').polarity, 'positive');
    assert.equal(scoreText("It's not good, arrived broken").polarity, 'negative');
    assert.equal(scoreText('Does this come in blue?').polarity, 'neutral');
    assert.equal(scoreText('ok', 1).polarity, 'negative', 'a one-star rating outweighs the words');
  });

  it('summarises questions and reviews: counts, keywords, complaints, praise', () => {
    const texts: CustomerText[] = [
      { kind: 'review', marketplace: 'trendyol', text: 'Kargo çok geç geldi, kutu ezik', rating: 2 },
      { kind: 'review', marketplace: 'trendyol', text: 'Kargo hızlı, ürün harika' },
      { kind: 'review', marketplace: 'hepsiburada', text: 'Kutusu ezik geldi, iade ettim' },
      { kind: 'review', marketplace: 'ebay', text: 'Excellent mug, fast shipping' },
      { kind: 'question', marketplace: 'trendyol', text: 'Bulaşık makinesinde yıkanır mı?' },
    ];
    const s = summarizeTexts(texts);
    assert.equal(s.count, 5);
    assert.deepEqual(s.byKind, { question: 1, review: 4 });
    assert.deepEqual(s.byLanguage, { tr: 4, en: 1 });
    assert.equal(s.negative, 2);
    assert.equal(s.positive, 2);
    assert.deepEqual(s.keywords.slice(0, 2), [{ term: 'ezik', texts: 2 }, { term: 'kargo', texts: 2 }]);
    assert.equal(s.complaints[0]!.term, 'ezik');
    assert.equal(s.complaints[0]!.texts, 2);
    assert.ok(s.praise.some((p) => p.term === 'hizli'));
  });
});

describe('analytics: listing quality', () => {
  it('finds missing required attributes, title problems, few images and weak keyword coverage', () => {
    const q = assessListing({
      marketplace: 'ebay',
      productId: 1,
      title: 'Stainless steel insulated water bottle with bamboo lid, keeps drinks cold 24 hours hot 12 hours, 750 ml',
      description: '<p>Double wall.</p>',
      imageCount: 2,
      attributes: [{ id: 'Brand', value: 'Acme' }, { id: 'Capacity', value: null }],
      requiredAttributes: [{ id: 'Brand' }, { id: 'Capacity' }, { id: 'Colour', name: 'Colour' }],
      topSellerTitles: ['Thermos flask vacuum bottle 500ml', 'Vacuum insulated flask, leakproof', 'Kids flask vacuum bottle leakproof'],
    });
    assert.deepEqual(q.missingAttributes.map((a) => a.id), ['Capacity', 'Colour']);
    const codes = q.issues.map((i) => i.code);
    assert.ok(codes.includes('title_too_long'), 'eBay allows 80 characters');
    assert.ok(codes.includes('few_images'));
    assert.ok(codes.includes('short_description'));
    assert.ok(codes.includes('low_keyword_coverage'));
    assert.deepEqual(q.keywordCoverage!.missing.slice(0, 3), ['flask', 'vacuum', 'leakproof']);
    assert.ok(q.score < 40, `score ${q.score}`);
    assert.match(q.issues[0]!.tr, /Zorunlu özellik/);
    const good = assessListing({ marketplace: 'trendyol', productId: 2, title: 'Vacuum insulated steel flask 750 ml, leakproof', description: 'x'.repeat(120), imageCount: 5, attributes: [], requiredAttributes: [] });
    assert.equal(good.score, 100);
    assert.deepEqual(topSellerKeywords(['Red mug', 'red cup']), ['red', 'cup', 'mug']);
  });
});

describe('analytics: listing inputs from the sidecar’s listings and OpenCart products', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(
      { categories: [{ key: 'mugs', name: 'Mugs' }], products: [{ key: 'MUG', name: 'Kupa', price: 10, categoryKeys: ['mugs'], extraImages: 2 }], orders: [] },
      { prefix: 'lst_', today: '2026-05-01' },
    );
  });
  after(async () => shop?.db.drop());

  it('resolves required attribute mappings against the product and flags the empty ones', async () => {
    const knex = shop.db.knex;
    const pid = shop.written.productIds.get('MUG')!;
    const cid = shop.written.categoryIds.get('mugs')!;
    await knex('lst_product').where({ product_id: pid }).update({ ean: '8690000000001', mpn: '' });
    const [mp] = await knex('meschain_marketplaces').insert({ code: 'trendyol', name: 'TY', store_id: 0, enabled: 1, base_url: 'http://x', settings: '{}', flows: '{}' });
    await knex('meschain_listings').insert({ marketplace_id: mp, product_id: pid, state: 'failed', last_error: 'Zorunlu özellik eksik: Renk' });
    await knex('meschain_category_mappings').insert({ marketplace_id: mp, oc_category_id: cid, remote_category_id: '411' });
    await knex('meschain_attribute_mappings').insert([
      { marketplace_id: mp, remote_category_id: '411', remote_attribute_id: 'barcode', source_type: 'field', source_ref: 'ean', value_map: '{}', required: 1 },
      { marketplace_id: mp, remote_category_id: '411', remote_attribute_id: 'mpn', source_type: 'field', source_ref: 'mpn', value_map: '{}', required: 1 },
      { marketplace_id: mp, remote_category_id: '411', remote_attribute_id: 'renk', source_type: 'attribute', source_ref: '4', value_map: '{}', required: 1 },
      { marketplace_id: mp, remote_category_id: '411', remote_attribute_id: 'origin', source_type: 'fixed', source_ref: '', fixed_value: 'TR', value_map: '{}', required: 0 },
    ]);
    const [input] = await loadListingInputs(shop.ctx, { marketplace: 'trendyol' });
    assert.ok(input);
    assert.equal(input.title, 'Kupa');
    assert.equal(input.imageCount, 3, 'main image + 2 extra');
    const q = assessListing(input);
    assert.deepEqual(q.missingAttributes.map((a) => a.id).sort(), ['mpn', 'renk']);
    assert.ok(q.issues.some((i) => i.code === 'listing_failed' && i.en.includes('Renk')));
    assert.ok(q.issues.some((i) => i.code === 'title_too_short'));
  });
});
