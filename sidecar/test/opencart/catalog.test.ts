import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { loadOcContext, type OcContext } from '../../src/db/opencart/context';
import { getProduct, getProducts, listProducts } from '../../src/db/opencart/products';
import { getCategory, listCategories } from '../../src/db/opencart/categories';
import { loadTaxRates, priceWithTax, taxesFor, taxOn } from '../../src/db/opencart/tax';

/** Catalog reads against OpenCart's own demo data, under a non-default table prefix. */
describe('opencart data layer: catalog reads (prefix shop_)', () => {
  let db: TestDatabase;
  let ctx: OcContext;
  before(async () => {
    db = await createTestDatabase({ prefix: 'shop_', migrate: false });
    ctx = await loadOcContext(db.knex, { prefix: 'shop_' });
  });
  after(async () => db.drop());

  /** The special subquery of OpenCart's catalog/model/catalog/product.php getProduct, verbatim but for the prefix. */
  async function openCartSpecial(productId: number, group: number, offset: string, at: Date): Promise<string | null> {
    await db.admin.query(`USE \`${db.name}\``);
    await db.admin.query(`SET time_zone = ?, timestamp = ?`, [offset, Math.floor(at.getTime() / 1000)]);
    try {
      const [rows] = (await db.admin.query(
          "SELECT `price` FROM `shop_product_special` ps WHERE ps.`product_id` = ? AND ps.`customer_group_id` = ? AND ((ps.`date_start` = '0000-00-00' OR ps.`date_start` < NOW()) AND (ps.`date_end` = '0000-00-00' OR ps.`date_end` > NOW())) ORDER BY ps.`priority` ASC, ps.`price` ASC LIMIT 1",
          [productId, group],
      )) as unknown as [Array<{ price: string }>];
      return rows[0]?.price ?? null;
    } finally {
      await db.admin.query('SET time_zone = DEFAULT, timestamp = DEFAULT');
    }
  }

  it('reads product 42 (Apple Cinema 30") as the admin shows it, text decoded', async () => {
    const p = await getProduct(ctx, 42);
    assert.ok(p);
    assert.equal(p.name, 'Apple Cinema 30"');
    assert.match(p.description, /^<p>\r\n\t<font face="helvetica,geneva,arial" size="2"><font face="Helvetica" size="2">The 30-inch Apple Cinema HD Display/);
    assert.deepEqual(p.descriptions.map((d) => [d.languageId, d.languageCode, d.name]), [[1, 'en-gb', 'Apple Cinema 30"']]);
    assert.equal(p.model, 'Product 15');
    assert.deepEqual([p.sku, p.upc, p.ean, p.jan, p.isbn, p.mpn], ['', '', '', '', '', '']);
    assert.equal(p.quantity, 990);
    assert.equal(p.subtract, true);
    assert.equal(p.status, true);
    assert.equal(p.inStore, true);
    assert.deepEqual(p.storeIds, [0]);
    assert.equal(p.price, '100.0000');
    assert.equal(p.taxClassId, 9);
    assert.equal(p.manufacturerId, 8);
    assert.equal(p.manufacturer, 'Apple');
    assert.equal(p.stockStatus, 'Out Of Stock');
    assert.equal(p.image, 'catalog/demo/apple_cinema_30.jpg');
    assert.deepEqual(p.images, [
      'catalog/demo/canon_eos_5d_2.jpg',
      'catalog/demo/canon_eos_5d_1.jpg',
      'catalog/demo/compaq_presario.jpg',
      'catalog/demo/hp_1.jpg',
      'catalog/demo/canon_logo.jpg',
    ]);
    assert.deepEqual([p.weight, p.weightUnit, p.length, p.width, p.height, p.lengthUnit], ['12.50000000', 'kg', '1.00000000', '2.00000000', '3.00000000', 'cm']);
    assert.equal(p.minimum, 2);
    assert.equal(p.dateAvailable, '2009-02-04');
  });

  it("lists product 42's options in storefront order with each value's own stock, subtract and price prefix", async () => {
    const p = await getProduct(ctx, 42);
    assert.ok(p);
    assert.deepEqual(
      p.options.map((o) => [o.productOptionId, o.name, o.type, o.required]),
      [
        [218, 'Radio', 'radio', true],
        [223, 'Checkbox', 'checkbox', true],
        [208, 'Text', 'text', true],
        [217, 'Select', 'select', true],
        [209, 'Textarea', 'textarea', true],
        [222, 'File', 'file', true],
        [219, 'Date', 'date', true],
        [221, 'Time', 'time', true],
        [220, 'Date & Time', 'datetime', true],
      ],
    );
    const select = p.options.find((o) => o.productOptionId === 217);
    assert.deepEqual(
      select?.values.map((v) => [v.productOptionValueId, v.name, v.quantity, v.subtract, v.pricePrefix, v.price]),
      [
        [4, 'Red', 92, true, '+', '4.0000'],
        [3, 'Blue', 300, false, '+', '3.0000'],
        [1, 'Green', 100, false, '+', '1.0000'],
        [2, 'Yellow', 200, true, '+', '2.0000'],
      ],
    );
    const radio = p.options.find((o) => o.productOptionId === 218);
    assert.deepEqual(
      radio?.values.map((v) => [v.productOptionValueId, v.name, v.quantity, v.subtract, v.price, v.points, v.pointsPrefix]),
      [
        [5, 'Small', 96, true, '10.0000', 1, '+'],
        [6, 'Medium', 146, true, '20.0000', 2, '-'],
        [7, 'Large', 300, true, '30.0000', 3, '+'],
      ],
    );
    assert.equal(p.options.find((o) => o.productOptionId === 208)?.value, 'test');
    assert.deepEqual(p.options.find((o) => o.productOptionId === 208)?.values, []);
  });

  it('picks the demo specials: 42 → 90.00; 30 → 80.00 (priority 1 beats priority 2)', async () => {
    const products = await getProducts(ctx, [42, 30, 28]);
    assert.equal(products.get(42)?.special?.price, '90.0000');
    assert.equal(products.get(42)?.effectivePrice, '90.0000');
    assert.equal(products.get(42)?.discount, null, 'demo discounts need 10+ units');
    assert.equal(products.get(42)?.discounts.length, 3);
    assert.equal(products.get(30)?.special?.price, '80.0000');
    assert.equal(products.get(30)?.specials.length, 2);
    assert.equal(products.get(28)?.special, null);
    assert.equal(products.get(28)?.effectivePrice, '100.0000');
  });

  it("chooses specials by OpenCart's rule on the SHOP's clock (Europe/Istanbul), not the UTC session's", async () => {
    // 2026-03-10 22:30 UTC is already 2026-03-11 01:30 in Istanbul.
    const instant = new Date('2026-03-10T22:30:00Z');
    const special = (price: string, priority: number, dateStart: string, dateEnd: string, group = 1) => ({
      product_id: 30, customer_group_id: group, priority, price, date_start: dateStart, date_end: dateEnd,
    });
    await db.knex('shop_product_special').insert([
      special('50.0000', 0, '2026-03-11', '0000-00-00'), // started at local midnight: active in Istanbul, not yet in UTC
      special('40.0000', 0, '2026-03-12', '0000-00-00'), // starts tomorrow: never active now
      special('45.0000', 0, '0000-00-00', '2026-03-11'), // the end day is excluded: over in Istanbul, still on in UTC
      special('48.0000', 0, '0000-00-00', '2026-03-12'), // active in both
      special('60.0000', 0, '2026-03-01', '2026-04-01'), // active, same priority, dearer
      special('30.0000', 0, '0000-00-00', '0000-00-00', 2), // another customer group
    ]);
    try {
      await db.knex('shop_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'Europe/Istanbul' });
      const istanbul = await loadOcContext(db.knex, { prefix: 'shop_', now: () => instant });
      const p = await getProduct(istanbul, 30);
      assert.equal(p?.special?.price, '48.0000', 'lowest price among the active priority-0 rows');
      assert.deepEqual([p?.special?.dateStart, p?.special?.dateEnd], ['0000-00-00', '2026-03-12']);
      assert.equal(p?.effectivePrice, '48.0000');
      assert.equal((await getProduct(istanbul, 30, { customerGroupId: 2 }))?.special?.price, '30.0000');

      await db.knex('shop_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'UTC' });
      const utc = await loadOcContext(db.knex, { prefix: 'shop_', now: () => instant });
      assert.equal((await getProduct(utc, 30))?.special?.price, '45.0000', 'in a UTC shop the row ending 03-11 is still running');

      // At exactly local midnight a special starting that day has not started (date_start < NOW() is strict).
      const midnight = await loadOcContext(db.knex, { prefix: 'shop_', now: () => new Date('2026-03-12T00:00:00Z') });
      const atMidnight = await getProduct(midnight, 30);
      assert.equal(atMidnight?.special?.price, '50.0000', "48 ended (03-12 00:00 is not > now); 40 starts only after midnight");

      // Cross-check with OpenCart's own SQL, run with its session zone offset and NOW() pinned to the instant.
      for (const [offset, at, ours] of [
        ['+03:00', instant, '48.0000'],
        ['+00:00', instant, '45.0000'],
        ['+00:00', new Date('2026-03-12T00:00:00Z'), '50.0000'],
      ] as const) {
        assert.equal(await openCartSpecial(30, 1, offset, at), ours, `OpenCart's query at ${offset} ${at.toISOString()}`);
      }
    } finally {
      await db.knex('shop_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'UTC' });
      await db.knex('shop_product_special').where('product_id', 30).where('priority', 0).delete();
    }
  });

  it('falls back to the active quantity-1 discount when there is no special', async () => {
    await db.knex('shop_product_discount').insert([
      { product_id: 31, customer_group_id: 1, quantity: 1, priority: 1, price: '70.0000', date_start: '0000-00-00', date_end: '0000-00-00' },
      { product_id: 31, customer_group_id: 1, quantity: 1, priority: 2, price: '65.0000', date_start: '0000-00-00', date_end: '0000-00-00' },
      { product_id: 31, customer_group_id: 1, quantity: 5, priority: 0, price: '50.0000', date_start: '0000-00-00', date_end: '0000-00-00' },
    ]);
    const p = await getProduct(ctx, 31);
    assert.equal(p?.price, '80.0000');
    assert.equal(p?.special, null);
    assert.equal(p?.discount?.price, '70.0000', 'priority before price; quantity-5 rows do not count');
    assert.equal(p?.effectivePrice, '70.0000');
    await db.knex('shop_product_special').insert({ product_id: 31, customer_group_id: 1, priority: 1, price: '75.0000', date_start: '0000-00-00', date_end: '0000-00-00' });
    assert.equal((await getProduct(ctx, 31))?.effectivePrice, '75.0000', 'a special wins over the discount');
  });

  it('returns categories with their full path names, and lists the store categories', async () => {
    const p = await getProduct(ctx, 42);
    assert.deepEqual(
      p?.categories.map((c) => [c.categoryId, c.pathName, c.path.map((x) => x.categoryId)]),
      [
        [20, 'Desktops', [20]],
        [28, 'Components > Monitors', [25, 28]],
      ],
    );
    const c35 = await getCategory(ctx, 35);
    assert.equal(c35?.pathName, 'Components > Monitors > test 1');
    assert.equal((await getCategory(ctx, 24))?.name, 'Phones & PDAs');
    const all = await listCategories(ctx);
    assert.ok(all.length >= 30);
    assert.ok(all.some((c) => c.pathName === 'Laptops & Notebooks > Macs'));
  });

  it('computes prices incl. tax like OpenCart: Taxable Goods (9) = VAT 20% + Eco Tax 2.00 at the store address', async () => {
    // The dump: rates 86 'VAT (20%)' P 20 and 87 'Eco Tax (-2.00)' F 2, both 'shipping'-based rules of
    // class 9 in geo zone 3, which holds the store's zone 3563; config_tax_default = shipping.
    const table = await loadTaxRates(ctx);
    assert.deepEqual(
      table.get(9)?.map((r) => [r.taxRateId, r.name, r.type, r.rate]),
      [
        [86, 'VAT (20%)', 'P', '20.0000'],
        [87, 'Eco Tax (-2.00)', 'F', '2.0000'],
      ],
    );
    assert.equal(priceWithTax(table, '100.0000', 9), '122.0000', "product 42's list price as the storefront shows it");
    assert.equal(priceWithTax(table, '90.0000', 9), '110.0000', 'and its special');
    assert.equal(taxOn(table, '101.0000', 9), '22.2000');
    assert.deepEqual(taxesFor(table, '10', 9).map((t) => t.amount), ['2.0000', '2.0000']);
    assert.equal(priceWithTax(table, '100', 0), '100.0000', 'no tax class, no tax');
    // Class 10 (downloadable) has a 'store' rule (Eco tax) and a 'payment' rule (VAT) that a guest without a payment address does not get.
    assert.deepEqual(table.get(10)?.map((r) => r.taxRateId), [87]);
    const withPayment = await loadTaxRates(ctx, { paymentAddress: { countryId: 222, zoneId: 3563 } });
    assert.deepEqual(withPayment.get(10)?.map((r) => r.taxRateId).sort(), [86, 87]);
    // A Turkish address is outside the UK geo zones: no VAT, no eco tax on shipping-based rules.
    const turkey = await loadTaxRates(ctx, { shippingAddress: { countryId: 215, zoneId: 3354 } });
    assert.equal(priceWithTax(turkey, '100', 9), '100.0000');
    // Another customer group gets no rates (tax_rate_to_customer_group only lists group 1).
    assert.equal(priceWithTax(await loadTaxRates(ctx, { customerGroupId: 2 }), '100', 9), '100.0000');
  });

  it('pages through the whole catalog by id without losing or repeating products', async () => {
    const seen: number[] = [];
    let afterId: number | null = 0;
    let pages = 0;
    while (afterId !== null) {
      const page = await listProducts(ctx, { afterId, limit: 7 });
      seen.push(...page.items.map((p) => p.productId));
      afterId = page.nextAfterId;
      pages++;
    }
    const all = (await db.knex('shop_product').orderBy('product_id').pluck('product_id')) as number[];
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.ceil(all.length / 7) + (all.length % 7 === 0 ? 1 : 0));
    const fromList = (await listProducts(ctx, { afterId: 41, limit: 1 })).items[0];
    assert.deepEqual(fromList, await getProduct(ctx, 42), 'a page holds exactly what getProduct returns');
  });

  it('loads a page with a fixed number of queries, whatever its size (no N+1)', async () => {
    const count = async (limit: number) => {
      let queries = 0;
      const onQuery = () => queries++;
      db.knex.on('query', onQuery);
      try {
        await listProducts(ctx, { afterId: 0, limit });
      } finally {
        db.knex.removeListener('query', onQuery);
      }
      return queries;
    };
    const small = await count(2);
    const large = await count(19);
    assert.equal(large, small);
    assert.ok(small <= 12, `${small} queries per page`);
  });
});
