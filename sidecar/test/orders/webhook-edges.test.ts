import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { decodeSecretKey } from '../../src/config/schema';
import { keyRing } from '../../src/crypto/secrets';
import { createOrdersModule } from '../../src/modules/orders';
import { AccountStore } from '../../src/sync/accounts';
import { definitionOf } from '../../src/sync/orders/wiring';
import { createLogger } from '../../src/util/logger';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { setupShop } from './support';

/**
 * The webhook receiver's edges over real HTTP: bodies the parser refuses are the caller's 4xx (not a 500),
 * a bad `?account=` is named, and neither the webhook key nor a token in the query string reaches the log.
 */
describe('webhook receiver edges', function () {
  this.timeout(120_000);
  const SECRET = 'e'.repeat(64);
  const HOOK_KEY = 'hook-key-NEVER-LOGGED-42';
  let db: TestDatabase;
  let sidecar: Sidecar;
  const lines: string[] = [];

  before(async () => {
    db = await createTestDatabase({ prefix: 'oc_' });
    await setupShop(db.knex, 'oc_');
    const store = new AccountStore(db.knex, keyRing(decodeSecretKey(SECRET)!), definitionOf);
    await store.create({
      code: 'trendyol',
      name: 'Trendyol edges',
      enabled: true,
      baseUrl: 'http://127.0.0.1:1/',
      credentials: { sellerId: '1', apiKey: 'k', apiSecret: 's', webhook: { apiKey: HOOK_KEY } },
      flows: { ordersIn: true },
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const config = loadConfig({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: SECRET, MESCHAIN_HTTP_PORT: '0', MESCHAIN_OC_PREFIX: 'oc_' });
    sidecar = await startSidecar(config, { logger: createLogger('info', sink), modules: [createOrdersModule({ pollIntervalMs: 3_600_000 })] });
  });
  after(async () => {
    await sidecar?.close();
    await db?.drop();
  });

  const stored = async () => Number(((await db.knex('meschain_webhooks').count({ n: '*' })) as Array<{ n: number }>)[0]!.n);

  /** A raw request (fetch would refuse or rewrite some of these headers). */
  const send = (path: string, headers: Record<string, string>, chunks: Buffer[]) =>
    new Promise<{ status: number; body: { error?: { code: string; message: string } } }>((resolve, reject) => {
      const u = new URL(sidecar.url);
      const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', headers: { 'x-api-key': HOOK_KEY, 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });

  it('answers 413 / 415 / 400 for bodies the parser refuses, storing nothing', async () => {
    const before = await stored();
    const big = await send('/webhooks/trendyol', { 'transfer-encoding': 'chunked' }, Array.from({ length: 25 }, () => Buffer.alloc(100_000, 0x20)));
    assert.equal(big.status, 413, JSON.stringify(big.body));
    assert.equal(big.body.error?.code, 'payload_too_large');
    // Over the configured body limit (1 MB by default), under the receiver's own 2 MB: refused all the same.
    const overConfigured = await send('/webhooks/trendyol', { 'transfer-encoding': 'chunked' }, Array.from({ length: 15 }, () => Buffer.alloc(100_000, 0x20)));
    assert.equal(overConfigured.status, 413, JSON.stringify(overConfigured.body));
    const encoding = await send('/webhooks/trendyol', { 'content-encoding': 'x-unknown' }, [Buffer.from('{}')]);
    assert.equal(encoding.status, 415, JSON.stringify(encoding.body));
    assert.equal(encoding.body.error?.code, 'unsupported_encoding');
    const gzip = await send('/webhooks/trendyol', { 'content-encoding': 'gzip' }, [Buffer.from('not gzip at all')]);
    assert.equal(gzip.status, 400, JSON.stringify(gzip.body));
    assert.equal(gzip.body.error?.code, 'malformed');
    for (const r of [big, encoding, gzip]) assert.match(r.body.error!.message, / \/ /, 'English / Turkish');
    assert.equal(await stored(), before);
  });

  it('names a ?account= that is not one account id', async () => {
    for (const query of ['account=abc', 'account=', 'account=1&account=2', 'account=0']) {
      const r = await send(`/webhooks/trendyol?${query}`, {}, [Buffer.from('{}')]);
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, 'bad_account');
    }
  });

  it('keeps the webhook key and query-string tokens out of the request log', async () => {
    const r = await send('/webhooks/trendyol?token=QUERY-TOKEN-77&note=kept', {}, [Buffer.from('{"hello":"world"}')]);
    assert.equal(r.status, 400, 'authenticated, then refused as malformed');
    const refused = await send('/webhooks/trendyol?access_token=QUERY-TOKEN-78', { 'x-api-key': 'WRONG-KEY-99', 'x-auth-token': 'OTHER-TOKEN-55' }, [Buffer.from('{}')]);
    assert.equal(refused.status, 401);
    const log = lines.join('');
    assert.match(log, /"url":"\/webhooks\/trendyol\?token=\[redacted\]&note=kept"/, 'the request is logged, cleaned');
    for (const secret of [HOOK_KEY, 'QUERY-TOKEN-77', 'QUERY-TOKEN-78', 'WRONG-KEY-99', 'OTHER-TOKEN-55']) assert.ok(!log.includes(secret), `${secret} reached the log`);
  });
});
