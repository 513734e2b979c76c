import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (marketplace credentials, OAuth client secrets, push keys): AES-256-GCM with a
 * random 96-bit IV, under a key named by a short key id so keys can be rotated, and bound to a context
 * string (as GCM additional data), so a ciphertext copied from one row or purpose to another fails to
 * decrypt instead of silently working. The key itself comes from the environment or a key file, never
 * from the database.
 *
 * Envelope: 'v1' | keyIdLength (1 byte) | keyId | iv (12) | tag (16) | ciphertext.
 */

const VERSION = Buffer.from('v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

export interface KeyRing {
  /** Key id new secrets are sealed with. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A stable, non-secret id for a key: the first 8 hex characters of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function keyRing(current: Buffer, older: Buffer[] = []): KeyRing {
  for (const k of [current, ...older]) if (k.length !== 32) throw new Error('secret keys must be 32 bytes');
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...older]) keys.set(keyIdOf(k), k);
  return { currentKeyId: keyIdOf(current), keys };
}

export function seal(ring: KeyRing, context: string, plaintext: string | Buffer): Buffer {
  const key = ring.keys.get(ring.currentKeyId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
  const keyId = Buffer.from(ring.currentKeyId, 'utf8');
  return Buffer.concat([VERSION, Buffer.from([keyId.length]), keyId, iv, cipher.getAuthTag(), body]);
}

/** The key id an envelope was sealed with (for rotation), or null when it is not an envelope. */
export function envelopeKeyId(envelope: Buffer): string | null {
  if (envelope.length < 3 || !envelope.subarray(0, 2).equals(VERSION)) return null;
  const n = envelope[2]!;
  return envelope.length >= 3 + n ? envelope.subarray(3, 3 + n).toString('utf8') : null;
}

/** Decrypts; any tampering, a wrong context or an unknown key id throws SecretDecryptError (no detail leaks). */
export function open(ring: KeyRing, context: string, envelope: Buffer): Buffer {
  const keyId = envelopeKeyId(envelope);
  if (keyId === null) throw new SecretDecryptError('not a sealed secret');
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretDecryptError(`secret sealed with unknown key id ${keyId}`);
  const start = 3 + Buffer.byteLength(keyId);
  if (envelope.length < start + IV_BYTES + TAG_BYTES) throw new SecretDecryptError('sealed secret is truncated');
  const iv = envelope.subarray(start, start + IV_BYTES);
  const tag = envelope.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES);
  const body = envelope.subarray(start + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SecretDecryptError('sealed secret failed authentication (tampered, or wrong context or key)');
  }
}

export function openString(ring: KeyRing, context: string, envelope: Buffer): string {
  return open(ring, context, envelope).toString('utf8');
}
