import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JWK, type JWTPayload } from 'jose';
import { AuthError } from '../errors';
import { narrow, userIdOfAccount, type Principal } from '../principal';
import type { RbacStore } from '../rbac';
import { SIGNING_ALG } from './keys';
import type { TokenRegistry, TokenState } from './token-registry';

/**
 * Verifies an OAuth access token for the API: an RFC 9068 JWT (typ at+jwt) signed ES256 by one of our
 * keys (the algorithm is pinned; `none`, HS256 and any other are refused), from our issuer, for our
 * audience, with exp/iat/jti/client_id present, for this store, and still active in the registry.
 */

export interface AccessTokenClaims extends JWTPayload {
  client_id: string;
  scope?: string;
  store_id: number;
  roles: string[];
}

export interface VerifiedToken {
  principal: Principal;
  state: TokenState;
}

export class AccessTokenVerifier {
  private readonly jwks: ReturnType<typeof createLocalJWKSet>;
  /** Verified payloads by token (signature checks cost CPU; a token is reused for many calls). */
  private readonly verified = new Map<string, AccessTokenClaims>();
  /**
   * The principal derived from a verified token's claims and the RBAC matrix it was derived under;
   * rebuilt when the matrix is reloaded. Treated as immutable by every reader.
   */
  private readonly principals = new WeakMap<AccessTokenClaims, { matrix: object; principal: Principal }>();

  constructor(
    private readonly opts: { issuer: string; audience: string; storeId: number; publicJwks: JWK[]; registry: TokenRegistry; rbac: RbacStore },
  ) {
    this.jwks = createLocalJWKSet({ keys: opts.publicJwks });
  }

  /** Signature and claims only (used by introspection too). Throws AuthError. */
  async claims(token: string): Promise<AccessTokenClaims> {
    const hit = this.verified.get(token);
    if (hit) {
      if ((hit.exp ?? 0) * 1000 > Date.now()) return hit;
      this.verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: [SIGNING_ALG],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'sub'],
        clockTolerance: 5,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AuthError('invalid_token', 'access token expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed) throw new AuthError('invalid_token', `access token ${err.claim} claim invalid`);
      throw new AuthError('invalid_token', 'access token invalid');
    }
    const c = payload as Partial<AccessTokenClaims>;
    if (typeof c.client_id !== 'string' || typeof c.store_id !== 'number' || !Array.isArray(c.roles) || !c.roles.every((r) => typeof r === 'string')) {
      throw new AuthError('invalid_token', 'access token claims invalid');
    }
    const claims = payload as AccessTokenClaims;
    if (this.verified.size > 20_000) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const c = await this.claims(token);
    if (c.store_id !== this.opts.storeId) throw new AuthError('wrong_store', 'token is for another store');
    // Never cached beyond the registry's own bound: revocation, client state, allow-list, own limit.
    const state = await this.opts.registry.state(c.jti!);
    if (!state) throw new AuthError('invalid_token', 'access token unknown');
    if (!state.active) throw new AuthError('revoked', 'access token revoked or client disabled');
    return { state, principal: this.principalOf(c) };
  }

  private principalOf(c: AccessTokenClaims): Principal {
    const matrix = this.opts.rbac.version;
    const hit = this.principals.get(c);
    if (hit && hit.matrix === matrix) return hit.principal;
    const scopes = new Set((c.scope ?? '').split(' ').filter(Boolean));
    const userId = userIdOfAccount(c.sub!);
    const principal: Principal = {
      kind: userId === null ? 'client' : 'user',
      subject: c.sub!,
      clientId: c.client_id,
      userId,
      username: null,
      storeId: c.store_id,
      roles: c.roles,
      permissions: narrow(this.opts.rbac.permissionsOf(c.roles), scopes),
      scopes,
      tokenId: c.jti!,
    };
    this.principals.set(c, { matrix, principal });
    return principal;
  }
}
