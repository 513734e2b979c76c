import { hkdfSync } from 'node:crypto';
import type { Knex } from 'knex';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { openString, seal, type KeyRing } from '../../crypto/secrets';
import type { SealedColumn } from '../../crypto/rotation';
import { withNamedLock } from '../../db/opencart/locks';
import { rawRows, rawWrite } from '../../db/raw';

/**
 * Token signing keys. One ES256 key pair is generated on first start and shared by every sidecar
 * process through meschain_oauth_keys: the private JWK sealed with the secret key ring, the public JWK
 * in clear (it is served at the JWKS endpoint anyway). Access tokens are only ever verified with ES256
 * and these public keys, so an HS256 token "signed" with a public key is refused.
 */

export const SIGNING_ALG = 'ES256';
export const signingKeyContext = (kid: string) => `oauth-signing-key:${kid}`;

export interface SigningKeys {
  /** Private JWKs for oidc-provider's `jwks` setting. */
  privateJwks: JWK[];
  /** Public JWKs for verification. */
  publicJwks: JWK[];
}

async function readKeys(knex: Knex, ring: KeyRing): Promise<SigningKeys> {
  const rows = await rawRows<{ kid: string; private_enc: Buffer; public_jwk: unknown }>(
    knex,
    'SELECT kid, private_enc, public_jwk FROM meschain_oauth_keys WHERE retired_at IS NULL ORDER BY created_at DESC',
  );
  return {
    privateJwks: rows.map((r) => JSON.parse(openString(ring, signingKeyContext(r.kid), r.private_enc)) as JWK),
    publicJwks: rows.map((r) => (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk) as JWK),
  };
}

export async function loadSigningKeys(knex: Knex, ring: KeyRing): Promise<SigningKeys> {
  const existing = await readKeys(knex, ring);
  if (existing.privateJwks.length > 0) return existing;
  return withNamedLock(knex, 'oauth-signing-keys', 30, async () => {
    const again = await readKeys(knex, ring);
    if (again.privateJwks.length > 0) return again;
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const pub = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(pub);
    const publicJwk: JWK = { ...pub, kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    await rawWrite(knex, 'INSERT INTO meschain_oauth_keys (kid, alg, private_enc, private_key_id, public_jwk) VALUES (?, ?, ?, ?, ?)', [
      kid,
      SIGNING_ALG,
      seal(ring, signingKeyContext(kid), JSON.stringify(privateJwk)),
      ring.currentKeyId,
      JSON.stringify(publicJwk),
    ]);
    return { privateJwks: [privateJwk], publicJwks: [publicJwk] };
  });
}

export function signingKeyColumn(): SealedColumn {
  return {
    table: 'meschain_oauth_keys',
    idColumn: 'kid',
    column: 'private_enc',
    keyIdColumn: 'private_key_id',
    context: (row) => signingKeyContext(String(row.kid)),
  };
}

/** Cookie signing keys for the OAuth server's sessions, derived from the secret keys (current first). */
export function cookieKeys(ring: KeyRing): string[] {
  const ordered = [ring.keys.get(ring.currentKeyId)!, ...[...ring.keys.entries()].filter(([id]) => id !== ring.currentKeyId).map(([, k]) => k)];
  return ordered.map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'meschain oauth cookies', 32)).toString('base64url'));
}
