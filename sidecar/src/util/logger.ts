import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets must never reach a log line,
 * even when someone logs a whole config, request or marketplace account by mistake.
 */
export const REDACT_PATHS = [
  'secretKey',
  '*.secretKey',
  'password',
  '*.password',
  '*.*.password',
  'apiKey',
  '*.apiKey',
  'apiSecret',
  '*.apiSecret',
  'clientSecret',
  '*.clientSecret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'credentials',
  '*.credentials',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  // Redirects carry authorization codes, cookies carry OAuth session ids (the request log, api/request-log.ts, writes response headers).
  'res.headers.location',
  'res.headers["set-cookie"]',
  'bridgeSecret',
  '*.bridgeSecret',
  'secretKeysPrevious',
  '*.secretKeysPrevious',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'meschain-sidecar' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A database URL with its password replaced, for messages. */
export function describeDbUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 3306}${u.pathname}`;
  } catch {
    return '(unparseable url)';
  }
}
