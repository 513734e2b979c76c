/** Who is making a request, after authentication. Attached to res.locals by the gateway. */
export interface Principal {
  /** user: an OpenCart admin through an OAuth token; client: client-credentials token; bridge: the OpenCart admin extension. */
  kind: 'user' | 'client' | 'bridge';
  /** 'oc:<user_id>' for users, the client id for clients. */
  subject: string;
  clientId: string | null;
  userId: number | null;
  username: string | null;
  storeId: number;
  roles: string[];
  /** What the request may do: the roles' permissions, narrowed by the token's scopes. */
  permissions: ReadonlySet<string>;
  /** Granted OAuth scopes; null when not scope-limited (bridge). */
  scopes: ReadonlySet<string> | null;
  /** jti of the access token, when there is one. */
  tokenId: string | null;
}

export function accountIdOf(userId: number): string {
  return `oc:${userId}`;
}

export function userIdOfAccount(accountId: string): number | null {
  const m = /^oc:(\d{1,10})$/.exec(accountId);
  return m ? Number(m[1]) : null;
}

export function narrow(permissions: Iterable<string>, scopes: ReadonlySet<string> | null): Set<string> {
  const out = new Set<string>();
  for (const p of permissions) if (scopes === null || scopes.has(p)) out.add(p);
  return out;
}
