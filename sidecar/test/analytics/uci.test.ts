import assert from 'node:assert/strict';
import path from 'node:path';
import { convertUci, parseCsvLine, readUciCsv, type UciRow } from '../../src/analytics/data/uci';
import { loadUciIntoShop } from '../../src/analytics/data/uci-load';
import { loadSeries } from '../../src/analytics/data/sales-series';
import { dayIndex } from '../../src/analytics/calendar';
import { createTestDatabase, type TestDatabase } from '../support/db';

const DATASET = path.resolve(__dirname, '../../../../shared/datasets/online-retail-uci/online_retail.csv.gz');

const row = (invoice: string, stockCode: string, quantity: number, at: string, unitPrice: number, customerId = '17850', description = 'WHITE HANGING HEART T-LIGHT HOLDER'): UciRow => ({
  invoice, stockCode, description, quantity, at, unitPrice, customerId, country: 'United Kingdom',
});

describe('analytics: the Online Retail dataset as an OpenCart history', () => {
  it('parses quoted CSV fields', () => {
    assert.deepEqual(parseCsvLine('"536365","85123A","MUG, ""BIG""",6,"2010-12-01 08:26:00",2.55,,"United Kingdom"'), ['536365', '85123A', 'MUG, "BIG"', '6', '2010-12-01 08:26:00', '2.55', '', 'United Kingdom']);
  });

  it('nets cancellations against earlier lines, drops adjustments and fees, keeps postage as shipping', () => {
    const { history, stats } = convertUci(
      [
        row('581483', '23843', 80995, '2011-12-09 09:15:00', 2.08, '16446', 'PAPER CRAFT , LITTLE BIRDIE'),
        row('C581484', '23843', -80995, '2011-12-09 09:27:00', 2.08, '16446', 'PAPER CRAFT , LITTLE BIRDIE'),
        row('536365', '85123A', 6, '2010-12-01 08:26:00', 2.55),
        row('536365', '71053', 6, '2010-12-01 08:26:00', 3.39, '17850', 'WHITE METAL LANTERN'),
        row('536365', 'POST', 1, '2010-12-01 08:26:00', 18),
        row('C536379', '85123A', -2, '2010-12-02 10:00:00', 2.55),
        row('536380', '71053', -20, '2010-12-02 11:00:00', 0, '', 'damaged'),
        row('536381', 'BANK CHARGES', 1, '2010-12-02 12:00:00', 15),
        row('C536390', '22222', -5, '2010-12-02 13:00:00', 1.25, '12345', 'OLD STOCK BAG'),
      ],
      { minCategorySize: 2 },
    );
    assert.equal(history.orders.length, 2);
    const giant = history.orders.find((o) => o.lines[0]!.productKey === '23843')!;
    assert.equal(giant.state, 'canceled', 'the mistaken giant order is a cancelled order');
    const normal = history.orders.find((o) => o.placedAt.startsWith('2010-12-01'))!;
    assert.equal(normal.state, 'complete');
    assert.deepEqual(normal.lines.map((l) => [l.productKey, l.quantity]), [['85123A', 4], ['71053', 6]]);
    assert.equal(normal.shipping, 18);
    assert.equal(stats.nettedUnits, 80995 + 2);
    assert.equal(stats.unmatchedCancelledUnits, 5);
    assert.equal(stats.droppedRows, 2);
    assert.deepEqual(history.products.map((p) => [p.key, p.name, p.categoryKeys]), [
      ['23843', 'Paper Craft , Little Birdie', ['OTHER']],
      ['71053', 'White Metal Lantern', ['OTHER']],
      ['85123A', 'White Hanging Heart T-Light Holder', ['OTHER']],
    ]);
  });

  describe('loaded into a shop (first 3,000 rows of the real file)', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase({ prefix: 'uci_' });
    });
    after(async () => db?.drop());

    it('becomes a UK shop whose SQL sales match the converted history day by day', async () => {
      const loaded = await loadUciIntoShop(db.knex, db.prefix, DATASET, { limit: 3000 });
      assert.equal(loaded.ctx.timezone, 'Europe/London');
      assert.equal(loaded.ctx.defaultCurrency, 'GBP');
      const rows = await readUciCsv(DATASET, { limit: 3000 });
      const { history } = convertUci(rows);
      const from = '2010-12-01';
      const to = loaded.lastInvoiceAt.slice(0, 10);
      const expected = new Array<number>(dayIndex(to) - dayIndex(from) + 1).fill(0);
      for (const o of history.orders) if (o.state === 'complete') for (const l of o.lines) expected[dayIndex(o.placedAt) - dayIndex(from)]! += l.quantity;
      const units = await loadSeries(loaded.ctx, { level: 'store', measure: 'units', from, to });
      assert.deepEqual(units.series.get('store'), expected);
      assert.ok(expected.reduce((a, b) => a + b, 0) > 10_000);
      await assert.rejects(loadUciIntoShop(db.knex, db.prefix, DATASET, { limit: 10 }), /already holds/);
    });
  });
});
