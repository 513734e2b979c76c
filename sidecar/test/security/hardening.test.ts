import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { BRIDGE_AUDIENCE, BRIDGE_ISSUER, signBridgeToken } from '../../src/auth/bridge';
import { opencartPasswordHash } from '../support/opencart-dump';
import { api, Browser, BRIDGE_SECRET, location, pkcePair, publicClient, REDIRECT, startSecured, type SecuredSidecar } from './support';

/** Holes found in an audit of auth/ and gateway/: each case here was let through (or answered 500) before its fix. */

const OWNER = { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: ['user/user_permission'] } };

type ErrorJson = { error: { code: string; message: string; message_tr: string; details?: Array<{ location: string; path: string }> } };

describe('security: hardening (bridge lifetime, admin API input)', () => {
  let s: SecuredSidecar;
  let url: string;
  let owner: string;

  before(async () => {
    s = await startSecured();
    url = s.sidecar.url;
    owner = `Bridge ${await signBridgeToken(BRIDGE_SECRET, OWNER)}`;
  });
  after(async () => {
    await s?.close();
  });

  it('refuses a bridge token dated in the future, which would otherwise outlive the 300 s bound', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Signed by hand: signBridgeToken always dates a token now.
    const ownerToken = (iat: number, exp: number) =>
      new SignJWT({ username: 'admin', user_group_id: 1, store_id: 0, permission: OWNER.permission })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(BRIDGE_ISSUER)
        .setAudience(BRIDGE_AUDIENCE)
        .setSubject('1')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(createSecretKey(Buffer.from(BRIDGE_SECRET, 'utf8')));
    const future = await ownerToken(now + 86_400, now + 86_400 + 120);
    const r = await api(url, '/api/security/me', `Bridge ${future}`);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as ErrorJson).error.code, 'invalid_token');
    assert.match(r.headers.get('www-authenticate') ?? '', /future/);
    // A little clock skew is still tolerated.
    const skewed = await ownerToken(now + 10, now + 130);
    assert.equal((await api(url, '/api/security/me', `Bridge ${skewed}`)).status, 200);
  });

  it('answers 400 naming the parameter for malformed audit and usage queries, never 500', async () => {
    for (const [path, param] of [
      ['/api/security/audit?limit=1.5', 'limit'],
      ['/api/security/audit?limit=abc', 'limit'],
      ['/api/security/audit?limit=0', 'limit'],
      ['/api/security/audit?before=1e400', 'before'],
      ['/api/security/audit?before=-3', 'before'],
      ['/api/security/usage?since_minutes=1.5', 'since_minutes'],
      ['/api/security/usage?since_minutes=99999999', 'since_minutes'],
    ] as const) {
      const r = await api(url, path, owner);
      assert.equal(r.status, 400, path);
      const body = (await r.json()) as ErrorJson;
      assert.equal(body.error.code, 'validation_failed', path);
      assert.ok(body.error.message_tr, path);
      assert.deepEqual(
        body.error.details?.map((d) => [d.location, d.path]),
        [['query', param]],
        path,
      );
    }
    const ok = await api(url, '/api/security/audit?limit=2', owner);
    assert.equal(ok.status, 200);
    assert.ok(((await ok.json()) as { items: unknown[] }).items.length <= 2);
    assert.equal((await api(url, '/api/security/usage', owner)).status, 200);
  });

  it('refuses an API client with a role that does not exist (or a differently cased one), naming the field', async () => {
    const base = { name: 'ERP', type: 'confidential', grantTypes: ['client_credentials'], scope: ['products:read'] };
    for (const role of ['admin', 'Owner']) {
      const r = await api(url, '/api/security/clients', owner, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...base, role }) });
      assert.equal(r.status, 400, role);
      const body = (await r.json()) as ErrorJson;
      assert.equal(body.error.code, 'validation_failed');
      assert.deepEqual(body.error.details?.map((d) => d.path), ['/role']);
    }
    const [[row]] = (await s.db.knex.raw('SELECT COUNT(*) AS n FROM meschain_api_clients')) as unknown as [[{ n: number }]];
    assert.equal(Number(row.n), 0);
    const r = await api(url, '/api/security/clients', owner, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...base, role: 'viewer' }) });
    assert.equal(r.status, 201);
  });
});

// The Redis store keys exactly as given; MySQL's case- and accent-insensitive key column hid the hole.
for (const store of ['mysql', 'redis'] as const) {
  describe(`security: sign-in lock for every spelling of a username (${store} rate-limit store)`, () => {
    let s: SecuredSidecar;
    let url: string;

    before(async () => {
      s = await startSecured({ env: store === 'redis' ? { MESCHAIN_REDIS_URL: 'redis://127.0.0.1:6379' } : {} });
      url = s.sidecar.url;
      await s.db.knex.raw(
        `INSERT INTO ${s.db.prefix}user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
         VALUES (21, 1, 'kasa', ?, 'k1', 'K', 'A', 'k@example.com', '', '', '', 1, NOW())`,
        [opencartPasswordHash('kasa-right-pass', 'k1')],
      );
    });
    after(async () => {
      await s?.close();
    });

    it('counts failures under the account the name signs in to, so respelling it neither resets nor escapes the lock', async () => {
      const p = await publicClient(s);
      const b = new Browser();
      const q = new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'products:read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const loc = location(await b.request(`${url}/oauth/auth?${q}`), url);
      // Each of these reaches the same OpenCart account (the collation folds case, accents and width; OpenCart's filter trims \0 and \v).
      const spellings = ['kasa', 'KÄSA', 'kasa\u0000', 'ｋａｓａ', 'kâsa'];
      for (const [i, username] of spellings.entries()) {
        const r = await b.form(`${loc.href}/login`, { username, password: `wrong-${i}` });
        assert.equal(r.status, 401, `failure ${i} (${JSON.stringify(username)})`);
      }
      for (const username of ['kasa', 'Kåsa', 'kasa\u000b', 'ＫＡＳＡ']) {
        const r = await b.form(`${loc.href}/login`, { username, password: 'kasa-right-pass' });
        assert.equal(r.status, 429, `the lock must hold for ${JSON.stringify(username)}`);
        assert.ok(Number(r.headers.get('retry-after')) > 0);
      }
    });
  });
}
