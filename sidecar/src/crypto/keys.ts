import { readFileSync } from 'node:fs';
import { decodeSecretKey, type Config } from '../config/schema';
import { StartupError } from '../util/errors';
import { keyRing, type KeyRing } from './secrets';

/**
 * Where the secret keys come from: the current key from MESCHAIN_SECRET_KEY, older keys (still needed
 * to open secrets sealed before a rotation) from MESCHAIN_SECRET_KEYS_PREVIOUS and/or a key file
 * (MESCHAIN_SECRET_KEYS_FILE, one key per line). Never from the database.
 */

export function parseKeyList(text: string, where: string): Buffer[] {
  const keys: Buffer[] = [];
  text.split(/[\n,]/).forEach((line, i) => {
    const value = line.trim();
    if (value === '' || value.startsWith('#')) return;
    const key = decodeSecretKey(value);
    if (!key) throw new StartupError(`${where}: entry ${i + 1} is not a 32-byte key (64 hex characters or base64)`);
    keys.push(key);
  });
  return keys;
}

export function previousKeys(config: Pick<Config, 'security'>): Buffer[] {
  const keys = parseKeyList(config.security.secretKeysPrevious, 'MESCHAIN_SECRET_KEYS_PREVIOUS');
  const file = config.security.secretKeysFile;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new StartupError(`MESCHAIN_SECRET_KEYS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    keys.push(...parseKeyList(text, `MESCHAIN_SECRET_KEYS_FILE ${file}`));
  }
  return keys;
}

/** The full ring: current key plus every previous one. */
export function loadKeyRing(config: Pick<Config, 'secretKey' | 'security'>): KeyRing {
  const current = decodeSecretKey(config.secretKey);
  if (!current) throw new StartupError('MESCHAIN_SECRET_KEY must be 32 bytes as 64 hex characters or base64');
  return keyRing(current, previousKeys(config));
}
