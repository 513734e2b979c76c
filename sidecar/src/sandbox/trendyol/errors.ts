/** An error the sandbox answers in Trendyol's error format. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    message: string,
    readonly exception = status === 401 ? 'ClientApiAuthenticationException' : status === 404 ? 'NotFoundException' : 'ClientApiBusinessException',
  ) {
    super(message);
  }
}

/** Trendyol-style error body: `{ timestamp, exception, errors: [{ key, message, errorCode }] }`. */
export function errorBody(status: number, exception: string, key: string, message: string, now: number): Record<string, unknown> {
  return { timestamp: now, exception, errors: [{ key, message, errorCode: key }], message };
}
