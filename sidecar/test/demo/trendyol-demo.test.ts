import assert from 'node:assert/strict';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/util/logger';
import { createOpencartTables } from '../../src/db/opencart/schema';
import { marketplacesModule } from '../../src/modules/marketplaces';
import { seedDemo } from '../../../scripts/demo/seed';
import { marketplacesHook, pauseEarlierDemoAccount, startTrendyolDemo, type TrendyolDemo } from '../../../scripts/demo/trendyol-demo';
import { createTestDatabase, type TestDatabase } from '../support/db';

const NAME = 'Trendyol demo sandbox';

describe('npm run demo: the Trendyol part, run again over the same database', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let sidecar: Sidecar;
  const hook = marketplacesHook();
  const running: TrendyolDemo[] = [];

  // No trickle: the test looks at accounts, not at the flows.
  const start = async () => {
    const demo = await startTrendyolDemo({ knex: db.knex, prefix: db.prefix, marketplaces: hook.service(), port: 0, orderEveryMs: 3_600_000, stockEveryMs: 3_600_000, log: () => undefined });
    running.push(demo);
    return demo;
  };
  const account = async (id: number) => (await db.knex('meschain_marketplaces').where({ id }).first()) as { name: string; enabled: number } | undefined;

  before(async () => {
    db = await createTestDatabase({ prefix: 'tdemo_', opencart: false, migrate: false });
    await createOpencartTables(db.knex, db.prefix);
    await seedDemo(db.knex, db.prefix, { products: 8, customers: 5, orders: 10, days: 30, seed: 3 });
    const config = loadConfig({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'd'.repeat(64), MESCHAIN_HTTP_PORT: '0', MESCHAIN_OC_PREFIX: db.prefix });
    sidecar = await startSidecar(config, { logger: createLogger('silent'), modules: [marketplacesModule, hook.module] });
  });
  after(async () => {
    for (const d of running) await d.stop().catch(() => undefined);
    await sidecar?.close();
    await db?.drop();
  });

  it('keeps an earlier account that imported orders (disabled, renamed) and connects a new one', async () => {
    const first = await start();
    // An order the first run imported: it keeps pointing at its account, which can no longer be deleted.
    await db.knex('meschain_order_groups').insert({ marketplace_id: first.accountId, remote_order_id: '10100000001', state: 'imported' });
    await first.stop();
    // The next run switches it off before its sidecar starts, so its queued jobs do not meet the new sandbox.
    assert.equal(await pauseEarlierDemoAccount(db.knex), 1);
    assert.equal(Number((await account(first.accountId))?.enabled), 0);
    assert.equal(await pauseEarlierDemoAccount(db.knex), 0, 'nothing left to switch off');

    const second = await start();
    assert.notEqual(second.accountId, first.accountId);
    assert.deepEqual(await account(first.accountId).then((a) => a && { name: a.name, enabled: Number(a.enabled) }), { name: `${NAME} (run before #${first.accountId})`, enabled: 0 });
    const now = await account(second.accountId);
    assert.equal(now?.name, NAME);
    assert.equal(Number(now?.enabled), 1);
    const [group] = await db.knex('meschain_order_groups').where({ remote_order_id: '10100000001' });
    assert.equal(group.marketplace_id, first.accountId, 'the earlier order stays with its account');
    await second.stop();

    // An account without orders is simply replaced.
    const third = await start();
    assert.equal(await account(second.accountId), undefined);
    assert.equal((await account(third.accountId))?.name, NAME);
  });
});
