import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from './support/db';
import { migrateDownAll, migrateLatest } from '../../migrations';
import { expectedTriggerNames, installedTriggers } from '../src/sync/capture/triggers';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ prefix: 'shop7_' });
  });
  after(async () => db.drop());

  const meschainTables = async () =>
    ((await db.knex('information_schema.TABLES')
      .select('TABLE_NAME as name', 'ENGINE as engine')
      .whereRaw('TABLE_SCHEMA = DATABASE()')
      .andWhere('TABLE_NAME', 'like', 'meschain\\_%')) as Array<{ name: string; engine: string }>);

  it('creates the sync core tables as InnoDB and triggers on the prefixed OpenCart tables', async () => {
    const tables = await meschainTables();
    for (const t of ['meschain_jobs', 'meschain_change_log', 'meschain_listings', 'meschain_orders', 'meschain_webhooks', 'meschain_inventory_ledger', 'meschain_sync_logs', 'meschain_marketplaces', 'meschain_category_mappings', 'meschain_attribute_mappings']) {
      const found = tables.find((x) => x.name === t);
      assert.ok(found, `${t} exists`);
      assert.equal(found.engine, 'InnoDB', `${t} is InnoDB`);
    }
    assert.deepEqual((await installedTriggers(db.knex, 'shop7_')).sort(), expectedTriggerNames('shop7_').sort());
  });

  it('re-running is harmless, down removes everything, and up works again', async () => {
    assert.deepEqual(await migrateLatest(db.knex, { ocPrefix: 'shop7_' }), []);
    await migrateDownAll(db.knex, { ocPrefix: 'shop7_' });
    const left = (await meschainTables()).map((t) => t.name).filter((n) => !n.startsWith('meschain_migrations'));
    assert.deepEqual(left, []);
    assert.deepEqual(await installedTriggers(db.knex, 'shop7_'), []);
    const applied = await migrateLatest(db.knex, { ocPrefix: 'shop7_' });
    assert.equal(applied.length, (await db.knex('meschain_migrations').count({ n: '*' }).first())!.n);
    assert.ok(applied.includes('20261125_001_sync_core') && applied.includes('20261125_002_capture_triggers'));
    assert.equal((await installedTriggers(db.knex, 'shop7_')).length, expectedTriggerNames('shop7_').length);
  });
});
