import cron from 'node-cron';
import { z } from 'zod';

/** Where the sidecar finds change capture: real triggers, a periodic snapshot diff, or "whatever works". */
export const captureModes = ['auto', 'triggers', 'snapshot'] as const;

const mysqlUrl = z
  .string({ error: 'is required' })
  .min(1, 'is required')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'mysql:' || url.protocol === 'mariadb:') && url.hostname !== '' && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'must look like mysql://user:password@host:3306/database');

/** Hex (64 chars) or base64 encoding of exactly 32 random bytes: the AES-256 key for secrets at rest. */
const secretKey = z
  .string({ error: 'is required (32 random bytes as 64 hex characters or base64)' })
  .refine((value) => decodeSecretKey(value) !== null, 'must be 32 bytes as 64 hex characters or base64');

export function decodeSecretKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    const buf = Buffer.from(value, 'base64');
    return buf.length === 32 ? buf : null;
  }
  return null;
}

/**
 * A whole number in [min, max] from the environment (digits) or the file (a JSON number), one message for
 * every way of missing it. z.coerce also took "", " ", null, true and "0x50" (as 0, 0, 0, 1 and 80): a
 * JSON `"port": null` silently bound a random port.
 */
function whole(min: number, max: number, message = `must be a whole number ${min}-${max}`) {
  const digits = (v: unknown) => (typeof v === 'string' && /^\s*-?\d{1,16}\s*$/.test(v) ? Number(v) : v);
  return z.preprocess(digits, z.number({ error: message }).int(message).min(min, message).max(max, message));
}

const days = (min: number, max: number) => whole(min, max, `must be a whole number of days ${min}-${max}`);

/** Longest timer Node can arm (2^31 − 1 ms); beyond it setTimeout fires after 1 ms, in a tight loop. */
const DAY_MS = 86_400_000;
const INT32 = 2_147_483_647;

const port = whole(0, 65535, 'must be a port number 0-65535');

/** Strict objects: a misspelt key in the JSON file silently kept the default of the setting it meant. */
export const configSchema = z.strictObject({
  databaseUrl: mysqlUrl,
  opencart: z.strictObject({
    /** OpenCart's DB_PREFIX from config.php. Real shops often pick random ones. */
    tablePrefix: z.string().regex(/^[A-Za-z0-9_]{0,32}$/, 'must be letters, digits or _ (at most 32)').default('oc_'),
    storeId: whole(0, INT32, 'must be 0 or a store_id').default(0),
    /** Language code as in oc_language.code, e.g. en-gb or tr-tr. */
    language: z.string().regex(/^[a-z]{2}(-[a-z]{2})?$/i, 'must be a language code such as en-gb or tr-tr').default('en-gb'),
    /** Store 0's URL lives in OpenCart's config.php (HTTP_SERVER), not in the database; orders record it. */
    storeUrl: z
      .string()
      .refine((v) => /^https?:\/\/[^\s/]+/.test(v), 'must be the shop URL, e.g. https://shop.example.com/')
      .optional(),
  }),
  secretKey,
  http: z.strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8787),
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  redisUrl: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
    .optional(),
  capture: z.strictObject({
    mode: z.enum(captureModes).default('auto'),
    /** How often the change pump reads the change log. */
    pollMs: whole(10, 60_000).default(100),
    /** How often the snapshot-diff scanner runs when triggers are not available (a timer: at most a day). */
    snapshotIntervalMs: whole(1000, DAY_MS).default(30_000),
  }),
  security: z
    .strictObject({
      /** Shared HS256 secret the OpenCart admin extension signs bridge tokens with (set at install). */
      bridgeSecret: z.string().min(32, 'must be at least 32 characters').optional(),
      /** Issuer URL of the OAuth server (its path is where /oauth is mounted), e.g. https://shop.example.com/meschain/oauth. */
      issuer: z
        .string()
        .refine((v) => /^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/.test(v), 'must be an http(s) URL without query, e.g. https://sync.example.com/oauth')
        .optional(),
      /** Comma-separated browser origins allowed by CORS; empty = no cross-origin browser access. */
      corsOrigins: z.string().default(''),
      /** Largest request body accepted, in bytes. */
      bodyLimitBytes: whole(1024, 64 * 1024 * 1024).default(1024 * 1024),
      /** Requests per minute per client for read routes / write routes, and per IP for public routes. */
      rateReadPerMinute: whole(1, 1_000_000).default(1000),
      rateWritePerMinute: whole(1, 1_000_000).default(120),
      ratePublicPerMinute: whole(1, 1_000_000).default(600),
      /** Comma-separated addresses/CIDRs of proxies whose X-Forwarded-For is trusted (e.g. the OpenCart host). */
      trustedProxies: z.string().default(''),
      /** Older secret keys (comma-separated hex/base64) still able to decrypt; secrets are re-encrypted to the current key in the background. */
      secretKeysPrevious: z
        .string()
        .refine((v) => v.split(',').every((k) => k.trim() === '' || decodeSecretKey(k.trim()) !== null), 'must be comma-separated 32-byte keys (hex or base64)')
        .default(''),
      /** A file with older secret keys, one per line (lines starting with # are ignored). */
      secretKeysFile: z.string().optional(),
    })
    .prefault({}),
  /**
   * The shop owner's analytics settings; unset ones keep the defaults of analytics/models/options.ts
   * (ranges match it). Everything else about analytics is set in code.
   */
  analytics: z
    .strictObject({
      anomalySensitivity: z.enum(['low', 'normal', 'high'], { error: 'must be low, normal or high' }).optional(),
      alertMinSeverity: z.enum(['low', 'medium', 'high'], { error: 'must be low, medium or high' }).optional(),
      leadTimeDays: days(0, 180).optional(),
      reviewDays: days(1, 180).optional(),
      /** node-cron expression in the shop's time zone, or "off" for retraining only on demand. */
      schedule: z
        .string()
        .nullable()
        .transform((v) => (v === null || v.trim().toLowerCase() === 'off' ? null : v.trim()))
        .refine((v) => v === null || cron.validate(v), 'must be a cron expression such as "30 3 * * *", or off')
        .optional(),
    })
    .prefault({}),
  database: z.strictObject({
    /**
     * Connections to MariaDB. Each order write holds one for its server-side lock while its statements
     * use others, so concurrent imports need about three each (see sync/orders/poll.ts).
     */
    poolMax: whole(4, 200).default(20),
  }),
  jobs: z.strictObject({
    concurrency: whole(1, 64).default(4),
    /** A lease, renewed by a timer at a third of it: at most a day. */
    visibilityTimeoutMs: whole(1000, DAY_MS).default(60_000),
    maxAttempts: whole(1, 100).default(8),
  }),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
