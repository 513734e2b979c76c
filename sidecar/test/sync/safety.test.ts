import assert from 'node:assert/strict';
import { credentialsContext } from '../../src/sync/accounts';
import { openString } from '../../src/crypto/secrets';
import { keyRing } from '../../src/crypto/secrets';
import { DEFAULT_SELLER } from '../../src/sandbox/trendyol';
import { PREFIX, SECRET, queueIdle, rows, startWorld, waitFor, type World } from './fixture';

/**
 * Accounts (sealed credentials, validated input, per-flow switches) and pricing safety through the
 * running sidecar: the price-change cap holds the excess with a visible reason until the owner releases
 * it, and repeated rejections quarantine a listing with the reason, until released.
 */
describe('accounts and pricing safety', function () {
  this.timeout(300_000);
  let world: World;

  before(async () => {
    world = await startWorld({ products: 30, rules: { scope: 'account', safety: { maxPriceChangeShare: 10, priceChangeAllowance: 0, quarantineAfter: 2 } } });
    const run = await world.api<{ runId: number }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    await waitFor('the first sync', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(world.db.knex, world.accountId));
  });
  after(async () => world?.close());

  it('seals credentials, never returns them, and validates input naming the field', async () => {
    const list = await world.api<{ accounts: Array<Record<string, unknown>> }>('GET', '/api/marketplaces');
    const text = JSON.stringify(list.body);
    assert.ok(!text.includes(DEFAULT_SELLER.apiSecret) && !text.includes(DEFAULT_SELLER.apiKey), 'no credentials in answers');
    assert.equal(list.body.accounts[0]!.hasCredentials, true);
    const [row] = await rows<{ credentials_enc: Buffer }>(world.db.knex, 'SELECT credentials_enc FROM meschain_marketplaces WHERE id = ?', [world.accountId]);
    assert.ok(!row!.credentials_enc.toString('latin1').includes(DEFAULT_SELLER.apiSecret), 'sealed at rest');
    const opened = JSON.parse(openString(keyRing(Buffer.from(SECRET, 'hex')), credentialsContext(world.accountId), row!.credentials_enc));
    assert.equal(opened.apiSecret, DEFAULT_SELLER.apiSecret);
    assert.throws(() => openString(keyRing(Buffer.from(SECRET, 'hex')), credentialsContext(world.accountId + 1), row!.credentials_enc), /authentication/);

    const bad = await world.api<{ error: { code: string; message: string; messageTr: string; issues: string[] } }>('POST', '/api/marketplaces', {
      code: 'trendyol',
      name: 'x',
      credentials: { sellerId: '1' },
      settings: { sync: { currency: 'lira', reconcile: { cron: 'every day' } } },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.issues.some((i) => i.startsWith('credentials')), JSON.stringify(bad.body));
    assert.ok(bad.body.error.messageTr.length > 0);
    const flows = await world.api<{ account: { flows: Record<string, boolean> } }>('PUT', `/api/marketplaces/${world.accountId}/flows`, { statusOut: true });
    assert.deepEqual(flows.body.account.flows, { listing: true, stock: true, price: true, ordersIn: false, statusOut: true });
    const wrongFlow = await world.api('PUT', `/api/marketplaces/${world.accountId}/flows`, { stocks: true });
    assert.equal(wrongFlow.status, 400);
    // A listing state filter with a typo names it instead of answering an empty page.
    const typo = await world.api<{ error: { issues: string[] } }>('GET', `/api/marketplaces/${world.accountId}/listings?state=activ`);
    assert.equal(typo.status, 400);
    assert.ok(typo.body.error.issues.some((i) => i.startsWith('state')), JSON.stringify(typo.body));
    assert.equal((await world.api('GET', `/api/marketplaces/${world.accountId}/listings?state=blocked`)).status, 200);
  });

  it('holds price changes beyond the cap with a visible reason until released', async () => {
    const before = world.sandbox.control.stock();
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET price = price + 50`);
    await waitFor('held prices', async () => {
      const [r] = await rows<{ held: number }>(world.db.knex, 'SELECT COUNT(*) AS held FROM meschain_listings WHERE marketplace_id = ? AND held_price IS NOT NULL', [world.accountId]);
      return Number(r!.held) > 0 && (await queueIdle(world.db.knex, world.accountId));
    });
    const listings = await world.api<{ listings: Array<{ barcode: string; hold_reason: string | null; held_price: string | null; last_pushed_price: string }>; counts: Record<string, number> }>(
      'GET',
      `/api/marketplaces/${world.accountId}/listings?limit=1000`,
    );
    const held = listings.body.listings.filter((l) => l.held_price !== null);
    const total = listings.body.listings.length;
    assert.ok(held.length >= total - Math.floor(total * 0.1) - 1, `most price changes held (${held.length} of ${total})`);
    assert.match(held[0]!.hold_reason!, /price change held: .*\(limit 10%/);
    const stock = world.sandbox.control.stock();
    for (const h of held) assert.equal(stock[h.barcode]!.salePrice, before[h.barcode]!.salePrice, 'a held price is not sent');

    const released = await world.api<{ released: number }>('POST', `/api/marketplaces/${world.accountId}/price-holds/release`, {});
    assert.equal(released.body.released, held.length);
    await waitFor('released prices on the sandbox', async () => held.every((h) => Math.abs(world.sandbox.control.stock()[h.barcode]!.salePrice - Number(h.held_price)) < 0.001));
    const [left] = await rows<{ n: number }>(world.db.knex, 'SELECT COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? AND (held_price IS NOT NULL OR hold_reason IS NOT NULL)', [world.accountId]);
    assert.equal(Number(left!.n), 0);
  });

  it('quarantines a listing after repeated rejections, with the reason, until released', async () => {
    const [target] = await rows<{ id: number; product_id: number; barcode: string }>(
      world.db.knex,
      `SELECT l.id, l.product_id, l.barcode FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id WHERE l.marketplace_id = ? AND l.variant_key = '' AND p.subtract = 1 AND p.status = 1 ORDER BY l.id LIMIT 1`,
      [world.accountId],
    );
    assert.ok(target, 'a product listing without variants');
    // Trendyol refuses quantities above 20,000: every push of this listing is rejected.
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = 50000 WHERE product_id = ?`, [target.product_id]);
    await waitFor('the quarantine', async () => (await rows<{ state: string }>(world.db.knex, 'SELECT state FROM meschain_listings WHERE id = ?', [target.id]))[0]!.state === 'quarantined', 60_000);
    const [q] = await rows<{ quarantine_reason: string; rejections: number }>(world.db.knex, 'SELECT quarantine_reason, rejections FROM meschain_listings WHERE id = ?', [target.id]);
    assert.match(q!.quarantine_reason, /quarantined after 2 rejections in a row; last: /);
    // While quarantined, changes are not pushed.
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = 10 WHERE product_id = ?`, [target.product_id]);
    await new Promise((r) => setTimeout(r, 500));
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    assert.notEqual(world.sandbox.control.product(target.barcode)!.quantity, 10);
    const rel = await world.api<{ released: number }>('POST', `/api/marketplaces/${world.accountId}/listings/release`, { listingIds: [target.id] });
    assert.equal(rel.body.released, 1);
    await waitFor('the fixed value on the sandbox', async () => world.sandbox.control.product(target.barcode)!.quantity === 10, 60_000);
  });
});
