import assert from 'node:assert/strict';
import { getProducts, loadOcContext, type OcContext } from '../../src/db/opencart';
import {
  combinationStock,
  combinations,
  ean13,
  exportVariantsCsv,
  formatCsv,
  gtinProblem,
  importVariantsCsv,
  parseCsv,
  valueCode,
  variantSku,
  VariantImportError,
  VariantStore,
} from '../../src/sync/variants';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('variant codes and stock', () => {
  it('makes valid EAN-13s from a GS1 prefix and checks GTIN check digits', () => {
    assert.equal(ean13('8690000', 1), '8690000000012');
    assert.equal(gtinProblem('8690000000012'), null);
    assert.match(gtinProblem('8690000000013')!, /check digit is wrong \(expected 2\)/);
    assert.match(gtinProblem('12AB')!, /digits only/);
    assert.match(gtinProblem('123456')!, /8, 12, 13 or 14 digits/);
    assert.equal(gtinProblem('4006381333931'), null, 'a real EAN');
    assert.throws(() => ean13('2000000', 100000), /does not fit/);
  });
  it('builds SKUs from the model and option value codes, folding Turkish letters', () => {
    assert.equal(valueCode('Kırmızı', 5), 'KIRMIZI');
    assert.equal(valueCode('Çift Kişilik', 5), 'CIFTKISILIK');
    assert.equal(valueCode('—', 7), 'V7');
    assert.equal(variantSku({ productId: 3, model: 'TSH 42' }, [{ name: 'Siyah', optionValueId: 1 }, { name: 'XL', optionValueId: 2 }]), 'TSH-42-SIYAH-XL');
    assert.equal(variantSku({ productId: 3, model: '' }, [{ name: 'M', optionValueId: 1 }]), 'P3-M');
  });
  it('takes a combination stock as the minimum of the tracked levels', () => {
    assert.equal(combinationStock({ quantity: 50, subtract: true }, [{ quantity: 7, subtract: true }, { quantity: 3, subtract: true }]), 3);
    assert.equal(combinationStock({ quantity: 50, subtract: true }, [{ quantity: 7, subtract: true }, { quantity: 3, subtract: false }]), 7, 'an untracked value does not limit');
    assert.equal(combinationStock({ quantity: 2, subtract: false }, [{ quantity: 9, subtract: true }]), 9, 'an untracked product does not limit');
    assert.equal(combinationStock({ quantity: 12, subtract: false }, [{ quantity: 1, subtract: false }]), 12, 'nothing tracked: what the store shows');
    assert.equal(combinationStock({ quantity: -3, subtract: true }, []), 0);
    assert.equal(combinationStock({ quantity: 5, subtract: true }, [], 'fixed', 40), 40);
    assert.equal(combinationStock({ quantity: 5, subtract: true }, [{ quantity: 1, subtract: true }], 'product'), 5);
  });
  it('parses RFC 4180 CSV with quotes, embedded line breaks and ; separators, remembering lines', () => {
    const rows = parseCsv('a;b\r\n"x;1";"he said ""hi"""\r\n"multi\nline";2\n\n3;4\n');
    assert.deepEqual(rows.map((r) => r.fields), [['a', 'b'], ['x;1', 'he said "hi"'], ['multi\nline', '2'], ['3', '4']]);
    assert.deepEqual(rows.map((r) => r.line), [1, 2, 3, 6]);
    assert.equal(formatCsv([['a,b', 'c"d', null]]), '"a,b","c""d",\r\n');
    assert.throws(() => parseCsv('a,b\n"open,1\n'), /not closed/);
  });
});

describe('variant table on the real OpenCart dump (prefix mc_)', () => {
  let db: TestDatabase;
  let oc: OcContext;
  let store: VariantStore;

  before(async () => {
    db = await createTestDatabase({ prefix: 'mc_' });
    oc = await loadOcContext(db.knex, { prefix: 'mc_' });
    store = new VariantStore(db.knex);
    await store.setGs1Prefix('8690001');
  });
  after(async () => db?.drop());

  it('generates one variant per choice-option combination with SKUs and generated barcodes', async () => {
    const products = await getProducts(oc, [30, 40, 42]);
    const combos42 = combinations(products.get(42)!);
    // Product 42 (Apple Cinema 30") has select (4 values) and radio (3 values) options; checkbox/text/file are not variants.
    assert.equal(combos42.length, 12);
    const r = await store.ensureForProducts([...products.values()]);
    assert.equal(r.created, 12 + combinations(products.get(30)!).length + 1);
    const v42 = r.variants.get(42)!;
    assert.equal(v42.length, 12);
    for (const v of v42) assert.ok(v.sku!.startsWith('Product-15-') && gtinProblem(v.barcode!) === null && v.barcode!.startsWith('8690001'), `${v.sku} ${v.barcode}`);
    assert.equal(new Set(v42.map((v) => v.barcode)).size, 12);
    const [v40] = r.variants.get(40)!;
    assert.equal(v40!.variantKey, '', 'a product without variant options is its own variant');
    const again = await store.ensureForProducts([...products.values()]);
    assert.equal(again.created, 0, 'idempotent');
  });

  it('round-trips through CSV and imports edits all or nothing', async () => {
    const csv = await exportVariantsCsv(store, oc, { separator: ';' });
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'product_id;variant_key;model;name;options;sku;barcode;stock_source;fixed_quantity;cost;min_price;max_price;active');
    const replans = async () => (await db.knex('meschain_change_log').where({ source: 'variant' }).select('product_id')).map((r: { product_id: number }) => Number(r.product_id));
    const asked = (await replans()).length;
    const unchanged = await importVariantsCsv(store, oc, csv);
    assert.equal(unchanged.updated, 0);
    assert.equal(unchanged.unchanged, lines.length - 1);
    assert.equal((await replans()).length, asked, 'an import that changes nothing asks for no re-plan');

    const [a, b] = (await store.byProducts([42])).get(42)!;
    const swap = `product_id,variant_key,sku,cost,min_price,stock_source,fixed_quantity\n42,${a!.variantKey},${b!.sku},12.50,20,fixed,7\n42,${b!.variantKey},${a!.sku},,,computed,\n`;
    const r = await importVariantsCsv(store, oc, swap);
    assert.deepEqual(r, { rows: 2, created: 0, updated: 2, unchanged: 0 });
    const after = await store.byIds([a!.id, b!.id]);
    assert.equal(after.get(a!.id)!.sku, b!.sku, 'SKUs can be swapped inside one import');
    assert.equal(after.get(a!.id)!.cost, '12.5000');
    assert.equal(after.get(a!.id)!.fixedQuantity, 7);
    assert.equal(after.get(a!.id)!.origin, 'imported');
    assert.deepEqual((await replans()).slice(asked), [42], 'the edited product is re-planned once, through the change log every process reads');

    const bad = [
      'product_id,variant_key,barcode,cost,active,stock_source',
      `42,${a!.variantKey},8690001000012,abc,maybe,computed`,
      '999999,,,1,1,computed',
      `42,1-2,,1,1,computed`,
      `42,${a!.variantKey},,1,1,computed`,
      `30,,${b!.barcode},1,1,computed`,
    ].join('\n');
    await assert.rejects(
      () => importVariantsCsv(store, oc, bad),
      (err: VariantImportError) => {
        const text = err.problems.map((p) => `${p.line}/${p.column}: ${p.message}`);
        assert.ok(text.some((t) => t.startsWith('2/barcode: check digit is wrong')), text.join('\n'));
        assert.ok(text.some((t) => t.startsWith('2/cost:')));
        assert.ok(text.some((t) => t.startsWith('2/active:')));
        assert.ok(text.some((t) => t.startsWith('3/product_id: product 999999 does not exist')));
        assert.ok(text.some((t) => t.startsWith('4/variant_key:') && t.includes('not an option combination')));
        assert.ok(text.some((t) => t.startsWith('5/variant_key: same product and variant as line 2')));
        assert.ok(text.some((t) => t.startsWith(`6/barcode: ${b!.barcode} already belongs to product 42`)));
        return true;
      },
    );
    assert.equal((await store.byIds([a!.id])).get(a!.id)!.cost, '12.5000', 'nothing changed');
  });

  it('judges an import row with the stored values it leaves out: no fixed stock without a quantity, no crossed price bounds', async () => {
    // From the test above: a is fixed at 7 with a minimum price of 20; b is computed, with no fixed quantity.
    const [a, b] = (await store.byProducts([42])).get(42)!;
    assert.equal(a!.minPrice !== null && Number(a!.minPrice), 20);
    const crossing = `product_id,variant_key,max_price\n42,${a!.variantKey},10\n`;
    await assert.rejects(
      () => importVariantsCsv(store, oc, crossing),
      (err: VariantImportError) => err.problems.some((p) => p.line === 2 && p.column === 'max_price' && /min_price 20.* above max_price 10/.test(p.message)),
    );
    const fixedWithout = `product_id,variant_key,stock_source\n42,${b!.variantKey},fixed\n`;
    await assert.rejects(
      () => importVariantsCsv(store, oc, fixedWithout),
      (err: VariantImportError) => err.problems.some((p) => p.line === 2 && p.column === 'stock_source' && /needs a fixed_quantity/.test(p.message)),
    );
    const after = await store.byIds([a!.id, b!.id]);
    assert.equal(after.get(a!.id)!.maxPrice, a!.maxPrice, 'nothing changed');
    assert.equal(after.get(b!.id)!.stockSource, b!.stockSource);
    // Consistent with what is stored, the same columns import.
    assert.equal((await importVariantsCsv(store, oc, `product_id,variant_key,max_price\n42,${a!.variantKey},25\n`)).updated, 1);
  });
});
