/** Why a credential was refused; the gateway turns it into 401/403 and an audit row. */
export type AuthErrorCode = 'invalid_token' | 'wrong_store' | 'insufficient_role' | 'revoked' | 'invalid_request';

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}
