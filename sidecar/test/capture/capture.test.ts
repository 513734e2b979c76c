import assert from 'node:assert/strict';
import { createDb } from '../../src/db/connection';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../support/db';
import { removeTriggers, installTriggers, expectedTriggerNames, installedTriggers } from '../../src/sync/capture/triggers';
import { scanSnapshot } from '../../src/sync/capture/snapshot';
import { decideCaptureMode, CaptureUnavailableError } from '../../src/sync/capture/mode';

interface LogRow {
  entity: string;
  entity_id: number;
  product_id: number | null;
  op: string;
  source: string;
}

async function takeLog(db: TestDatabase): Promise<LogRow[]> {
  const rows = (await db.knex('meschain_change_log').orderBy('id').select('entity', 'entity_id', 'product_id', 'op', 'source')) as LogRow[];
  await db.knex('meschain_change_log').delete();
  return rows;
}

describe('change capture', () => {
  let db: TestDatabase;
  const p = 'oc_';
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());
  beforeEach(async () => {
    await db.knex('meschain_change_log').delete();
  });

  describe('trigger mode', () => {
    it('logs an OpenCart-style plain SQL stock UPDATE', async () => {
      await db.knex.raw(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = 40 AND subtract = '1'`);
      assert.deepEqual(await takeLog(db), [{ entity: 'product', entity_id: 40, product_id: 40, op: 'U', source: 'trigger' }]);
    });

    it('ignores updates of columns that do not change a listing', async () => {
      await db.knex.raw(`UPDATE ${p}product SET viewed = viewed + 1 WHERE product_id = 40`);
      await db.knex.raw(`UPDATE ${p}product SET quantity = quantity WHERE product_id = 40`);
      assert.deepEqual(await takeLog(db), []);
    });

    it('logs option values and the delete + re-insert of specials the admin does on every save', async () => {
      await db.knex.raw(`UPDATE ${p}product_option_value SET quantity = quantity + 5 WHERE product_option_value_id = 1`);
      const [[special]] = (await db.knex.raw(`SELECT * FROM ${p}product_special WHERE product_id = 42 LIMIT 1`)) as [[Record<string, unknown>]];
      await db.knex.raw(`DELETE FROM ${p}product_special WHERE product_id = 42`);
      await db.knex(`${p}product_special`).insert({ ...special, product_special_id: undefined });
      const log = await takeLog(db);
      const [[pov]] = (await db.knex.raw(`SELECT product_id FROM ${p}product_option_value WHERE product_option_value_id = 1`)) as [[{ product_id: number }]];
      assert.deepEqual(log[0], { entity: 'option_value', entity_id: 1, product_id: pov.product_id, op: 'U', source: 'trigger' });
      assert.ok(log.some((r) => r.entity === 'special' && r.op === 'D' && r.product_id === 42));
      assert.ok(log.some((r) => r.entity === 'special' && r.op === 'I' && r.product_id === 42));
    });

    it('logs new order history rows by order id', async () => {
      await db.knex(`${p}order_history`).insert({ order_id: 77, order_status_id: 2, notify: 0, comment: '', date_added: '2026-11-25 10:00:00' });
      assert.deepEqual(await takeLog(db), [{ entity: 'order_history', entity_id: 77, product_id: null, op: 'I', source: 'trigger' }]);
    });
  });

  describe('snapshot mode (triggers removed)', () => {
    before(async () => {
      await removeTriggers(db.knex, p);
      assert.deepEqual(await installedTriggers(db.knex, p), []);
    });
    after(async () => {
      await installTriggers(db.knex, p);
    });

    it('first scan records a baseline and reports nothing', async () => {
      const result = await scanSnapshot(db.knex, p);
      assert.deepEqual(result?.baselined.sort(), ['option_value', 'order_history', 'product', 'special']);
      assert.deepEqual(await takeLog(db), []);
    });

    it('finds the same plain SQL stock UPDATE', async () => {
      await db.knex.raw(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = 40 AND subtract = '1'`);
      const result = await scanSnapshot(db.knex, p);
      assert.equal(result?.changes.product, 1);
      assert.deepEqual(await takeLog(db), [{ entity: 'product', entity_id: 40, product_id: 40, op: 'U', source: 'snapshot' }]);
      // A second scan with nothing changed finds nothing.
      await scanSnapshot(db.knex, p);
      assert.deepEqual(await takeLog(db), []);
    });

    it('sees a special re-inserted unchanged as no change, and a new price as one', async () => {
      const [[special]] = (await db.knex.raw(`SELECT * FROM ${p}product_special WHERE product_id = 42 LIMIT 1`)) as [[Record<string, unknown>]];
      await db.knex.raw(`DELETE FROM ${p}product_special WHERE product_id = 42`);
      await db.knex(`${p}product_special`).insert({ ...special, product_special_id: undefined });
      await scanSnapshot(db.knex, p);
      assert.deepEqual(await takeLog(db), []);
      await db.knex.raw(`UPDATE ${p}product_special SET price = price - 1 WHERE product_id = 42`);
      await scanSnapshot(db.knex, p);
      assert.deepEqual(await takeLog(db), [{ entity: 'special', entity_id: 42, product_id: 42, op: 'U', source: 'snapshot' }]);
    });

    it('finds deleted option values, new products and new order history', async () => {
      const [[pov]] = (await db.knex.raw(`SELECT product_option_value_id AS id, product_id FROM ${p}product_option_value ORDER BY product_option_value_id DESC LIMIT 1`)) as [[{ id: number; product_id: number }]];
      await db.knex.raw(`DELETE FROM ${p}product_option_value WHERE product_option_value_id = ?`, [pov.id]);
      await db.knex.raw(`INSERT INTO ${p}product (product_id, model, sku, upc, ean, jan, isbn, mpn, location, quantity, stock_status_id, manufacturer_id, tax_class_id, date_added, date_modified) VALUES (9001, 'X', '', '', '', '', '', '', '', 3, 7, 0, 0, NOW(), NOW())`);
      await db.knex(`${p}order_history`).insert({ order_id: 78, order_status_id: 7, notify: 0, comment: '', date_added: '2026-11-25 10:00:00' });
      await scanSnapshot(db.knex, p);
      const log = await takeLog(db);
      assert.deepEqual(
        log.map((r) => `${r.entity}:${r.entity_id}:${r.op}`).sort(),
        [`option_value:${pov.id}:D`, 'order_history:78:I', 'product:9001:I'].sort(),
      );
    });
  });

  describe('mode decision', () => {
    const user = `mc_notrig_${process.pid}`;
    before(async () => {
      await db.admin.query(`CREATE USER IF NOT EXISTS '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'`);
      await db.admin.query(`CREATE USER IF NOT EXISTS '${user}'@'localhost' IDENTIFIED BY 'pw'`);
      // Everything a shop user normally has, but not TRIGGER (as on many shared hosts).
      for (const host of ['127.0.0.1', 'localhost']) {
        await db.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES ON \`${db.name}\`.* TO '${user}'@'${host}'`);
      }
    });
    after(async () => {
      await db.admin.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
      await db.admin.query(`DROP USER IF EXISTS '${user}'@'localhost'`);
    });

    it('uses triggers when they are installed', async () => {
      assert.equal((await decideCaptureMode(db.knex, p, 'auto')).mode, 'triggers');
    });

    it('reinstalls missing triggers when it may', async () => {
      await removeTriggers(db.knex, p);
      const d = await decideCaptureMode(db.knex, p, 'auto');
      assert.equal(d.mode, 'triggers');
      assert.equal((await installedTriggers(db.knex, p)).length, expectedTriggerNames(p).length);
    });

    it('falls back to the snapshot diff where CREATE TRIGGER is refused, and says why', async () => {
      await removeTriggers(db.knex, p);
      const url = new URL(databaseUrl(db.name));
      url.username = user;
      url.password = 'pw';
      const limited = createDb(url.toString());
      try {
        const d = await decideCaptureMode(limited, p, 'auto');
        assert.equal(d.mode, 'snapshot');
        assert.match(d.reason, /refused CREATE TRIGGER/);
        assert.deepEqual(await installedTriggers(db.knex, p), [], 'nothing half-installed');
        await assert.rejects(decideCaptureMode(limited, p, 'triggers'), CaptureUnavailableError);
        // The limited user can still run the scanner.
        await scanSnapshot(limited, p);
      } finally {
        await limited.destroy();
        await installTriggers(db.knex, p);
      }
    });
  });
});
