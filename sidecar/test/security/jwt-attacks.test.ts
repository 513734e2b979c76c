import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT, base64url, decodeJwt } from 'jose';
import { signBridgeToken, BRIDGE_AUDIENCE, BRIDGE_ISSUER } from '../../src/auth/bridge';
import { accessToken, api, BRIDGE_SECRET, confidentialClient, forgeAccessToken, realSigningKey, startSecured, type SecuredSidecar } from './support';

/**
 * Forged and tampered tokens are refused at the API with 401 (or 403 for another store), in the
 * documented error shape, and each refusal is audited.
 */
describe('security: JWT attacks', () => {
  let s: SecuredSidecar;
  let url: string;
  let clientId: string;
  const PATH = '/api/v1/products?limit=1';

  before(async () => {
    s = await startSecured();
    url = s.sidecar.url;
    clientId = (await confidentialClient(s)).clientId;
  });
  after(async () => {
    await s?.close();
  });

  async function refused(token: string, status = 401): Promise<string> {
    const r = await api(url, PATH, token);
    assert.equal(r.status, status);
    const body = (await r.json()) as { error: { code: string; message: string; message_tr: string } };
    assert.ok(body.error.message && body.error.message_tr);
    return body.error.code;
  }

  it('accepts a correctly forged control token (so the refusals below are about the attack, not the harness)', async () => {
    const ok = await forgeAccessToken(s, { client_id: clientId, sub: clientId, roles: ['api-client'] });
    assert.equal((await api(url, PATH, ok)).status, 200);
  });

  it('refuses alg "none"', async () => {
    const claims = decodeJwt(await forgeAccessToken(s, { client_id: clientId, sub: clientId, roles: ['api-client'] }));
    const none = new UnsecuredJWT(claims).encode();
    assert.equal(await refused(none), 'invalid_token');
    // Also with the at+jwt typ header and an empty signature.
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    assert.equal(await refused(`${header}.${base64url.encode(JSON.stringify(claims))}.`), 'invalid_token');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const { publicJwk } = await realSigningKey(s);
    const claims = decodeJwt(await forgeAccessToken(s, { client_id: clientId, sub: clientId, roles: ['owner'] }));
    for (const secret of [JSON.stringify(publicJwk), String(publicJwk.x), `${publicJwk.x}${publicJwk.y}`]) {
      const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicJwk.kid }).sign(createSecretKey(Buffer.from(secret)));
      assert.equal(await refused(hs), 'invalid_token');
    }
  });

  it('refuses a tampered payload (scope or roles widened, signature kept)', async () => {
    const real = (await accessToken(s, 'products:read')).token;
    const [h, p, sig] = real.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    for (const change of [{ scope: 'products:read stock:write sync:read' }, { roles: ['owner'] }, { store_id: 0, exp: claims.exp + 3600 }]) {
      const tampered = `${h}.${base64url.encode(JSON.stringify({ ...claims, ...change }))}.${sig}`;
      assert.equal(await refused(tampered), 'invalid_token');
    }
    assert.equal(await refused(`${h}.${p}.${sig!.slice(0, -4)}AAAA`), 'invalid_token');
  });

  it('refuses a token without exp, an expired token, a wrong audience, a wrong issuer and a wrong typ', async () => {
    const base = { client_id: clientId, sub: clientId, roles: ['api-client'] };
    assert.equal(await refused(await forgeAccessToken(s, base, { noExp: true })), 'invalid_token');
    const now = Math.floor(Date.now() / 1000);
    assert.equal(await refused(await forgeAccessToken(s, { ...base, iat: now - 4000, exp: now - 3000 })), 'invalid_token');
    const r = await api(url, PATH, await forgeAccessToken(s, { ...base, iat: now - 4000, exp: now - 3000 }));
    assert.match(r.headers.get('www-authenticate') ?? '', /expired/);
    assert.equal(await refused(await forgeAccessToken(s, { ...base, aud: 'urn:someone-else:api' })), 'invalid_token');
    assert.equal(await refused(await forgeAccessToken(s, { ...base, iss: 'https://evil.example/oauth' })), 'invalid_token');
    assert.equal(await refused(await forgeAccessToken(s, base, { header: { typ: 'JWT' } })), 'invalid_token');
  });

  it('refuses a validly signed token that was never issued (unknown jti)', async () => {
    assert.equal(await refused(await forgeAccessToken(s, { client_id: clientId, sub: clientId, roles: ['api-client'] }, { register: false })), 'invalid_token');
  });

  it('refuses a token for another store with 403', async () => {
    assert.equal(await refused(await forgeAccessToken(s, { client_id: clientId, sub: clientId, roles: ['owner'], store_id: 1 }), 403), 'wrong_store');
  });

  it('bridge tokens: accepted when right; alg none, wrong secret, too long-lived, another store, missing exp and ES/HS confusion refused', async () => {
    const claims = { userId: 1, username: 'admin', userGroupId: 1, storeId: 0, permission: { access: [], modify: ['user/user_permission'] } };
    const good = await signBridgeToken(BRIDGE_SECRET, claims);
    assert.equal((await api(url, PATH, `Bridge ${good}`)).status, 200);
    const payload = decodeJwt(good);
    assert.equal(await refused(`Bridge ${new UnsecuredJWT(payload).encode()}`), 'invalid_token');
    assert.equal(await refused(`Bridge ${await signBridgeToken('another-secret-another-secret-0123456789', claims)}`), 'invalid_token');
    assert.equal(await refused(`Bridge ${await signBridgeToken(BRIDGE_SECRET, claims, 3600)}`), 'invalid_token');
    assert.equal(await refused(`Bridge ${await signBridgeToken(BRIDGE_SECRET, { ...claims, storeId: 3 })}`, 403), 'wrong_store');
    const noExp = await new SignJWT({ username: 'admin', user_group_id: 1, store_id: 0, permission: {} })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(BRIDGE_ISSUER)
      .setAudience(BRIDGE_AUDIENCE)
      .setSubject('1')
      .setIssuedAt()
      .sign(createSecretKey(Buffer.from(BRIDGE_SECRET)));
    assert.equal(await refused(`Bridge ${noExp}`), 'invalid_token');
    // An OAuth access token is not a bridge token, nor the other way round.
    const at = (await accessToken(s, 'products:read')).token;
    assert.equal(await refused(`Bridge ${at}`), 'invalid_token');
    assert.equal(await refused(good), 'invalid_token');
    // A disabled OpenCart user's bridge token stops working.
    await s.db.knex.raw(`INSERT INTO ${s.db.prefix}user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
      VALUES (9, 1, 'gone', '', '', 'G', 'O', 'g@example.com', '', '', '', 0, NOW())`);
    assert.equal(await refused(`Bridge ${await signBridgeToken(BRIDGE_SECRET, { ...claims, userId: 9, username: 'gone' })}`), 'invalid_token');
  });

  it('audits every refusal with who, what and from where', async () => {
    await refused('not-a-jwt');
    // Audit rows are written beside the answer, not before it: give the last ones a moment to land.
    type Row = { action: string; outcome: string; ip: string; method: string; path: string; status: number };
    let rows: Row[] = [];
    for (let i = 0; i < 100 && rows.length < 10; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      [rows] = (await s.db.knex.raw(
        "SELECT action, outcome, ip, method, path, status FROM meschain_audit_log WHERE action IN ('auth.token_rejected', 'auth.wrong_store') ORDER BY id",
      )) as unknown as [Row[]];
    }
    assert.ok(rows.length >= 10, `expected many refusals audited, got ${rows.length}`);
    assert.ok(rows.every((r) => r.ip && r.method === 'GET' && r.path === '/api/v1/products' && (r.status === 401 || r.status === 403)));
  });
});
