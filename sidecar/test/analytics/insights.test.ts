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

  it('flags a listing the push holds back, with its reason in English and Turkish', () => {
    const base = { marketplace: 'trendyol', productId: 3, title: 'Vacuum insulated steel flask 750 ml, leakproof', description: 'x'.repeat(120), imageCount: 5 };
    const q = assessListing({ ...base, state: 'blocked', lastError: "required attribute 'Renk' (id 47) is not mapped", listingCount: 3, stateCount: 2 });
    const blocked = q.issues.find((i) => i.code === 'listing_blocked');
    assert.ok(blocked, JSON.stringify(q.issues));
    assert.equal(blocked.severity, 'high');
    assert.equal(q.score, 80);
    assert.match(blocked.en, /not sent to trendyol \(2 of 3 listings\): required attribute 'Renk' \(id 47\) is not mapped/);
    assert.match(blocked.tr, /gönderilmiyor.*\(3 ilandan 2 tanesi\): required attribute 'Renk'/);
    const silent = assessListing({ ...base, state: 'blocked', lastError: null });
    assert.match(silent.issues.find((i) => i.code === 'listing_blocked')!.en, /no reason was recorded/);
  });
});

describe('analytics: listing inputs from the sidecar’s listings and OpenCart products', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(
      {
        categories: [{ key: 'mugs', name: 'Mugs' }],
        products: [
          { key: 'MUG', name: 'Kupa', price: 10, categoryKeys: ['mugs'], extraImages: 2 },
          { key: 'TEE', name: 'Pamuklu tişört, bisiklet yaka', price: 20 },
        ],
        orders: [],
      },
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
    assert.deepEqual(q.requiredAttributesSource, { from: 'mappings' }, 'the push has not cached the category yet');
    assert.ok(q.issues.some((i) => i.code === 'listing_failed' && i.en.includes('Renk')));
    assert.ok(q.issues.some((i) => i.code === 'title_too_short'));
  });

  it("adds the marketplace's own required attributes from the push's category cache, by name", async () => {
    const knex = shop.db.knex;
    const [{ id: mp }] = await knex('meschain_marketplaces').where({ code: 'trendyol' }).select('id');
    const attr = (id: string, name: string, required: boolean) => ({ id, name, required, allowCustom: true, varianter: false, values: [] });
    await knex('meschain_remote_categories').insert({
      marketplace_id: mp,
      remote_category_id: '411',
      // As the push cached it two days ago (its own refresh is daily; analytics uses what is there).
      fetched_at: knex.raw('UTC_TIMESTAMP(3) - INTERVAL 2 DAY'),
      attributes: JSON.stringify([attr('barcode', 'Barkod', true), attr('mpn', 'Üretici Parça No', false), attr('47', 'Renk', true), attr('88', 'Materyal', false)]),
    });
    const [input] = await loadListingInputs(shop.ctx, { marketplace: 'trendyol' });
    const q = assessListing(input!);
    // 47 is required by Trendyol and mapped by nobody; mpn and renk are required by the owner's mappings.
    assert.deepEqual(q.missingAttributes, [{ id: '47', name: 'Renk' }, { id: 'mpn', name: 'Üretici Parça No' }, { id: 'renk' }]);
    const texts = q.issues.filter((i) => i.code === 'missing_required_attribute').map((i) => i.en);
    assert.ok(texts.includes('Required attribute "Renk" has no value: the marketplace will reject the listing.'), texts.join(' | '));
    assert.ok(texts.some((t) => t.includes('"Üretici Parça No"')));
    assert.ok(!texts.some((t) => t.includes('"47"')), 'a known name is shown instead of the id');
    assert.equal(q.requiredAttributesSource?.from, 'marketplace');
    assert.match((q.requiredAttributesSource as { fetchedAt: string }).fetchedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(input!.attributes!.find((a) => a.id === 'mpn')?.name, 'Üretici Parça No');
  });

  it('shows listings the push blocked, variants included, one entry per product', async () => {
    const knex = shop.db.knex;
    const [{ id: mp }] = await knex('meschain_marketplaces').where({ code: 'trendyol' }).select('id');
    const mug = shop.written.productIds.get('MUG')!;
    const tee = shop.written.productIds.get('TEE')!;
    const why = "required attribute 'Renk' (id 47) is not mapped: map it to an OpenCart option, attribute, field or a fixed value";
    await knex('meschain_listings').where({ marketplace_id: mp, product_id: mug }).update({ state: 'blocked', last_error: why });
    await knex('meschain_listings').insert([
      { marketplace_id: mp, product_id: tee, variant_key: '11', state: 'active' },
      { marketplace_id: mp, product_id: tee, variant_key: '12', state: 'blocked', last_error: 'the variant has no barcode (the marketplace requires one)' },
      { marketplace_id: mp, product_id: tee, variant_key: '13', state: 'blocked', last_error: 'the variant has no barcode (the marketplace requires one)' },
    ]);
    const inputs = await loadListingInputs(shop.ctx, { marketplace: 'trendyol' });
    assert.deepEqual(inputs.map((i) => i.productId), [mug, tee]);
    const [mugQ, teeQ] = inputs.map((i) => assessListing(i));
    const mugIssue = mugQ!.issues.find((i) => i.code === 'listing_blocked');
    assert.ok(mugIssue, JSON.stringify(mugQ!.issues.map((i) => i.code)));
    assert.ok(mugIssue.en.includes(why) && mugIssue.tr.includes(why));
    assert.ok(!mugQ!.issues.some((i) => i.code === 'listing_failed'));
    const teeIssue = teeQ!.issues.find((i) => i.code === 'listing_blocked');
    assert.equal(teeIssue?.en, 'The listing is held back and not sent to trendyol (2 of 3 listings): the variant has no barcode (the marketplace requires one).');
    assert.equal(teeQ!.requiredAttributesSource, undefined, 'TEE is in no mapped category');
  });

  it('shows a live listing whose last update the marketplace refused, below the held states', async () => {
    const knex = shop.db.knex;
    const [{ id: mp }] = await knex('meschain_marketplaces').where({ code: 'trendyol' }).select('id');
    const tee = shop.written.productIds.get('TEE')!;
    const refused = 'Trendyol refused the item: listPrice must not be lower than salePrice';
    // Clear TEE's blocked variants: two live listings, one refused on its last update.
    await knex('meschain_listings').where({ marketplace_id: mp, product_id: tee }).update({ state: 'active', last_error: null });
    await knex('meschain_listings').where({ marketplace_id: mp, product_id: tee, variant_key: '12' }).update({ last_error: refused });
    const teeInput = (await loadListingInputs(shop.ctx, { marketplace: 'trendyol', productIds: [tee] }))[0]!;
    const issue = assessListing(teeInput).issues.find((i) => i.code === 'update_rejected');
    assert.ok(issue, JSON.stringify(assessListing(teeInput).issues.map((i) => i.code)));
    assert.equal(issue.severity, 'medium');
    assert.equal(issue.en, `The listing is live, but trendyol refused its last update (1 of 3 listings): ${refused}. Buyers see what was sent before until it is fixed.`);
    assert.match(issue.tr, /son güncellemesini reddetti \(3 ilandan 1 tanesi\)/);
    // A blocked variant outranks it; a success (the error cleared) ends it.
    await knex('meschain_listings').where({ marketplace_id: mp, product_id: tee, variant_key: '13' }).update({ state: 'blocked', last_error: 'no barcode' });
    const blocked = assessListing((await loadListingInputs(shop.ctx, { marketplace: 'trendyol', productIds: [tee] }))[0]!);
    assert.deepEqual(blocked.issues.filter((i) => i.code === 'listing_blocked' || i.code === 'update_rejected').map((i) => i.code), ['listing_blocked']);
    await knex('meschain_listings').where({ marketplace_id: mp, product_id: tee }).update({ state: 'active', last_error: null });
    const fine = assessListing((await loadListingInputs(shop.ctx, { marketplace: 'trendyol', productIds: [tee] }))[0]!);
    assert.ok(!fine.issues.some((i) => i.code === 'update_rejected' || i.code === 'listing_blocked'));
  });
});
