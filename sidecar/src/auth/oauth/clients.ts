import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { z, ZodError } from 'zod';
import { openString, seal, type KeyRing } from '../../crypto/secrets';
import type { SealedColumn } from '../../crypto/rotation';
import { rawRows, rawWrite } from '../../db/raw';
import { BUILTIN_ROLES, GRANTABLE_SCOPES } from '../permissions';
import { allowListOf, jsonList } from './token-registry';

/**
 * API clients (meschain_api_clients): the mobile app (public, PKCE) and server-to-server clients
 * (confidential). Secrets are generated here, shown once, and stored only as an AES-256-GCM envelope
 * bound to the client id.
 */

export const CLIENT_ID_RE = /^mc_[a-z0-9]{16,40}$/;

const redirectUri = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.hash === '' && (u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) || /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(u.protocol));
  } catch {
    return false;
  }
}, 'redirect URIs must be https, loopback http, or a reverse-domain app scheme, without a fragment');

export const newClientSchema = z
  .object({
    name: z.string().min(1).max(128),
    type: z.enum(['public', 'confidential']),
    redirectUris: z.array(redirectUri).max(10).default([]),
    grantTypes: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])).min(1),
    scope: z.array(z.enum(GRANTABLE_SCOPES as [string, ...string[]])).min(1),
    role: z.string().min(1).max(64).default('api-client'),
    ipAllowlist: z.array(z.string()).max(100).default([]),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
    authMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  })
  .superRefine((c, ctx) => {
    if (c.type === 'public' && c.grantTypes.includes('client_credentials')) ctx.addIssue({ code: 'custom', message: 'a public client cannot use client credentials' });
    if (c.grantTypes.includes('authorization_code') && c.redirectUris.length === 0) ctx.addIssue({ code: 'custom', message: 'authorization code clients need a redirect URI' });
    if (c.type === 'public' && !c.grantTypes.includes('authorization_code')) ctx.addIssue({ code: 'custom', message: 'a public client must use the authorization code flow' });
    try {
      allowListOf(c.ipAllowlist);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export type NewApiClient = z.input<typeof newClientSchema>;

export interface ApiClientInfo {
  clientId: string;
  name: string;
  storeId: number;
  type: 'public' | 'confidential';
  redirectUris: string[];
  grantTypes: string[];
  scope: string[];
  role: string;
  ipAllowlist: string[];
  rateLimitPerMinute: number | null;
  enabled: boolean;
}

interface ClientRow {
  client_id: string;
  name: string;
  store_id: number;
  type: 'public' | 'confidential';
  auth_method: string;
  secret_enc: Buffer | null;
  redirect_uris: unknown;
  grant_types: unknown;
  scope: string;
  role: string;
  ip_allowlist: unknown;
  rate_limit_per_minute: number | null;
  enabled: number;
}

export const clientSecretContext = (clientId: string) => `api-client-secret:${clientId}`;

export class ClientStore {
  constructor(
    private readonly knex: Knex,
    private readonly ring: KeyRing,
    private readonly storeId: number,
  ) {}

  /** Creates a client; the secret (confidential clients) is returned once and never again. */
  async create(input: NewApiClient): Promise<{ clientId: string; clientSecret: string | null }> {
    const c = newClientSchema.parse(input);
    // The RBAC matrix is keyed by the exact name, so `Owner` or a typo would give a client whose every
    // token is refused. Built-ins are known without the database (seeded at every start); custom roles
    // are compared byte for byte, not by the table's case-insensitive collation.
    const builtin = Object.prototype.hasOwnProperty.call(BUILTIN_ROLES, c.role);
    if (!builtin && (await rawRows(this.knex, 'SELECT 1 FROM meschain_rbac_roles WHERE BINARY name = ?', [c.role])).length === 0) {
      throw new ZodError([{ code: 'custom', path: ['role'], message: `unknown role "${c.role}"`, input: c.role }]);
    }
    const clientId = `mc_${randomBytes(12).toString('hex')}`;
    const secret = c.type === 'confidential' ? randomBytes(32).toString('base64url') : null;
    const envelope = secret ? seal(this.ring, clientSecretContext(clientId), secret) : null;
    await rawWrite(
      this.knex,
      `INSERT INTO meschain_api_clients (client_id, name, store_id, type, auth_method, secret_enc, secret_key_id, redirect_uris, grant_types, scope, role, ip_allowlist, rate_limit_per_minute)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        clientId,
        c.name,
        this.storeId,
        c.type,
        c.type === 'public' ? 'none' : c.authMethod,
        envelope,
        envelope ? this.ring.currentKeyId : null,
        JSON.stringify(c.redirectUris),
        JSON.stringify(c.grantTypes),
        c.scope.join(' '),
        c.role,
        JSON.stringify(c.ipAllowlist),
        c.rateLimitPerMinute,
      ],
    );
    return { clientId, clientSecret: secret };
  }

  private async row(clientId: string): Promise<ClientRow | undefined> {
    if (!CLIENT_ID_RE.test(clientId)) return undefined;
    const [row] = await rawRows<ClientRow>(this.knex, 'SELECT * FROM meschain_api_clients WHERE client_id = ? AND store_id = ?', [clientId, this.storeId]);
    return row;
  }

  /** oidc-provider client metadata for an enabled client of this store. */
  async metadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.row(clientId);
    if (!row || Number(row.enabled) !== 1) return undefined;
    const grantTypes = jsonList(row.grant_types);
    return {
      client_id: row.client_id,
      client_name: row.name,
      ...(row.secret_enc ? { client_secret: openString(this.ring, clientSecretContext(row.client_id), row.secret_enc) } : {}),
      token_endpoint_auth_method: row.auth_method,
      application_type: row.type === 'public' ? 'native' : 'web',
      redirect_uris: jsonList(row.redirect_uris),
      grant_types: grantTypes,
      response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
      scope: row.scope,
      meschain_role: row.role,
      meschain_store_id: row.store_id,
    };
  }

  async get(clientId: string): Promise<ApiClientInfo | undefined> {
    const row = await this.row(clientId);
    return row ? info(row) : undefined;
  }

  async list(): Promise<ApiClientInfo[]> {
    const rows = await rawRows<ClientRow>(this.knex, 'SELECT * FROM meschain_api_clients WHERE store_id = ? ORDER BY id', [this.storeId]);
    return rows.map(info);
  }

  async setEnabled(clientId: string, enabled: boolean): Promise<boolean> {
    const r = await rawWrite(this.knex, 'UPDATE meschain_api_clients SET enabled = ?, updated_at = UTC_TIMESTAMP(3) WHERE client_id = ? AND store_id = ?', [
      enabled ? 1 : 0,
      clientId,
      this.storeId,
    ]);
    return r.affectedRows === 1;
  }

  /** The secret column, for background key rotation. */
  static sealedColumn(): SealedColumn {
    return {
      table: 'meschain_api_clients',
      idColumn: 'id',
      column: 'secret_enc',
      keyIdColumn: 'secret_key_id',
      contextColumns: ['client_id'],
      context: (row) => clientSecretContext(String(row.client_id)),
    };
  }
}

function info(row: ClientRow): ApiClientInfo {
  return {
    clientId: row.client_id,
    name: row.name,
    storeId: row.store_id,
    type: row.type,
    redirectUris: jsonList(row.redirect_uris),
    grantTypes: jsonList(row.grant_types),
    scope: row.scope.split(' ').filter(Boolean),
    role: row.role,
    ipAllowlist: jsonList(row.ip_allowlist),
    rateLimitPerMinute: row.rate_limit_per_minute,
    enabled: Number(row.enabled) === 1,
  };
}
