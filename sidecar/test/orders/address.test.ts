import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { loadOcContext } from '../../src/db/opencart';
import { AddressResolver, clip, foldName } from '../../src/sync/orders/address';
import { parseTracking } from '../../src/sync/status-out';
import { parseOrderSettings } from '../../src/sync/orders/settings';

describe('orders in: addresses and tracking numbers', () => {
  let db: TestDatabase;
  let resolver: AddressResolver;

  before(async () => {
    db = await createTestDatabase({ prefix: 'tr_' });
    // Shops that saved zones through the admin store them entity-encoded.
    await db.knex('tr_zone').where('zone_id', 3356).update({ name: 'Kahramanmara&#351;' });
    resolver = new AddressResolver(await loadOcContext(db.knex, { prefix: 'tr_' }));
  });
  after(async () => db.drop());

  it('shares one resolver per shop, which reads countries and zones once', async () => {
    const ctx = await loadOcContext(db.knex, { prefix: 'tr_' });
    const shared = AddressResolver.of(ctx);
    assert.equal(AddressResolver.of(ctx), shared);
    let reads = 0;
    const count = () => reads++;
    db.knex.on('query', count);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await shared.zone(215, 'İzmir'))?.zone_id, 3355);
    } finally {
      db.knex.off('query', count);
    }
    assert.equal(reads, 1, 'the zones of Turkey are read once');
  });

  it('folds Turkish names the way people type them', () => {
    assert.equal(foldName('İSTANBUL'), 'istanbul');
    assert.equal(foldName('Şanlıurfa'), 'sanliurfa');
    assert.equal(foldName('K.Maraş'), 'kmaras');
    assert.equal(foldName('Kahramanmara&#351;'), 'kahramanmaras');
  });

  it('maps the province to the OpenCart zone of Turkey (215) and the district to the city', async () => {
    const base = { firstName: 'A', lastName: 'B', line1: 'x', countryCode: 'TR' };
    const cases: Array<[string, string | undefined, number]> = [
      ['İSTANBUL', 'Kadıköy', 3354],
      ['izmir', 'Bornova', 3355],
      ['Içel', 'Tarsus', 3372],
      ['K.Maraş', undefined, 3356],
      ['Kahramanmaraş', undefined, 3356],
      ['Afyon', undefined, 3317],
      ['İstanbul (Avrupa)', 'Beşiktaş', 3354],
    ];
    for (const [city, district, zoneId] of cases) {
      const a = await resolver.toOpencart({ ...base, city, ...(district ? { district } : {}) });
      assert.equal(a.countryId, 215, city);
      assert.equal(a.zoneId, zoneId, city);
      assert.equal(a.city, district ?? city);
    }
    const unknown = await resolver.toOpencart({ ...base, city: 'Atlantis', district: 'Merkez' });
    assert.deepEqual([unknown.zoneId, unknown.zone], [0, 'Atlantis'], 'an unknown province keeps its name, never a guessed zone');
  });

  it('cuts long text so it still fits after OpenCart encodes it', () => {
    assert.equal(clip('a&b', 5), 'a');
    assert.equal(clip('ab"c', 8), 'ab"');
    assert.equal([...clip('ğ'.repeat(40), 32)].length, 32);
  });

  it('reads tracking numbers (and carriers) from history comments in Turkish and English', () => {
    const s = parseOrderSettings({});
    assert.deepEqual(parseTracking('Kargo takip numarası: YK123456', s), { trackingNumber: 'YK123456' });
    assert.deepEqual(parseTracking('Tracking number TR-99887766, carrier: Yurtiçi Kargo', s), { trackingNumber: 'TR-99887766', carrier: 'Yurtiçi Kargo' });
    assert.deepEqual(parseTracking('Takip no: 7300123 &amp; Kargo firması: Aras', s), { trackingNumber: '7300123', carrier: 'Aras' });
    assert.equal(parseTracking('Kargoya verildi', s), null);
    const custom = parseOrderSettings({ trackingPattern: 'KT-(?<tracking>\\d{6})' });
    assert.deepEqual(parseTracking('sent with KT-123456', custom), { trackingNumber: '123456' });
    assert.throws(() => parseOrderSettings({ trackingPattern: '(' }), /trackingPattern: must be a valid regular expression/);
  });
});
