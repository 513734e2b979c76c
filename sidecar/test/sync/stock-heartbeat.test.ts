import assert from 'node:assert/strict';
import { createMarketplacesModule } from '../../src/modules/marketplaces';
import { createOrdersModule } from '../../src/modules/orders';
import { PREFIX, queueIdle, rows, startWorld, waitFor, type World } from './fixture';

/**
 * The stockOut heartbeat says the stock flow is alive with nothing stuck, not that stock changed lately:
 * a shop with no stock or price change for longer than the silence limit is not reported silent while
 * its worker runs, and a push that keeps failing is. The silence limit is the account's heartbeatSeconds
 * (10 s here), watched by the orders module as in production.
 */

interface Health {
  status: string;
  modules: Record<string, { ok: boolean; silentFlows?: Array<{ accountId: number; flow: string }> }>;
}

describe('stockOut heartbeat: quiet is not silent', function () {
  this.timeout(300_000);
  const LIMIT_S = 10;
  let world: World;
  let productId: number;

  const health = async () => (await (await fetch(`${world.sidecar.url}/health`)).json()) as Health;
  const stockSilent = (h: Health) => (h.modules.orders?.silentFlows ?? []).some((f) => f.accountId === world.accountId && f.flow === 'stockOut');

  before(async () => {
    world = await startWorld({
      products: 10,
      modules: [createMarketplacesModule({ idleBeatMs: 500 }), createOrdersModule({ tickMs: 100, monitorIntervalMs: 200, sweepIntervalMs: 60_000 })],
    });
    const put = await world.api('PUT', `/api/orders/settings/${world.accountId}`, { heartbeatSeconds: { stockOut: LIMIT_S } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const [plain] = await rows<{ product_id: number }>(
      world.db.knex,
      `SELECT p.product_id FROM ${PREFIX}product p WHERE p.status = 1 AND p.subtract = 1 AND p.date_available <= CURDATE()
          AND NOT EXISTS (SELECT 1 FROM ${PREFIX}product_option_value v WHERE v.product_id = p.product_id) ORDER BY p.product_id LIMIT 1`,
    );
    productId = Number(plain!.product_id);
    const listed = await world.api('POST', `/api/marketplaces/${world.accountId}/listings`, { productIds: [productId] });
    assert.equal(listed.status, 202);
    await waitFor('the listing on the sandbox', async () => {
      const [l] = await rows<{ state: string }>(world.db.knex, 'SELECT state FROM meschain_listings WHERE marketplace_id = ? AND product_id = ?', [world.accountId, productId]);
      return l?.state === 'active' && (await queueIdle(world.db.knex, world.accountId));
    });
    // One stock change that settles: the flow has beaten, so the monitor watches it from here on.
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 1 WHERE product_id = ?`, [productId]);
    await waitFor('a settled stock push', async () => {
      const [hb] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_heartbeats WHERE marketplace_id = ? AND flow = 'stockOut' AND detail LIKE '%confirmed'", [world.accountId]);
      return Number(hb!.n) > 0 && (await queueIdle(world.db.knex, world.accountId));
    });
  });
  after(async () => world?.close());

  it('is not reported silent while the worker runs with nothing to send, longer than the limit', async () => {
    const quietUntil = Date.now() + (LIMIT_S + 4) * 1000;
    let checks = 0;
    while (Date.now() < quietUntil) {
      const h = await health();
      assert.equal(stockSilent(h), false, `stockOut reported silent after ${checks} checks: ${JSON.stringify(h.modules.orders)}`);
      checks++;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(await queueIdle(world.db.knex, world.accountId), true, 'nothing was sent meanwhile');
    const [hb] = await rows<{ detail: string }>(world.db.knex, "SELECT detail FROM meschain_heartbeats WHERE marketplace_id = ? AND flow = 'stockOut'", [world.accountId]);
    assert.match(hb!.detail, /nothing waiting/);
  });

  it('is reported silent, and degrades /health, while a stock push keeps failing', async () => {
    world.sandbox.control.setFaults({ errorRate: 1, errorStatuses: [500], routes: ['price-and-inventory'], phase: 'before' });
    try {
      await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 3 WHERE product_id = ?`, [productId]);
      await waitFor('the push failing and waiting for its retry', async () => {
        const [failing] = await rows<{ n: number }>(
          world.db.knex,
          "SELECT COUNT(*) AS n FROM meschain_jobs WHERE queue = ? AND type = 'sp.push' AND state IN ('ready', 'running') AND last_error IS NOT NULL",
          [`marketplace:${world.accountId}`],
        );
        return Number(failing!.n) > 0;
      });
      const h = await waitFor2('stockOut reported silent', async () => {
        const now = await health();
        return stockSilent(now) ? now : undefined;
      });
      assert.equal(h.status, 'degraded');
      assert.equal(h.modules.orders!.ok, false);
    } finally {
      world.sandbox.control.setFaults({ errorRate: 0, routes: [] });
    }
  });
});

/** waitFor that hands back what the check found. */
async function waitFor2<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  let found: T | undefined;
  await waitFor(what, async () => (found = await check()) !== undefined, timeoutMs);
  return found!;
}
