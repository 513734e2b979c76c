import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { open, seal, type KeyRing } from '../../crypto/secrets';
import { rawRows, rawWrite } from '../../db/raw';
import type { ClientStore } from './clients';
import type { TokenRegistry } from './token-registry';

/**
 * oidc-provider's storage in MySQL (meschain_oauth_artifacts). The id of an opaque artifact is the
 * credential itself (an authorization code, a refresh token, a session cookie), so only its SHA-256 is
 * stored and the payload never carries it; where the provider must recover an id from another key
 * (a session found by uid), the id is kept sealed. Clients come from meschain_api_clients.
 */

const T = 'meschain_oauth_artifacts';

export function idHash(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}

interface Row {
  payload: string;
  consumed_at: string | null;
}

export interface AdapterDeps {
  knex: Knex;
  ring: KeyRing;
  clients: ClientStore;
  tokens: TokenRegistry;
}

/** Returns the adapter class oidc-provider instantiates once per model name. */
export function mysqlAdapter(deps: AdapterDeps): new (model: string) => Adapter {
  const { knex, ring } = deps;
  const sealedIdContext = (model: string) => `oauth-artifact-id:${model}`;

  return class MysqlOAuthAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed in meschain_api_clients');
      const { jti: _jti, ...rest } = payload;
      const stored: Record<string, unknown> = { ...rest };
      // Sessions are looked up by uid and must come back with their id (the cookie value): keep it sealed.
      if (this.model === 'Session') stored.__sealedId = seal(ring, sealedIdContext(this.model), id).toString('base64');
      await rawWrite(
        knex,
        `INSERT INTO ${T} (model, id_hash, payload, grant_id, uid_hash, user_code_hash, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ${expiresIn ? 'UTC_TIMESTAMP(3) + INTERVAL ? SECOND' : 'NULL'})
         ON DUPLICATE KEY UPDATE payload = VALUES(payload), grant_id = VALUES(grant_id), uid_hash = VALUES(uid_hash),
           user_code_hash = VALUES(user_code_hash), expires_at = VALUES(expires_at)`,
        [
          this.model,
          idHash(id),
          JSON.stringify(stored),
          typeof payload.grantId === 'string' ? payload.grantId : null,
          typeof payload.uid === 'string' ? idHash(payload.uid) : null,
          typeof payload.userCode === 'string' ? idHash(payload.userCode) : null,
          ...(expiresIn ? [expiresIn] : []),
        ],
      );
    }

    private hydrate(row: Row | undefined, id: string | null): AdapterPayload | undefined {
      if (!row) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload & { __sealedId?: string };
      let jti = id;
      if (payload.__sealedId !== undefined) {
        if (jti === null) {
          try {
            jti = open(ring, sealedIdContext(this.model), Buffer.from(payload.__sealedId, 'base64')).toString('utf8');
          } catch {
            return undefined;
          }
        }
        delete payload.__sealedId;
      }
      if (jti === null) return undefined;
      return { ...payload, jti, ...(row.consumed_at ? { consumed: Math.floor(Date.parse(`${row.consumed_at}Z`) / 1000) } : {}) };
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await deps.clients.metadata(id)) as AdapterPayload | undefined;
      const [row] = await rawRows<Row>(knex, `SELECT payload, consumed_at FROM ${T} WHERE model = ? AND id_hash = ?`, [this.model, idHash(id)]);
      return this.hydrate(row, id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const [row] = await rawRows<Row>(knex, `SELECT payload, consumed_at FROM ${T} WHERE model = ? AND uid_hash = ? LIMIT 1`, [this.model, idHash(uid)]);
      return this.hydrate(row, null);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const [row] = await rawRows<Row>(knex, `SELECT payload, consumed_at FROM ${T} WHERE model = ? AND user_code_hash = ? LIMIT 1`, [
        this.model,
        idHash(userCode),
      ]);
      return this.hydrate(row, null);
    }

    async consume(id: string): Promise<void> {
      await rawWrite(knex, `UPDATE ${T} SET consumed_at = UTC_TIMESTAMP(3) WHERE model = ? AND id_hash = ?`, [this.model, idHash(id)]);
    }

    async destroy(id: string): Promise<void> {
      await rawWrite(knex, `DELETE FROM ${T} WHERE model = ? AND id_hash = ?`, [this.model, idHash(id)]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await rawWrite(knex, `DELETE FROM ${T} WHERE model = ? AND grant_id = ?`, [this.model, grantId]);
      // JWT access tokens are not artifacts; the registry makes every token of the grant unusable.
      if (this.model === 'AccessToken') await deps.tokens.revokeGrant(grantId);
    }
  };
}

/** Deletes artifacts a day after they expired (consumed refresh tokens are kept until then for reuse detection). */
export async function pruneArtifacts(knex: Knex): Promise<number> {
  const r = await rawWrite(knex, `DELETE FROM ${T} WHERE expires_at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 5000`);
  return r.affectedRows;
}
