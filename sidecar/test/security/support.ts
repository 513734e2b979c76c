import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { decodeSecretKey } from '../../src/config/schema';
import { keyRing, openString, type KeyRing } from '../../src/crypto/secrets';
import { importJWK, SignJWT, type JWK } from 'jose';
import { signingKeyContext } from '../../src/auth/oauth/keys';
import { ClientStore, type NewApiClient } from '../../src/auth/oauth/clients';
import { securityModule } from '../../src/modules/security';
import type { SidecarModule } from '../../src/modules/types';
import { createLogger, type Logger } from '../../src/util/logger';
import { createLimiterStore, type LimiterStore } from '../../src/gateway/rate-limit';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** Helpers shared by the security tests: a sidecar running only the security module, clients, and a cookie-keeping HTTP client. */

export const SECRET_KEY = 'ab'.repeat(32);
export const BRIDGE_SECRET = 'bridge-secret-for-tests-0123456789abcdef';

export interface SecuredSidecar {
  db: TestDatabase;
  sidecar: Sidecar;
  ring: KeyRing;
  clients: ClientStore;
  /** Everything the sidecar logged, as text. */
  logs: () => string;
  close(): Promise<void>;
}

export function captureLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger('debug', sink), text: () => chunks.join('') };
}

export async function startSecured(opts: { prefix?: string; env?: Record<string, string>; db?: TestDatabase; storeId?: number; modules?: SidecarModule[] } = {}): Promise<SecuredSidecar> {
  const db = opts.db ?? (await createTestDatabase({ prefix: opts.prefix }));
  const env: Record<string, string> = {
    MESCHAIN_DATABASE_URL: db.url,
    MESCHAIN_SECRET_KEY: SECRET_KEY,
    MESCHAIN_HTTP_PORT: '0',
    MESCHAIN_OC_PREFIX: db.prefix,
    MESCHAIN_BRIDGE_SECRET: BRIDGE_SECRET,
    MESCHAIN_RATE_READ_PER_MIN: '100000',
    MESCHAIN_RATE_WRITE_PER_MIN: '100000',
    MESCHAIN_RATE_PUBLIC_PER_MIN: '100000',
    ...(opts.env ?? {}),
  };
  const config = loadConfig(env);
  const { logger, text } = captureLogger();
  const sidecar = await startSidecar(config, { logger, modules: [securityModule, ...(opts.modules ?? [])] });
  const ring = keyRing(decodeSecretKey(env.MESCHAIN_SECRET_KEY!)!);
  return {
    db,
    sidecar,
    ring,
    clients: new ClientStore(db.knex, ring, opts.storeId ?? config.opencart.storeId),
    logs: text,
    async close() {
      await sidecar.close();
      if (!opts.db) await db.drop();
    },
  };
}

export const ALL_V1_SCOPES = ['products:read', 'listings:read', 'orders:read', 'stock:read', 'stock:write', 'sync:read', 'analytics:read'];

export async function confidentialClient(s: SecuredSidecar, over: Partial<NewApiClient> = {}) {
  return s.clients.create({ name: 'ERP', type: 'confidential', grantTypes: ['client_credentials'], scope: ALL_V1_SCOPES, ...over });
}

export async function clientCredentialsToken(url: string, clientId: string, secret: string, scope?: string): Promise<Response> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  return fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

export async function accessToken(s: SecuredSidecar, scope = ALL_V1_SCOPES.join(' '), over: Partial<NewApiClient> = {}): Promise<{ token: string; clientId: string; secret: string }> {
  const c = await confidentialClient(s, over);
  const r = await clientCredentialsToken(s.sidecar.url, c.clientId, c.clientSecret!, scope);
  const body = (await r.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return { token: body.access_token, clientId: c.clientId, secret: c.clientSecret! };
}

/** PKCE verifier and S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** fetch with a cookie jar and manual redirects, for walking browser flows. */
export class Browser {
  private readonly jar = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  async form(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  }
}

export function location(res: Response, base: string): URL {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`expected a redirect, got ${res.status}`);
  return new URL(loc, base);
}

export const REDIRECT = 'com.meschain.app:/cb';

export async function publicClient(s: SecuredSidecar, scope = ['products:read', 'stock:read', 'stock:write']) {
  return s.clients.create({ name: 'Mobile', type: 'public', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scope });
}

/**
 * Walks the browser part of the authorization code flow (authorize → sign in → consent) and returns
 * the final redirect to the app. `login` decides how the owner signs in.
 */
export async function authorize(
  s: SecuredSidecar,
  clientId: string,
  opts: { challenge?: string | null; scope?: string; redirectUri?: string; login?: { username: string; password: string } | { bridgeToken: string } } = {},
): Promise<URL> {
  const url = s.sidecar.url;
  const b = new Browser();
  const q = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: opts.redirectUri ?? REDIRECT, scope: opts.scope ?? 'products:read stock:read', state: 'st-1' });
  if (opts.challenge !== null) {
    q.set('code_challenge', opts.challenge ?? pkcePair().challenge);
    q.set('code_challenge_method', 'S256');
  }
  let r = await b.request(`${url}/oauth/auth?${q}`);
  let loc = location(r, url);
  if (loc.protocol !== 'http:') return loc;
  const login = opts.login ?? { username: 'admin', password: 'admin-test-pass' };
  r = 'bridgeToken' in login ? await b.form(`${loc.href}/bridge`, { bridge_token: login.bridgeToken }) : await b.form(`${loc.href}/login`, login);
  if (r.status !== 303) throw new Error(`sign-in answered ${r.status}`);
  r = await b.request(location(r, url).href);
  loc = location(r, url);
  if (loc.protocol !== 'http:') return loc;
  r = await b.form(`${loc.href}/confirm`, { decision: 'allow' });
  r = await b.request(location(r, url).href);
  return location(r, url);
}

export async function tokenRequest(url: string, fields: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
  const r = await fetch(`${url}/oauth/token`, { method: 'POST', headers, body: new URLSearchParams(fields) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

export async function api(url: string, path: string, token: string | null, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', token.startsWith('Bridge ') ? token : `Bearer ${token}`);
  return fetch(`${url}${path}`, { ...init, headers });
}

/** The server's real signing key (opened with the test's key ring), for forging tokens in attack tests. */
export async function realSigningKey(s: SecuredSidecar): Promise<{ privateJwk: JWK; publicJwk: JWK; kid: string }> {
  const [[row]] = (await s.db.knex.raw('SELECT kid, private_enc, public_jwk FROM meschain_oauth_keys LIMIT 1')) as unknown as [[{ kid: string; private_enc: Buffer; public_jwk: unknown }]];
  return { privateJwk: JSON.parse(openString(s.ring, signingKeyContext(row.kid), row.private_enc)) as JWK, publicJwk: (typeof row.public_jwk === 'string' ? JSON.parse(row.public_jwk) : row.public_jwk) as JWK, kid: row.kid };
}

export async function forgeAccessToken(s: SecuredSidecar, claims: Record<string, unknown>, opts: { header?: Record<string, unknown>; register?: boolean; noExp?: boolean } = {}): Promise<string> {
  const key = await realSigningKey(s);
  const now = Math.floor(Date.now() / 1000);
  const jti = String(claims.jti ?? randomBytes(12).toString('hex'));
  const payload = { iss: 'http://127.0.0.1:0/oauth', aud: 'urn:meschain:api', sub: 'mc_forged0000000000000', client_id: 'mc_forged0000000000000', iat: now, ...(opts.noExp ? {} : { exp: now + 300 }), scope: ALL_V1_SCOPES.join(' '), store_id: 0, roles: ['owner'], ...claims, jti };
  if (opts.register !== false) {
    await s.db.knex.raw('INSERT INTO meschain_oauth_tokens (jti, client_id, store_id, expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP() + INTERVAL 1 HOUR)', [jti, payload.client_id, payload.store_id]);
  }
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid, ...(opts.header ?? {}) }).sign(await importJWK(key.privateJwk, 'ES256'));
}

/**
 * Both rate-limit stores (MySQL in a fresh database, and the local Redis) for the enclosing describe:
 * the returned list fills in its before hook and everything is closed after.
 */
export function limiterStores(): Array<[string, LimiterStore]> {
  let db: TestDatabase | undefined;
  const stores: Array<[string, LimiterStore]> = [];
  before(async () => {
    db = await createTestDatabase();
    stores.push(['mysql', await createLimiterStore(db.knex, undefined)]);
    stores.push(['redis', await createLimiterStore(db.knex, 'redis://127.0.0.1:6379')]);
  });
  after(async () => {
    for (const [, store] of stores) await store.close();
    await db?.drop();
  });
  return stores;
}
