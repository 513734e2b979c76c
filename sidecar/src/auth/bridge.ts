import { createSecretKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { Knex } from 'knex';
import { getOpencartUser, parseOcPermissions } from './opencart-users';
import type { RbacStore } from './rbac';
import { narrow, type Principal } from './principal';
import { AuthError } from './errors';

/**
 * The admin bridge: the OpenCart admin extension proxies the store owner's requests to the sidecar with
 * `Authorization: Bridge <jwt>`, a short-lived HS256 token signed with the secret shared at install,
 * naming the OpenCart user, group, store and the group's permission lists. Only HS256 with that secret
 * is accepted (the algorithm is pinned, never read from the token).
 */

export const BRIDGE_ISSUER = 'meschain-opencart-admin';
export const BRIDGE_AUDIENCE = 'meschain-sidecar';
/** Longest lifetime (exp − iat) a bridge token may claim. */
export const BRIDGE_MAX_LIFETIME_S = 300;

const claimsSchema = z.object({
  sub: z.string().regex(/^\d{1,10}$/, 'sub must be the OpenCart user_id'),
  username: z.string().min(1).max(64),
  user_group_id: z.number().int().min(0),
  store_id: z.number().int().min(0),
  permission: z.unknown(),
  iat: z.number(),
  exp: z.number(),
});

export interface BridgeVerifierOptions {
  secret: string;
  storeId: number;
  knex: Knex;
  prefix: string;
  rbac: RbacStore;
  /** How long a user's status/group check is cached. */
  userCacheMs?: number;
}

export class BridgeVerifier {
  private readonly key: KeyObject;
  private readonly users = new Map<number, { at: number; ok: boolean; groupId: number }>();

  constructor(private readonly opts: BridgeVerifierOptions) {
    this.key = createSecretKey(Buffer.from(opts.secret, 'utf8'));
  }

  async verify(token: string): Promise<Principal> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: BRIDGE_ISSUER,
        audience: BRIDGE_AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: 30,
        // Without it jose accepts any iat, so a token dated in the future would satisfy exp − iat ≤ 300 s
        // and still live until that future date.
        maxTokenAge: BRIDGE_MAX_LIFETIME_S,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iat') throw new AuthError('invalid_token', 'bridge token issued in the future (check the clocks)');
      throw new AuthError('invalid_token', err instanceof joseErrors.JWTExpired ? 'bridge token expired' : 'bridge token invalid');
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw new AuthError('invalid_token', `bridge token claims invalid: ${parsed.error.issues[0]?.message ?? 'bad claims'}`);
    const c = parsed.data;
    if (c.exp - c.iat > BRIDGE_MAX_LIFETIME_S) throw new AuthError('invalid_token', 'bridge token lives too long');
    if (c.store_id !== this.opts.storeId) throw new AuthError('wrong_store', 'token is for another store');
    const userId = Number(c.sub);
    const user = await this.userState(userId);
    if (!user.ok || user.groupId !== c.user_group_id) throw new AuthError('invalid_token', 'bridge user is disabled or changed group');
    const role = await this.opts.rbac.roleForOpencartUser(userId, c.user_group_id, parseOcPermissions(c.permission));
    if (!role) throw new AuthError('insufficient_role', 'this OpenCart user group has no access to MesChain-Sync');
    const roles = [role];
    return {
      kind: 'bridge',
      subject: `oc:${userId}`,
      clientId: null,
      userId,
      username: c.username,
      storeId: c.store_id,
      roles,
      permissions: narrow(this.opts.rbac.permissionsOf(roles), null),
      scopes: null,
      tokenId: null,
    };
  }

  private async userState(userId: number): Promise<{ ok: boolean; groupId: number }> {
    const cached = this.users.get(userId);
    if (cached && Date.now() - cached.at < (this.opts.userCacheMs ?? 30_000)) return cached;
    const user = await getOpencartUser(this.opts.knex, this.opts.prefix, userId);
    const state = { at: Date.now(), ok: !!user?.status, groupId: user?.userGroupId ?? -1 };
    this.users.set(userId, state);
    return state;
  }
}

export interface BridgeClaims {
  userId: number;
  username: string;
  userGroupId: number;
  storeId: number;
  permission: unknown;
}

/**
 * Signs a bridge token exactly as the OpenCart admin extension does (for the extension's PHP twin, the
 * demo and tests): HS256, our issuer and audience, sub = user_id, lifetime at most BRIDGE_MAX_LIFETIME_S.
 */
export async function signBridgeToken(secret: string, claims: BridgeClaims, lifetimeSeconds = 120): Promise<string> {
  return new SignJWT({ username: claims.username, user_group_id: claims.userGroupId, store_id: claims.storeId, permission: claims.permission })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(BRIDGE_ISSUER)
    .setAudience(BRIDGE_AUDIENCE)
    .setSubject(String(claims.userId))
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(createSecretKey(Buffer.from(secret, 'utf8')));
}
