import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { checkHeartbeats, listAlerts, listHeartbeats, recordHeartbeat } from '../../src/sync/heartbeats';
import { addAccount } from './support';

describe('heartbeats: silence raises an alert instead of failing quietly', () => {
  let db: TestDatabase;
  let accountId: number;

  before(async () => {
    db = await createTestDatabase({ opencart: true });
    accountId = await addAccount(db.knex);
  });
  after(async () => db.drop());

  it('records work per account and flow', async () => {
    await recordHeartbeat(db.knex, accountId, 'ordersIn', 'poll: 2 orders');
    await recordHeartbeat(db.knex, accountId, 'ordersIn', 'poll: 0 orders');
    const [hb] = await listHeartbeats(db.knex, accountId);
    assert.equal(hb!.flow, 'ordersIn');
    assert.equal(hb!.beats, 2);
    assert.equal(hb!.detail, 'poll: 0 orders');
    await assert.rejects(recordHeartbeat(db.knex, accountId, 'no such flow!'), /must be a short name/);
  });

  it('a flow silent beyond its interval opens one alert; work again resolves it', async () => {
    // stockOut never beat; watched since an hour ago with a 10-minute limit: silent.
    const since = new Date(Date.now() - 60 * 60_000);
    const expectations = [
      { accountId, accountName: 'Trendyol test', flow: 'stockOut', expectedMs: 10 * 60_000 },
      { accountId, flow: 'ordersIn', expectedMs: 10 * 60_000 },
    ];
    const first = await checkHeartbeats(db.knex, expectations, { since });
    assert.equal(first.ok, false);
    assert.deepEqual(first.flows.map((f) => [f.flow, f.ok]), [['stockOut', false], ['ordersIn', true]]);
    await checkHeartbeats(db.knex, expectations, { since });
    const open = await listAlerts(db.knex, { state: 'open', kind: 'heartbeat' });
    assert.equal(open.length, 1, 'a persisting silence refreshes its alert rather than adding rows');
    assert.equal(open[0]!.subject, 'stockOut');
    assert.match(open[0]!.message, /stockOut of Trendyol test \(#\d+\) has done no work for \d+ s/);

    await recordHeartbeat(db.knex, accountId, 'stockOut');
    const second = await checkHeartbeats(db.knex, expectations, { since });
    assert.equal(second.ok, true);
    assert.equal((await listAlerts(db.knex, { state: 'open', kind: 'heartbeat' })).length, 0);
    assert.equal((await listAlerts(db.knex, { state: 'resolved', kind: 'heartbeat' })).length, 1);
  });
});
