import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { keyRing, open, openString, seal, envelopeKeyId, SecretDecryptError } from '../../src/crypto/secrets';

describe('secrets at rest', () => {
  const key = randomBytes(32);
  const ring = keyRing(key);

  it('round-trips and names the key it was sealed with', () => {
    const env = seal(ring, 'marketplace:1:credentials', '{"apiKey":"k","apiSecret":"s"}');
    assert.equal(openString(ring, 'marketplace:1:credentials', env), '{"apiKey":"k","apiSecret":"s"}');
    assert.equal(envelopeKeyId(env), ring.currentKeyId);
    assert.ok(!env.includes(Buffer.from('apiSecret')), 'no plain text inside');
  });

  it('refuses another context, a flipped bit and an unknown key', () => {
    const env = seal(ring, 'marketplace:1:credentials', 'secret');
    assert.throws(() => open(ring, 'marketplace:2:credentials', env), SecretDecryptError);
    const tampered = Buffer.from(env);
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => open(ring, 'marketplace:1:credentials', tampered), SecretDecryptError);
    assert.throws(() => open(keyRing(randomBytes(32)), 'marketplace:1:credentials', env), /unknown key id/);
  });

  it('opens secrets sealed under an older key after rotation', () => {
    const env = seal(ring, 'c', 'old secret');
    const rotated = keyRing(randomBytes(32), [key]);
    assert.equal(openString(rotated, 'c', env), 'old secret');
    assert.notEqual(envelopeKeyId(seal(rotated, 'c', 'x')), envelopeKeyId(env));
  });
});
