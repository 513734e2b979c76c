import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { expectedTriggerNames, installedTriggers } from '../../src/sync/capture/triggers';

const CLI = path.resolve(__dirname, '../../bin/meschain.js');

describe('meschain CLI', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  after(async () => db.drop());

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'c'.repeat(64) },
      encoding: 'utf8',
    });

  it('migrate installs tables and triggers; uninstall removes the triggers; --purge drops the tables', async () => {
    const m = cli('migrate');
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /applied: 20261125_001_sync_core/);
    assert.equal((await installedTriggers(db.knex, 'oc_')).length, expectedTriggerNames('oc_').length);
    assert.match(cli('capture', 'status').stdout, new RegExp(`${expectedTriggerNames('oc_').length} triggers installed`));

    const u = cli('uninstall');
    assert.equal(u.status, 0, u.stderr);
    assert.deepEqual(await installedTriggers(db.knex, 'oc_'), []);
    assert.equal(await db.knex.schema.hasTable('meschain_jobs'), true);

    const p = cli('uninstall', '--purge');
    assert.equal(p.status, 0, p.stderr);
    assert.equal(await db.knex.schema.hasTable('meschain_jobs'), false);
    // OpenCart's own tables are untouched.
    assert.equal(await db.knex.schema.hasTable('oc_product'), true);
  });

  it('rejects an unknown command with usage and exit code 64', () => {
    const r = cli('frobnicate');
    assert.equal(r.status, 64);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});
