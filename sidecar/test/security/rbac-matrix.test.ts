import assert from 'node:assert/strict';
import { signBridgeToken } from '../../src/auth/bridge';
import { BUILTIN_ROLES, GRANTABLE_SCOPES, ROLE_NAMES } from '../../src/auth/permissions';
import { RbacStore, roleFromOpencartPermissions } from '../../src/auth/rbac';
import { parseOcPermissions } from '../../src/auth/opencart-users';
import { OPENAPI_DOCUMENT } from '../../src/api/v1/openapi';
import { POLICIES, PolicyTable, type RoutePolicy } from '../../src/gateway/policy';
import { accessToken, api, BRIDGE_SECRET, startSecured, type SecuredSidecar } from './support';

/**
 * Calls every route of the policy table with every role (and with no token) and compares what the
 * gateway did with what the table and the role matrix say. Also holds the table and the OpenAPI
 * document to each other.
 */

const GATEWAY_REFUSALS = new Set(['unauthorized', 'invalid_token', 'forbidden', 'insufficient_scope', 'wrong_store', 'ip_not_allowed']);

function concrete(p: RoutePolicy): string {
  return p.path.replace(/\/\*$/, '/probe').replace(/:clientId/, 'mc_0000000000000000').replace(/:[A-Za-z]+/g, '1');
}

async function refusalCode(r: Response): Promise<string | null> {
  const text = await r.text();
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && GATEWAY_REFUSALS.has(code) && (r.status === 401 || r.status === 403) ? code : null;
  } catch {
    return null;
  }
}

describe('security: RBAC matrix over the policy table', () => {
  let s: SecuredSidecar;
  const principals = new Map<string, string>();

  before(async () => {
    s = await startSecured({ prefix: 'rb7_' });
    const rbac = new RbacStore(s.db.knex, 0);
    let userId = 20;
    for (const role of ROLE_NAMES.filter((r) => r !== 'api-client')) {
      userId++;
      await s.db.knex.raw(`INSERT INTO rb7_user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
        VALUES (?, 10, ?, '', '', 'R', 'U', 'r@example.com', '', '', '', 1, NOW())`, [userId, `u_${role}`]);
      await rbac.assign({ userId }, role);
      principals.set(role, `Bridge ${await signBridgeToken(BRIDGE_SECRET, { userId, username: `u_${role}`, userGroupId: 10, storeId: 0, permission: { access: [], modify: [] } }, 300)}`);
    }
    principals.set('api-client', (await accessToken(s, GRANTABLE_SCOPES.join(' '), { scope: [...GRANTABLE_SCOPES] })).token);
  });
  after(async () => {
    await s?.close();
  });

  it('every route × every role (and no token) gets exactly what the table allows', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const policy of POLICIES) {
      for (const method of policy.methods) {
        const path = concrete(policy);
        const init = method === 'GET' ? { method } : { method, headers: { 'content-type': 'application/json' }, body: '{}' };
        const anonymous = await refusalCode(await api(s.sidecar.url, path, null, init));
        calls++;
        const expectAnon = policy.access === 'public' ? null : 'unauthorized';
        if (anonymous !== expectAnon) mismatches.push(`${method} ${path} no token: got ${anonymous}, expected ${expectAnon}`);
        if (policy.access === 'public') continue;
        for (const [role, token] of principals) {
          const allowed = policy.access === 'authenticated' || (BUILTIN_ROLES[role as keyof typeof BUILTIN_ROLES].permissions as string[]).includes(policy.access);
          const got = await refusalCode(await api(s.sidecar.url, path, token, init));
          calls++;
          if (allowed ? got !== null : got !== 'forbidden' && got !== 'insufficient_scope') mismatches.push(`${method} ${path} as ${role}: got ${got}, expected ${allowed ? 'allowed' : 'forbidden'}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
    assert.ok(calls > 250, `walked ${calls} calls`);
  });

  it('default deny: unlisted /api routes are refused whoever asks, whatever the case of the path', async () => {
    const owner = principals.get('owner')!;
    for (const path of ['/api/unknown', '/api/v1/secret-admin', '/api', '/api/v2/products']) {
      const r = await api(s.sidecar.url, path, owner);
      assert.equal(r.status, 404, path);
    }
    assert.equal((await api(s.sidecar.url, '/API/V1/PRODUCTS', null)).status, 401, 'case tricks do not bypass the guard');
    assert.equal((await api(s.sidecar.url, '/api/v1/products/', null)).status, 401);
    assert.equal((await api(s.sidecar.url, '/api/v1/products', owner, { method: 'DELETE' })).status, 405);
  });

  it('the policy table and the OpenAPI document agree on every /api/v1 operation and its scope', () => {
    const table = new PolicyTable();
    for (const [path, methods] of Object.entries(OPENAPI_DOCUMENT.paths)) {
      for (const [method, op] of Object.entries(methods as unknown as Record<string, { security: Array<Record<string, string[]>> }>)) {
        const concretePath = `/api/v1${path.replace(/\{[^}]+\}/g, '1')}`;
        const m = table.match(method.toUpperCase(), concretePath);
        assert.ok(m, `${method} ${path} has no policy`);
        assert.deepEqual(op.security[0]!.oauth2, [m.policy.access], `${method} ${path}: document scope vs policy permission`);
      }
    }
  });

  it('maps OpenCart user groups to roles from their permission JSON, in both shapes', () => {
    const list = parseOcPermissions('{"access":["extension\\/module\\/meschain"],"modify":["extension\\/module\\/meschain"]}');
    const object = parseOcPermissions('{"access":{"0":"extension\\/module\\/meschain","2":"catalog\\/product"},"modify":{"1":"sale\\/order"}}');
    assert.deepEqual(object, { access: ['extension/module/meschain', 'catalog/product'], modify: ['sale/order'] });
    assert.equal(roleFromOpencartPermissions(list), 'manager');
    assert.equal(roleFromOpencartPermissions(object), 'operator');
    assert.equal(roleFromOpencartPermissions(parseOcPermissions('{"access":{"5":"extension\\/module\\/meschain"}}')), 'viewer');
    assert.equal(roleFromOpencartPermissions(parseOcPermissions('{"access":[],"modify":["user\\/user_permission"]}')), 'owner');
    assert.equal(roleFromOpencartPermissions(parseOcPermissions('')), null);
    assert.equal(roleFromOpencartPermissions(parseOcPermissions('not json')), null);
  });

  it('bridge users without a mapped role are refused; a group mapping grants one', async () => {
    const claims = { userId: 30, username: 'demo', userGroupId: 10, storeId: 0, permission: { access: [], modify: [] } };
    await s.db.knex.raw(`INSERT INTO rb7_user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
      VALUES (30, 10, 'demo', '', '', 'D', 'M', 'd@example.com', '', '', '', 1, NOW())`);
    const r = await api(s.sidecar.url, '/api/v1/products', `Bridge ${await signBridgeToken(BRIDGE_SECRET, claims)}`);
    assert.equal(r.status, 403);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'insufficient_role');
    await new RbacStore(s.db.knex, 0).assign({ userGroupId: 10 }, 'viewer');
    assert.equal((await api(s.sidecar.url, '/api/v1/products', `Bridge ${await signBridgeToken(BRIDGE_SECRET, claims)}`)).status, 200);
    assert.equal(
      (await api(s.sidecar.url, '/api/v1/stock/40', `Bridge ${await signBridgeToken(BRIDGE_SECRET, claims)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"quantity":1}' })).status,
      403,
    );
  });
});
