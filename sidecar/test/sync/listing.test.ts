import assert from 'node:assert/strict';
import { getProducts, loadOcContext, loadTaxRates, type OcContext } from '../../src/db/opencart';
import { trendyolCapabilities } from '../../src/marketplaces/trendyol/constants';
import { syncSettingsSchema } from '../../src/sync/accounts';
import { buildListing, type BuildInput } from '../../src/sync/listing/build';
import type { AccountMappings, AttributeMapping } from '../../src/sync/listing/mappings';
import { VariantStore } from '../../src/sync/variants';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** Listing pre-validation on the real dump: what is missing is named before anything is sent. */
describe('listing build and pre-validation', () => {
  let db: TestDatabase;
  let oc: OcContext;
  let input: Omit<BuildInput, 'mappings' | 'categoryAttributes'>;

  before(async () => {
    db = await createTestDatabase();
    oc = await loadOcContext(db.knex, { prefix: 'oc_', storeUrl: 'https://shop.example/' });
    const product = (await getProducts(oc, [42])).get(42)!;
    const store = new VariantStore(db.knex);
    const variant = (await store.ensureForProducts([product])).variants.get(42)![0]!;
    input = {
      product,
      variant,
      settings: syncSettingsSchema.parse({}),
      productAttributes: new Map([[4, '8gb']]),
      capabilities: trendyolCapabilities(),
      taxRates: await loadTaxRates(oc),
      storeUrl: oc.storeUrl,
      quantity: 5,
      price: '120.00',
      listPrice: '130.00',
      currency: 'TRY',
      ref: '7',
    };
  });
  after(async () => db?.drop());

  const mappings = (over: Partial<AccountMappings> = {}): AccountMappings => ({
    categories: new Map([[28, { ocCategoryId: 28, remoteCategoryId: '1081', remoteCategoryPath: '' }]]),
    brands: new Map([[8, { manufacturerId: 8, remoteBrandId: '117', remoteBrandName: 'Apple' }]]),
    attributes: new Map(),
    ...over,
  });
  const renk = { id: '47', name: 'Renk', required: true, allowCustom: false, varianter: true, values: [{ id: '1001', name: 'Siyah' }] };
  const ram = { id: '711', name: 'Ram Kapasitesi', required: true, allowCustom: false, varianter: false, values: [{ id: '2002', name: '8 GB' }] };

  it('names a missing category mapping and a missing brand', () => {
    const r = buildListing({ ...input, mappings: mappings({ categories: new Map(), brands: new Map() }), categoryAttributes: [] });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.problems.some((p) => p.startsWith("no category mapping for 'Desktops' (20)") || p.startsWith('no category mapping for')), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => p.includes("manufacturer 'Apple' (8) has no brand mapping")), r.problems.join('\n'));
  });

  it('blocks a listing whose required attribute is not mapped or has no accepted value', () => {
    const r = buildListing({ ...input, mappings: mappings(), categoryAttributes: [renk, ram] });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.problems.includes("required attribute 'Renk' (id 47) is not mapped: map it to an OpenCart option, attribute, field or a fixed value"), r.problems.join('\n'));
    const unmatched = buildListing({
      ...input,
      mappings: mappings({ attributes: new Map([['1081', [{ remoteCategoryId: '1081', remoteAttributeId: '711', sourceType: 'attribute', sourceRef: '4', valueMap: {}, fixedValue: null, required: false }, { remoteCategoryId: '1081', remoteAttributeId: '47', sourceType: 'fixed', sourceRef: '', valueMap: {}, fixedValue: 'Siyah', required: false }]]]) }),
      categoryAttributes: [renk, ram],
    });
    assert.equal(unmatched.ok, false);
    if (!unmatched.ok) assert.deepEqual(unmatched.problems, ["value '8gb' of attribute 'Ram Kapasitesi' (id 711) is not in the marketplace's list; add it to the attribute's value map"]);
  });

  it('builds the item when everything is mapped: value maps, auto-matched names, images, group and codes', () => {
    const r = buildListing({
      ...input,
      mappings: mappings({
        attributes: new Map<string, AttributeMapping[]>([
          [
            '1081',
            [
              { remoteCategoryId: '1081', remoteAttributeId: '711', sourceType: 'attribute', sourceRef: '4', valueMap: { '8GB': '2002' }, fixedValue: null, required: false },
              { remoteCategoryId: '1081', remoteAttributeId: '47', sourceType: 'fixed', sourceRef: '', valueMap: {}, fixedValue: 'siyah', required: false },
            ],
          ],
        ]),
      }),
      categoryAttributes: [renk, ram],
    });
    assert.equal(r.ok, true, r.ok ? '' : r.problems.join('\n'));
    if (!r.ok) return;
    assert.deepEqual(r.item.attributes.map((a) => [a.attributeId, a.valueId]), [['711', '2002'], ['47', '1001']]);
    assert.equal(r.item.barcode, input.variant.barcode);
    assert.equal(r.item.sku, input.variant.sku);
    assert.equal(r.item.groupId, 'Product 15');
    assert.equal(r.item.categoryId, '1081');
    assert.equal(r.item.brand?.id, '117');
    assert.match(r.item.images[0]!, /^https:\/\/shop\.example\/image\/catalog\/demo\//);
    assert.match(r.item.title, /Apple Cinema 30" - /, 'the title names the variant');
    assert.equal(r.hash.length, 64);
  });
});
