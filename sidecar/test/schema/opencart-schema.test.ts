import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  createOpencartTables,
  OPENCART_TABLE_NAMES,
  opencartTable,
  renderCreateTable,
} from '../../src/db/opencart/schema';
import { diffShapes, tableShape, type TableShape } from './table-shape';

/**
 * The project's own OpenCart table definitions must be indistinguishable, through information_schema,
 * from what OpenCart's real install SQL creates: column names, order, types, nullability, defaults,
 * auto_increment, charset/collation, engine, primary key and indexes.
 */
for (const prefix of ['oc_', 'shop7_']) {
  describe(`OpenCart schema definition vs the real dump (prefix ${prefix})`, () => {
    let dump: TestDatabase;
    let ours: TestDatabase;
    const shapes = new Map<string, [TableShape | null, TableShape | null]>();

    before(async () => {
      dump = await createTestDatabase({ prefix, migrate: false });
      ours = await createTestDatabase({ prefix, opencart: false, migrate: false });
      const result = await createOpencartTables(ours.knex, prefix);
      assert.deepEqual(result.existing, []);
      assert.equal(result.created.length, OPENCART_TABLE_NAMES.length);
      for (const name of OPENCART_TABLE_NAMES) {
        shapes.set(name, [await tableShape(dump.knex, dump.name, prefix + name), await tableShape(ours.knex, ours.name, prefix + name)]);
      }
    });

    after(async () => {
      await dump?.drop();
      await ours?.drop();
    });

    for (const name of OPENCART_TABLE_NAMES) {
      it(`${prefix}${name} matches column for column`, () => {
        const [want, got] = shapes.get(name)!;
        assert.ok(want, `${prefix}${name} is not in OpenCart's dump`);
        assert.ok(got, `${prefix}${name} was not created`);
        assert.ok(want.columns.length > 0);
        assert.deepEqual(diffShapes(want, got), []);
        // Belt and braces: the whole shape, so a field diffShapes forgot would still show up.
        assert.deepEqual(got, want);
      });
    }

    it('creates nothing else and is idempotent', async () => {
      const tables = (await ours.knex('information_schema.TABLES').pluck('TABLE_NAME').where({ TABLE_SCHEMA: ours.name })) as string[];
      assert.deepEqual([...tables].sort(), OPENCART_TABLE_NAMES.map((n) => prefix + n).sort());
      const again = await createOpencartTables(ours.knex, prefix);
      assert.deepEqual(again.created, []);
      assert.equal(again.existing.length, OPENCART_TABLE_NAMES.length);
    });
  });
}

describe('OpenCart schema comparison catches drift', () => {
  let dump: TestDatabase;
  let ours: TestDatabase;
  let want: TableShape;
  const prefix = 'dr_';

  before(async () => {
    dump = await createTestDatabase({ prefix, migrate: false });
    ours = await createTestDatabase({ prefix, opencart: false, migrate: false });
    want = (await tableShape(dump.knex, dump.name, `${prefix}product_special`))!;
  });

  after(async () => {
    await dump?.drop();
    await ours?.drop();
  });

  // Each case builds a fresh product_special, alters it the way a wrong definition would, and expects
  // the comparison used above to name the difference.
  const cases: Array<[string, string, RegExp]> = [
    ['an added column', 'ADD COLUMN `extra` int(11) NOT NULL DEFAULT 0', /column extra: not in the reference/],
    ['a missing column', 'DROP COLUMN `priority`', /column priority: missing/],
    ['a reordered column', 'MODIFY COLUMN `date_end` date NOT NULL DEFAULT \'0000-00-00\' AFTER `product_id`', /column date_end: position/],
    ['a different type', 'MODIFY COLUMN `price` decimal(15,2) NOT NULL DEFAULT \'0.00\'', /column price: type want "decimal\(15,4\)"/],
    ['a different default', 'MODIFY COLUMN `priority` int(5) NOT NULL DEFAULT 2', /column priority: default/],
    ['a different nullability', 'MODIFY COLUMN `customer_group_id` int(11) NULL', /column customer_group_id: nullable/],
    ['a lost auto_increment', 'MODIFY COLUMN `product_special_id` int(11) NOT NULL', /column product_special_id: extra/],
    ['a missing index', 'DROP INDEX `product_id`', /index product_id: want product_id, got none/],
    ['another engine', 'ENGINE=InnoDB', /engine: want MyISAM, got InnoDB/],
  ];
  for (const [label, alter, expected] of cases) {
    it(`reports ${label}`, async () => {
      await ours.knex.raw(`DROP TABLE IF EXISTS \`${prefix}product_special\``);
      await ours.knex.raw(renderCreateTable(opencartTable('product_special'), prefix));
      const before = (await tableShape(ours.knex, ours.name, `${prefix}product_special`))!;
      assert.deepEqual(diffShapes(want, before), []);
      await ours.knex.raw(`ALTER TABLE \`${prefix}product_special\` ${alter}`);
      const after = (await tableShape(ours.knex, ours.name, `${prefix}product_special`))!;
      const diff = diffShapes(want, after);
      assert.ok(diff.some((d) => expected.test(d)), `expected ${expected} in:\n${diff.join('\n')}`);
    });
  }

  it('rejects a prefix that could break out of an identifier', async () => {
    await assert.rejects(createOpencartTables(ours.knex, 'oc`; DROP'), /invalid OpenCart table prefix/);
  });
});
