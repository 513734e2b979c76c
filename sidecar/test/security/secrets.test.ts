import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signBridgeToken } from '../../src/auth/bridge';
import { decodeSecretKey } from '../../src/config/schema';
import { keyIdOf, keyRing } from '../../src/crypto/secrets';
import { marketplacesModule } from '../../src/modules/marketplaces';
import { AccountStore } from '../../src/sync/accounts';
import { definitionOf } from '../../src/sync/orders/wiring';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  authorize,
  BRIDGE_SECRET,
  clientCredentialsToken,
  confidentialClient,
  pkcePair,
  publicClient,
  realSigningKey,
  REDIRECT,
  SECRET_KEY,
  startSecured,
  tokenRequest,
  type SecuredSidecar,
} from './support';

/**
 * Nothing secret is stored or logged in plain text, and key rotation re-encrypts stored secrets in the
 * background without breaking them.
 */

async function scanDatabase(db: TestDatabase, secrets: string[]): Promise<string[]> {
  const [tables] = (await db.knex.raw('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')) as unknown as [Array<{ t: string }>];
  const hits: string[] = [];
  for (const { t } of tables) {
    const [rows] = (await db.knex.raw(`SELECT * FROM \`${t}\``)) as unknown as [Array<Record<string, unknown>>];
    for (const row of rows) {
      for (const [col, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const forms = Buffer.isBuffer(value) ? [value.toString('utf8'), value.toString('hex'), value.toString('base64'), value.toString('latin1')] : [typeof value === 'string' ? value : JSON.stringify(value)];
        for (const secret of secrets) if (forms.some((f) => f.includes(secret))) hits.push(`${t}.${col} holds ${secret.slice(0, 6)}…`);
      }
    }
  }
  return hits;
}

describe('security: secrets at rest and in logs', () => {
  let s: SecuredSidecar;
  const known: string[] = [];

  before(async () => {
    s = await startSecured();
    const url = s.sidecar.url;
    const c = await confidentialClient(s);
    known.push(c.clientSecret!);
    const cc = (await (await clientCredentialsToken(url, c.clientId, c.clientSecret!)).json()) as { access_token: string };
    known.push(cc.access_token);
    // Authorization code flow: the code, the refresh tokens (old and rotated) and the access tokens.
    const p = await publicClient(s);
    const { verifier, challenge } = pkcePair();
    const back = await authorize(s, p.clientId, { challenge });
    const code = back.searchParams.get('code')!;
    known.push(code, verifier);
    const t = await tokenRequest(url, { grant_type: 'authorization_code', client_id: p.clientId, code, redirect_uri: REDIRECT, code_verifier: verifier });
    const t2 = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(t.body.refresh_token) });
    known.push(String(t.body.refresh_token), String(t.body.access_token), String(t2.body.refresh_token), String(t2.body.access_token));
    // A failed sign-in with a password, a bridge token, and the keys themselves.
    const bridge = await signBridgeToken(BRIDGE_SECRET, { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: ['user/user_permission'] } });
    await fetch(`${url}/api/v1/products?limit=1`, { headers: { authorization: `Bridge ${bridge}` } });
    await fetch(`${url}/api/v1/products?limit=1`, { headers: { authorization: 'Bearer wrong-wrong-wrong' } });
    await authorize(s, p.clientId, { login: { username: 'admin', password: 'not-the-right-pass-X1' } }).catch(() => undefined);
    known.push(bridge, BRIDGE_SECRET, 'admin-test-pass', 'not-the-right-pass-X1', SECRET_KEY);
    const key = await realSigningKey(s);
    known.push(String(key.privateJwk.d));
    await new Promise((r) => setTimeout(r, 200));
  });
  after(async () => {
    await s?.close();
  });

  it('the database holds none of the known secrets in plain text (every table, every column)', async () => {
    assert.ok(known.length >= 14);
    assert.deepEqual(await scanDatabase(s.db, known), []);
  });

  it('the logs hold none of them either', () => {
    const logs = s.logs();
    assert.ok(logs.length > 1000, 'the sidecar did log');
    assert.deepEqual(
      known.filter((k) => logs.includes(k)).map((k) => k.slice(0, 6)),
      [],
    );
  });

  it('API responses never return a stored secret again (client list, errors)', async () => {
    const bridge = await signBridgeToken(BRIDGE_SECRET, { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: ['user/user_permission'] } });
    const list = await (await fetch(`${s.sidecar.url}/api/security/clients`, { headers: { authorization: `Bridge ${bridge}` } })).text();
    assert.match(list, /"clientId":"mc_/);
    assert.deepEqual(
      known.filter((k) => list.includes(k)),
      [],
    );
  });
});

describe('security: key rotation', () => {
  const KEY_A = SECRET_KEY;
  const KEY_B = 'cd'.repeat(32);
  const KEY_C = 'ef'.repeat(32);
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  async function keyIds(): Promise<string[]> {
    const [rows] = (await db.knex.raw(
      `SELECT secret_key_id AS k FROM meschain_api_clients WHERE secret_enc IS NOT NULL UNION ALL SELECT private_key_id FROM meschain_oauth_keys
        UNION ALL SELECT credentials_key_id FROM meschain_marketplaces WHERE credentials_enc IS NOT NULL`,
    )) as unknown as [Array<{ k: string }>];
    return rows.map((r) => r.k);
  }

  it('re-encrypts client secrets, signing keys and marketplace credentials in the background; nothing breaks before, during or after', async () => {
    const first = await startSecured({ db });
    const c = await confidentialClient(first);
    assert.equal((await clientCredentialsToken(first.sidecar.url, c.clientId, c.clientSecret!)).status, 200);
    // A marketplace account (switched off: nothing is sent), its credentials sealed under A.
    const credentials = { sellerId: '100001', apiKey: 'rotation-api-key', apiSecret: 'rotation-api-secret' };
    const accountId = (await new AccountStore(db.knex, first.ring, definitionOf).create({ code: 'trendyol', name: 'rotation', enabled: false, baseUrl: 'http://127.0.0.1:1/integration', credentials })).id;
    await first.close();
    const idA = keyIdOf(Buffer.from(KEY_A, 'hex'));
    const idB = keyIdOf(Buffer.from(KEY_B, 'hex'));
    assert.deepEqual(new Set(await keyIds()), new Set([idA]));

    // B becomes current, A is kept as a previous key: everything still opens, and moves to B.
    const second = await startSecured({ db, env: { MESCHAIN_SECRET_KEY: KEY_B, MESCHAIN_SECRET_KEYS_PREVIOUS: KEY_A }, modules: [marketplacesModule] });
    assert.equal((await clientCredentialsToken(second.sidecar.url, c.clientId, c.clientSecret!)).status, 200);
    for (let i = 0; i < 200 && (await keyIds()).some((k) => k !== idB); i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(new Set(await keyIds()), new Set([idB]));
    // With only B, the credentials still open: dropping A once `pending` is 0 loses nothing.
    const onlyB = keyRing(decodeSecretKey(KEY_B)!);
    const opened = (await new AccountStore(db.knex, onlyB, definitionOf).open(accountId)).credentials as unknown as Record<string, unknown>;
    assert.equal(opened.apiKey, credentials.apiKey);
    assert.equal(opened.apiSecret, credentials.apiSecret);
    const health = (await (await fetch(`${second.sidecar.url}/health`)).json()) as { modules: { security: { keyRotation: { pending: number; currentKeyId: string } } } };
    assert.equal(health.modules.security.keyRotation.currentKeyId, idB);
    assert.equal(health.modules.security.keyRotation.pending, 0);
    await second.close();

    // A is gone; with C current and B in a key file, still everything works.
    const dir = mkdtempSync(path.join(tmpdir(), 'meschain-keys-'));
    const file = path.join(dir, 'previous.keys');
    writeFileSync(file, `# retired keys\n${KEY_B}\n`);
    const third = await startSecured({ db, env: { MESCHAIN_SECRET_KEY: KEY_C, MESCHAIN_SECRET_KEYS_FILE: file }, modules: [marketplacesModule] });
    assert.equal((await clientCredentialsToken(third.sidecar.url, c.clientId, c.clientSecret!)).status, 200);
    const idC = keyIdOf(Buffer.from(KEY_C, 'hex'));
    for (let i = 0; i < 200 && (await keyIds()).some((k) => k !== idC); i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(new Set(await keyIds()), new Set([idC]));
    await third.close();
  });
});
