import { readFileSync } from 'node:fs';
import { configSchema, type Config } from './schema';
import { StartupError } from '../util/errors';

/** Thrown for any bad or missing setting; `message` is one line naming the setting. */
export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

/** Environment variable → path inside the config object. The env wins over the optional file. */
const ENV_MAP: Record<string, string> = {
  MESCHAIN_DATABASE_URL: 'databaseUrl',
  MESCHAIN_OC_PREFIX: 'opencart.tablePrefix',
  MESCHAIN_OC_STORE_ID: 'opencart.storeId',
  MESCHAIN_OC_LANGUAGE: 'opencart.language',
  MESCHAIN_OC_STORE_URL: 'opencart.storeUrl',
  MESCHAIN_SECRET_KEY: 'secretKey',
  MESCHAIN_HTTP_HOST: 'http.host',
  MESCHAIN_HTTP_PORT: 'http.port',
  MESCHAIN_LOG_LEVEL: 'logLevel',
  MESCHAIN_REDIS_URL: 'redisUrl',
  MESCHAIN_CAPTURE_MODE: 'capture.mode',
  MESCHAIN_CAPTURE_POLL_MS: 'capture.pollMs',
  MESCHAIN_SNAPSHOT_INTERVAL_MS: 'capture.snapshotIntervalMs',
  MESCHAIN_DB_POOL_MAX: 'database.poolMax',
  MESCHAIN_JOB_CONCURRENCY: 'jobs.concurrency',
  MESCHAIN_JOB_VISIBILITY_MS: 'jobs.visibilityTimeoutMs',
  MESCHAIN_JOB_MAX_ATTEMPTS: 'jobs.maxAttempts',
  MESCHAIN_BRIDGE_SECRET: 'security.bridgeSecret',
  MESCHAIN_OAUTH_ISSUER: 'security.issuer',
  MESCHAIN_CORS_ORIGINS: 'security.corsOrigins',
  MESCHAIN_BODY_LIMIT_BYTES: 'security.bodyLimitBytes',
  MESCHAIN_RATE_READ_PER_MIN: 'security.rateReadPerMinute',
  MESCHAIN_RATE_WRITE_PER_MIN: 'security.rateWritePerMinute',
  MESCHAIN_RATE_PUBLIC_PER_MIN: 'security.ratePublicPerMinute',
  MESCHAIN_TRUSTED_PROXIES: 'security.trustedProxies',
  MESCHAIN_SECRET_KEYS_PREVIOUS: 'security.secretKeysPrevious',
  MESCHAIN_SECRET_KEYS_FILE: 'security.secretKeysFile',
  MESCHAIN_ANOMALY_SENSITIVITY: 'analytics.anomalySensitivity',
  MESCHAIN_ANOMALY_ALERT_SEVERITY: 'analytics.alertMinSeverity',
  MESCHAIN_REORDER_LEAD_TIME_DAYS: 'analytics.leadTimeDays',
  MESCHAIN_REORDER_REVIEW_DAYS: 'analytics.reviewDays',
  MESCHAIN_ANALYTICS_SCHEDULE: 'analytics.schedule',
};

const PATH_TO_ENV = Object.fromEntries(Object.entries(ENV_MAP).map(([env, path]) => [path, env]));

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`MESCHAIN_CONFIG_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the error, which may be a secret: say only where it is.
    throw new ConfigError(`MESCHAIN_CONFIG_FILE: ${path} is not a JSON object (invalid JSON${jsonErrorAt(text, (err as Error).message)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`MESCHAIN_CONFIG_FILE: ${path} is not a JSON object (not an object)`);
  return parsed as Record<string, unknown>;
}

/** " at line L, column C" from a JSON.parse message that gives a position; '' otherwise. */
function jsonErrorAt(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1])).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Builds the one typed Config from an optional JSON file (MESCHAIN_CONFIG_FILE) and the environment.
 * Empty env values count as unset, so `FOO= npm start` does not override a file value with "".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = env.MESCHAIN_CONFIG_FILE ? readFile(env.MESCHAIN_CONFIG_FILE) : {};
  for (const [name, path] of Object.entries(ENV_MAP)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  for (const section of ['opencart', 'http', 'capture', 'database', 'jobs']) {
    if (raw[section] === undefined) raw[section] = {};
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
      throw new ConfigError(`invalid configuration: MESCHAIN_CONFIG_FILE: unknown setting ${keys}`);
    }
    const env = PATH_TO_ENV[path];
    const where = env ? `${env} (${path})` : path || 'config';
    throw new ConfigError(`invalid configuration: ${where} ${issue.message}`);
  }
  return result.data;
}
