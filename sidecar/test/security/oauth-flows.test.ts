import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { opencartPasswordHash } from '../support/opencart-dump';
import { signBridgeToken } from '../../src/auth/bridge';
import {
  accessToken,
  ALL_V1_SCOPES,
  BRIDGE_SECRET,
  api,
  authorize,
  clientCredentialsToken,
  confidentialClient,
  pkcePair,
  publicClient,
  REDIRECT,
  startSecured,
  tokenRequest,
  Browser,
  location,
  type SecuredSidecar,
} from './support';

/** Every OAuth flow the server offers, and every refusal the issue lists, against the running sidecar. */
describe('security: OAuth 2.0 flows', () => {
  let s: SecuredSidecar;
  let url: string;

  before(async () => {
    s = await startSecured();
    url = s.sidecar.url;
  });
  after(async () => {
    await s?.close();
  });

  async function codeFor(clientId: string, scope = 'products:read stock:read') {
    const { verifier, challenge } = pkcePair();
    const back = await authorize(s, clientId, { challenge, scope });
    const code = back.searchParams.get('code');
    assert.ok(code, `expected a code, got ${back.href}`);
    assert.equal(back.searchParams.get('state'), 'st-1');
    return { code, verifier };
  }

  async function exchange(clientId: string, code: string, verifier?: string) {
    return tokenRequest(url, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT, ...(verifier ? { code_verifier: verifier } : {}) });
  }

  it('publishes RFC 8414 metadata: code + PKCE S256 only, no implicit or password grant', async () => {
    for (const path of ['/.well-known/oauth-authorization-server/oauth', '/oauth/.well-known/oauth-authorization-server']) {
      const r = await fetch(`${url}${path}`);
      assert.equal(r.status, 200, path);
      const m = (await r.json()) as Record<string, string[]>;
      assert.deepEqual(m.response_types_supported, ['code']);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      assert.deepEqual([...m.grant_types_supported!].sort(), ['authorization_code', 'client_credentials', 'refresh_token']);
      assert.ok(m.introspection_endpoint && m.revocation_endpoint && m.jwks_uri);
      for (const scope of ALL_V1_SCOPES) assert.ok(m.scopes_supported!.includes(scope));
    }
  });

  it('client credentials: an RFC 9068 JWT for our audience, with the granted scopes and the store, usable at the API', async () => {
    const c = await confidentialClient(s);
    const r = await clientCredentialsToken(url, c.clientId, c.clientSecret!, 'products:read stock:read');
    assert.equal(r.status, 200);
    const body = (await r.json()) as { access_token: string; token_type: string; expires_in: number; refresh_token?: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.refresh_token, undefined, 'client credentials never get a refresh token');
    assert.equal(decodeProtectedHeader(body.access_token).typ, 'at+jwt');
    assert.equal(decodeProtectedHeader(body.access_token).alg, 'ES256');
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.aud, 'urn:meschain:api');
    assert.equal(claims.scope, 'products:read stock:read');
    assert.equal(claims.store_id, 0);
    assert.deepEqual(claims.roles, ['api-client']);
    assert.ok(claims.exp! - claims.iat! <= 600);
    assert.equal((await api(url, '/api/v1/products?limit=1', body.access_token)).status, 200);
    const noScope = await api(url, '/api/v1/sync/jobs', body.access_token);
    assert.equal(noScope.status, 403, 'sync:read was not granted to this token');
    assert.match(noScope.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  it('client credentials refusals: wrong secret, public client, password grant, implicit', async () => {
    const c = await confidentialClient(s);
    assert.equal((await clientCredentialsToken(url, c.clientId, 'wrong-secret')).status, 401);
    const p = await publicClient(s);
    const r = await tokenRequest(url, { grant_type: 'client_credentials', client_id: p.clientId });
    assert.equal(r.status, 400);
    const pw = await tokenRequest(url, { grant_type: 'password', username: 'admin', password: 'admin-test-pass' }, { id: c.clientId, secret: c.clientSecret! });
    assert.equal(pw.body.error, 'unsupported_grant_type');
    const q = new URLSearchParams({ client_id: p.clientId, response_type: 'token', redirect_uri: REDIRECT, scope: 'products:read' });
    const implicit = await fetch(`${url}/oauth/auth?${q}`, { redirect: 'manual' });
    const loc = implicit.headers.get('location') ?? '';
    assert.ok(implicit.status === 400 || /unsupported_response_type/.test(loc), `implicit must be refused (${implicit.status} ${loc})`);
    assert.doesNotMatch(loc, /access_token=/);
  });

  it('authorization code + PKCE: sign in with OpenCart admin credentials, consent, tokens, refresh', async () => {
    const p = await publicClient(s);
    const { code, verifier } = await codeFor(p.clientId);
    const t = await exchange(p.clientId, code, verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const at = String(t.body.access_token);
    const claims = decodeJwt(at);
    assert.equal(claims.sub, 'oc:1');
    assert.deepEqual(claims.roles, ['owner']);
    assert.equal(claims.scope, 'products:read stock:read');
    assert.ok(t.body.refresh_token);
    assert.equal((await api(url, '/api/v1/stock/40', at)).status, 200);
    assert.equal((await api(url, '/api/v1/stock/40', at, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"quantity":5}' })).status, 403, 'stock:write not granted');
    const refreshed = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(t.body.refresh_token) });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, t.body.refresh_token, 'refresh tokens rotate');
    assert.equal((await api(url, '/api/v1/products?limit=1', String(refreshed.body.access_token))).status, 200);
  });

  it('the OpenCart admin can sign the owner in with a bridge token instead of a password', async () => {
    const p = await publicClient(s);
    const { verifier, challenge } = pkcePair();
    const bridgeToken = await signBridgeToken(BRIDGE_SECRET, { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: ['user/user_permission'] } });
    const back = await authorize(s, p.clientId, { challenge, login: { bridgeToken } });
    const t = await exchange(p.clientId, back.searchParams.get('code')!, verifier);
    assert.equal(decodeJwt(String(t.body.access_token)).sub, 'oc:1');
    await assert.rejects(authorize(s, p.clientId, { login: { bridgeToken: `${bridgeToken.slice(0, -3)}xyz` } }), /sign-in answered 401/);
  });

  it('PKCE is required: no challenge, a missing verifier and a wrong verifier are refused', async () => {
    const p = await publicClient(s);
    const noChallenge = await authorize(s, p.clientId, { challenge: null });
    assert.equal(noChallenge.searchParams.get('error'), 'invalid_request');
    assert.match(noChallenge.searchParams.get('error_description') ?? '', /PKCE/);
    const c = await s.clients.create({ name: 'Web', type: 'confidential', grantTypes: ['authorization_code'], redirectUris: ['https://erp.example.com/cb'], scope: ['products:read'] });
    const confidentialNoChallenge = await authorize(s, c.clientId, { challenge: null, scope: 'products:read', redirectUri: 'https://erp.example.com/cb' });
    assert.equal(confidentialNoChallenge.searchParams.get('error'), 'invalid_request', 'PKCE is required for confidential clients too');

    const a = await codeFor(p.clientId);
    const missing = await exchange(p.clientId, a.code);
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.error), /invalid_grant|invalid_request/);
    const b = await codeFor(p.clientId);
    const wrong = await exchange(p.clientId, b.code, pkcePair().verifier);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
  });

  it('a reused authorization code is refused and revokes what the first exchange issued', async () => {
    const p = await publicClient(s);
    const { code, verifier } = await codeFor(p.clientId);
    const first = await exchange(p.clientId, code, verifier);
    assert.equal(first.status, 200);
    const again = await exchange(p.clientId, code, verifier);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
    assert.equal((await api(url, '/api/v1/products?limit=1', String(first.body.access_token))).status, 401, 'code replay revokes the grant');
    const r = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(first.body.refresh_token) });
    assert.equal(r.body.error, 'invalid_grant');
  });

  it('a redirect URI that was not registered is refused without redirecting to it', async () => {
    const p = await publicClient(s);
    const b = new Browser();
    const q = new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: 'https://attacker.example/cb', scope: 'products:read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const r = await b.request(`${url}/oauth/auth?${q}`);
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('location'), null);
    assert.match(await r.text(), /redirect_uri/);
    // And at the token endpoint: a code issued for one URI cannot be redeemed with another.
    const { code, verifier } = await codeFor(p.clientId);
    const t = await tokenRequest(url, { grant_type: 'authorization_code', client_id: p.clientId, code, redirect_uri: 'com.meschain.app:/other', code_verifier: verifier });
    assert.equal(t.body.error, 'invalid_grant');
  });

  it('a reused refresh token revokes the grant: the newest refresh token and the access tokens stop working', async () => {
    const p = await publicClient(s);
    const { code, verifier } = await codeFor(p.clientId);
    const t1 = await exchange(p.clientId, code, verifier);
    const t2 = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(t1.body.refresh_token) });
    assert.equal(t2.status, 200);
    const reuse = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(t1.body.refresh_token) });
    assert.equal(reuse.body.error, 'invalid_grant');
    const t3 = await tokenRequest(url, { grant_type: 'refresh_token', client_id: p.clientId, refresh_token: String(t2.body.refresh_token) });
    assert.equal(t3.body.error, 'invalid_grant', 'the whole grant is revoked');
    assert.equal((await api(url, '/api/v1/products?limit=1', String(t2.body.access_token))).status, 401);
    assert.equal((await api(url, '/api/v1/products?limit=1', String(t1.body.access_token))).status, 401);
  });

  it('revocation (RFC 7009) and introspection (RFC 7662): revoked tokens are inactive and refused at the API', async () => {
    const c = await confidentialClient(s);
    const basic = { id: c.clientId, secret: c.clientSecret! };
    const t = await tokenRequest(url, { grant_type: 'client_credentials', scope: 'products:read' }, basic);
    const at = String(t.body.access_token);
    const introspect = async (token: string, who = basic) => {
      const r = await fetch(`${url}/oauth/token/introspection`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${who.id}:${who.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      return (await r.json()) as Record<string, unknown>;
    };
    const active = await introspect(at);
    assert.equal(active.active, true);
    assert.equal(active.client_id, c.clientId);
    assert.equal(active.scope, 'products:read');
    assert.equal(active.store_id, 0);
    const rev = await fetch(`${url}/oauth/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: at, token_type_hint: 'access_token' }),
    });
    assert.equal(rev.status, 200);
    assert.deepEqual(await introspect(at), { active: false });
    const refused = await api(url, '/api/v1/products?limit=1', at);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_token');

    // A refresh token revoked by its public client: inactive, and the grant's access token dies with it.
    const p = await publicClient(s);
    const { code, verifier } = await codeFor(p.clientId);
    const u = await exchange(p.clientId, code, verifier);
    const rt = String(u.body.refresh_token);
    const ok = await fetch(`${url}/oauth/token/revocation`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: rt, client_id: p.clientId }) });
    assert.equal(ok.status, 200);
    assert.deepEqual(await introspect(rt), { active: false });
    assert.equal((await api(url, '/api/v1/products?limit=1', String(u.body.access_token))).status, 401);
  });

  it('another client cannot revoke my token, and a public client cannot introspect tokens that are not its own', async () => {
    const mine = await accessToken(s, 'products:read');
    const other = await confidentialClient(s);
    await fetch(`${url}/oauth/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${other.clientId}:${other.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: mine.token }),
    });
    assert.equal((await api(url, '/api/v1/products?limit=1', mine.token)).status, 200);
    const p = await publicClient(s);
    const r = await fetch(`${url}/oauth/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: mine.token, client_id: p.clientId }) });
    assert.deepEqual(await r.json(), { active: false });
  });

  it('the owner can deny consent; the app gets access_denied and no code', async () => {
    const p = await publicClient(s);
    const b = new Browser();
    const q = new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'products:read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    let r = await b.request(`${url}/oauth/auth?${q}`);
    let loc = location(r, url);
    r = await b.form(`${loc.href}/login`, { username: 'admin', password: 'admin-test-pass' });
    r = await b.request(location(r, url).href);
    loc = location(r, url);
    assert.match(await (await b.request(`${loc.href}?lang=en`)).text(), /Allow access/);
    r = await b.form(`${loc.href}/abort`, {});
    const back = location(await b.request(location(r, url).href), url);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('code'), null);
  });

  it('sign-in refusals: wrong password, disabled user, and the brute-force lock (even with the right password)', async () => {
    const p = await publicClient(s);
    await s.db.knex.raw(`INSERT INTO ${s.db.prefix}user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
      VALUES (7, 1, 'disabled', ?, 'abc', 'D', 'U', 'd@example.com', '', '', '', 0, NOW())`, [
      // SHA1(salt . SHA1(salt . SHA1('right-pass')))
      opencartPasswordHash('right-pass', 'abc'),
    ]);
    const b = new Browser();
    const start = async () => {
      const q = new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'products:read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      return location(await b.request(`${url}/oauth/auth?${q}`), url);
    };
    const loc = await start();
    assert.equal((await b.form(`${loc.href}/login`, { username: 'disabled', password: 'right-pass' })).status, 401);
    for (let i = 0; i < 5; i++) {
      const r = await b.form(`${loc.href}/login`, { username: 'Admin', password: `wrong-${i}` });
      assert.equal(r.status, 401);
      assert.match(await r.text(), /hatalı|Wrong/);
    }
    const locked = await b.form(`${loc.href}/login`, { username: 'admin', password: 'admin-test-pass' });
    assert.equal(locked.status, 429, 'five failures lock the username for this address, like OpenCart');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const [[row]] = (await s.db.knex.raw("SELECT COUNT(*) AS n FROM meschain_audit_log WHERE action = 'auth.login_failed'")) as unknown as [[{ n: number }]];
    assert.ok(Number(row.n) >= 6);
  });

  it("honours OpenCart's own lock-out recorded in customer_login", async () => {
    const p = await publicClient(s);
    await s.db.knex.raw(`INSERT INTO ${s.db.prefix}customer_login (email, ip, total, date_added, date_modified) VALUES ('owner2', '1.2.3.4', 5, NOW(), NOW())`);
    await s.db.knex.raw(`INSERT INTO ${s.db.prefix}user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
      VALUES (8, 1, 'owner2', ?, 'xyz', 'O', 'T', 'o@example.com', '', '', '', 1, NOW())`, [opencartPasswordHash('pw-2', 'xyz')]);
    const b = new Browser();
    const q = new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'products:read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const loc = location(await b.request(`${url}/oauth/auth?${q}`), url);
    assert.equal((await b.form(`${loc.href}/login`, { username: 'owner2', password: 'pw-2' })).status, 429);
  });
});
