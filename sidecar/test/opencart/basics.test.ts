import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { loadOcContext, OcContextError } from '../../src/db/opencart/context';
import { OcSettingError, parseSettingValue, settingIdList } from '../../src/db/opencart/settings';
import { shopDate, shopDateTime, shopNow, shopToday } from '../../src/db/opencart/clock';
import { charLength, decodeOcText, encodeOcText, phpJsonEncode } from '../../src/db/opencart/text';
import { fromUnits, normalizeAmount, percentOf, toUnits } from '../../src/db/opencart/money';

describe('opencart data layer: basics', () => {
  describe('text (OpenCart entity encoding)', () => {
    it("encodes exactly like htmlspecialchars(ENT_COMPAT): & \" < > only, single quote untouched, entities double-encoded", () => {
      assert.equal(encodeOcText(`Apple Cinema 30" & <b>'Pro'</b>`), 'Apple Cinema 30&quot; &amp; &lt;b&gt;\'Pro\'&lt;/b&gt;');
      assert.equal(encodeOcText('&amp;'), '&amp;amp;');
      assert.equal(encodeOcText('Çiçek Sepeti — İstanbul'), 'Çiçek Sepeti — İstanbul');
    });

    it('decodes what OpenCart stored, strictly (entities need their semicolon, like html_entity_decode)', () => {
      assert.equal(decodeOcText('Apple Cinema 30&quot;'), 'Apple Cinema 30"');
      assert.equal(decodeOcText('Phones &amp; PDAs'), 'Phones & PDAs');
      assert.equal(decodeOcText('&lt;p&gt;Hi &#39;you&#039;&lt;/p&gt;'), "<p>Hi 'you'</p>");
      assert.equal(decodeOcText('AT&T &copy'), 'AT&T &copy');
      assert.equal(decodeOcText(null), null);
      for (const s of ['a & b', '"x" <y>', "it's", '&amp;']) assert.equal(decodeOcText(encodeOcText(s)), s);
    });

    it("phpJsonEncode matches PHP's json_encode defaults (escaped slashes, \\u escapes)", () => {
      assert.equal(phpJsonEncode({ a: 'İstanbul/Kadıköy', b: [1, '😀'] }), '{"a":"\\u0130stanbul\\/Kad\\u0131k\\u00f6y","b":[1,"\\ud83d\\ude00"]}');
      assert.equal(charLength('😀ab'), 3);
    });
  });

  describe('money', () => {
    it('keeps DECIMAL(15,4) exact and rounds half away from zero', () => {
      assert.equal(normalizeAmount('12.5'), '12.5000');
      assert.equal(normalizeAmount(0.1 + 0.2), '0.3000');
      assert.equal(normalizeAmount('-1.00005'), '-1.0001');
      assert.equal(fromUnits(toUnits('19.99') * 3n), '59.9700');
      assert.equal(fromUnits(percentOf(toUnits('99.99'), toUnits('17.5'))), '17.4983');
      assert.throws(() => toUnits('1,5'), /not a decimal amount/);
    });
  });

  describe('clock', () => {
    it("gives the shop's wall-clock time, DST included, whatever the process zone", () => {
      const at = new Date('2026-03-10T22:30:05Z');
      assert.equal(shopDateTime('UTC', at), '2026-03-10 22:30:05');
      assert.equal(shopDateTime('Europe/Istanbul', at), '2026-03-11 01:30:05');
      assert.equal(shopDate('Europe/Istanbul', at), '2026-03-11');
      assert.equal(shopDateTime('Europe/London', new Date('2026-07-01T00:00:00Z')), '2026-07-01 01:00:00');
      assert.equal(shopDateTime('America/New_York', new Date('2026-01-01T04:59:59Z')), '2025-12-31 23:59:59');
      assert.equal(shopNow({ timezone: 'Asia/Tokyo', now: () => at }), '2026-03-11 07:30:05');
      assert.equal(shopToday({ timezone: 'Asia/Tokyo', now: () => at }), '2026-03-11');
    });
  });

  describe('settings parsing', () => {
    it('decodes serialized=1 as JSON and tolerates what PHP re-encodes', () => {
      assert.deepEqual(parseSettingValue('["5","1"]', 1), ['5', '1']);
      assert.equal(parseSettingValue('["5"', 1), null);
      assert.equal(parseSettingValue('["5"]', 0), '["5"]');
      const settings = new Map<string, unknown>([
        ['list', ['5', '1', '2']],
        ['object', { '0': '5', '2': '3' }],
        ['bad', ['x']],
      ]);
      assert.deepEqual(settingIdList(settings, 'list'), [5, 1, 2]);
      assert.deepEqual(settingIdList(settings, 'object'), [5, 3]);
      assert.deepEqual(settingIdList(settings, 'missing'), []);
      assert.throws(() => settingIdList(settings, 'bad'), OcSettingError);
    });
  });

  describe('loadOcContext against the real dump (prefix shop_)', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase({ prefix: 'shop_', migrate: false });
    });
    after(async () => db.drop());

    it("reads store 0's settings as OpenCart's defaults set them", async () => {
      const ctx = await loadOcContext(db.knex, { prefix: 'shop_', storeUrl: 'https://shop.example/' });
      assert.equal(ctx.table('product'), 'shop_product');
      assert.equal(ctx.languageId, 1);
      assert.equal(ctx.languageCode, 'en-gb');
      assert.equal(ctx.timezone, 'UTC');
      assert.equal(ctx.defaultCurrency, 'USD');
      assert.equal(ctx.defaultCurrencyId, 2);
      assert.equal(ctx.customerGroupId, 1);
      assert.deepEqual(ctx.processingStatuses, [5, 1, 2, 12, 3]);
      assert.deepEqual(ctx.completeStatuses, [5, 3]);
      assert.equal(ctx.storeName, 'Your Store');
      assert.equal(ctx.storeUrl, 'https://shop.example/');
      assert.match(ctx.invoicePrefix, /^INV-\d{4}-00$/);
      assert.equal(ctx.storeCountryId, 222);
      assert.equal(ctx.storeZoneId, 3563);
      assert.equal(ctx.taxDefault, 'shipping');
      assert.equal(ctx.displayPricesWithTax, true);
    });

    it("lets a store's own rows override store 0, timezone and serialized JSON included", async () => {
      await db.knex('shop_store').insert({ store_id: 3, name: 'Second', url: 'http://second.example/', ssl: '' });
      await db.knex('shop_setting').insert([
        { store_id: 3, code: 'config', key: 'config_name', value: 'Second &amp; Co', serialized: 0 },
        { store_id: 3, code: 'config', key: 'config_url', value: 'http://second.example/', serialized: 0 },
        { store_id: 3, code: 'config', key: 'config_timezone', value: 'Europe/Istanbul', serialized: 0 },
        { store_id: 3, code: 'config', key: 'config_processing_status', value: '{"0":"2","3":"15"}', serialized: 1 },
        { store_id: 3, code: 'config', key: 'config_customer_group_id', value: '2', serialized: 0 },
      ]);
      const ctx = await loadOcContext(db.knex, { prefix: 'shop_', storeId: 3 });
      assert.equal(ctx.storeName, 'Second &amp; Co', 'kept as stored: it is written back into oc_order as is');
      assert.equal(ctx.storeUrl, 'http://second.example/');
      assert.equal(ctx.timezone, 'Europe/Istanbul');
      assert.deepEqual(ctx.processingStatuses, [2, 15]);
      assert.deepEqual(ctx.completeStatuses, [5, 3], 'inherited from store 0');
      assert.equal(ctx.customerGroupId, 2);
      const zero = await loadOcContext(db.knex, { prefix: 'shop_' });
      assert.equal(zero.timezone, 'UTC', "store 0 does not see store 3's rows");
    });

    it('names what is wrong: unknown language, wrong prefix, missing store, bad time zone', async () => {
      await assert.rejects(loadOcContext(db.knex, { prefix: 'shop_', language: 'tr-tr' }), (err: Error) => {
        assert.ok(err instanceof OcContextError);
        assert.match(err.message, /language "tr-tr" is not in shop_language \(known: en-gb\)/);
        return true;
      });
      await assert.rejects(loadOcContext(db.knex, { prefix: 'oc_' }), /oc_setting not found/);
      await assert.rejects(loadOcContext(db.knex, { prefix: 'shop_', storeId: 9 }), /store 9 does not exist in shop_store/);
      await db.knex('shop_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'Mars/Olympus' });
      await assert.rejects(loadOcContext(db.knex, { prefix: 'shop_' }), /config_timezone "Mars\/Olympus" is not a known IANA time zone/);
      await db.knex('shop_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'UTC' });
    });

    it('finds a second language by code (case-insensitive) when a language pack adds one', async () => {
      await db.knex('shop_language').insert({ language_id: 2, name: 'Türkçe', code: 'tr-tr', locale: 'tr_TR.UTF-8', image: '', directory: 'turkish', sort_order: 2, status: 1 });
      const ctx = await loadOcContext(db.knex, { prefix: 'shop_', language: 'TR-TR' });
      assert.equal(ctx.languageId, 2);
      assert.deepEqual(ctx.languages.map((l) => l.code), ['en-gb', 'tr-tr']);
    });
  });
});
