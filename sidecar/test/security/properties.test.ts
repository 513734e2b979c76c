import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { envelopeKeyId, keyRing, open, seal, SecretDecryptError } from '../../src/crypto/secrets';
import { consume, LimiterPool } from '../../src/gateway/rate-limit';
import { LoginGuard } from '../../src/auth/login-guard';
import { isGuardedPath, PolicyTable } from '../../src/gateway/policy';
import { narrow } from '../../src/auth/principal';
import { ALL_PERMISSIONS } from '../../src/auth/permissions';
import { bucketOf, percentileFromBuckets, LATENCY_BUCKETS_MS } from '../../src/gateway/usage';
import { limiterStores } from './support';

/** Property tests (fast-check): secrets at rest and rate-limit invariants. */
describe('security: properties', () => {
  describe('encryption at rest', () => {
    const ring = keyRing(randomBytes(32));

    it('round-trips any plaintext under any context', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ maxLength: 64 }), (plain, context) => {
          const env = seal(ring, context, Buffer.from(plain));
          assert.deepEqual(open(ring, context, env), Buffer.from(plain));
          assert.equal(envelopeKeyId(env), ring.currentKeyId);
        }),
        { numRuns: 300 },
      );
    });

    it('detects any single-byte change, any truncation and any other context', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 256 }),
          fc.string({ maxLength: 32 }),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          fc.nat(),
          fc.string({ minLength: 1, maxLength: 8 }),
          (plain, context, where, xor, cut, suffix) => {
            const env = seal(ring, context, Buffer.from(plain));
            const flipped = Buffer.from(env);
            const i = where % flipped.length;
            flipped[i] = flipped[i]! ^ xor;
            assert.throws(() => open(ring, context, flipped), SecretDecryptError);
            assert.throws(() => open(ring, context, env.subarray(0, cut % env.length)), SecretDecryptError);
            assert.throws(() => open(ring, context + suffix, env), SecretDecryptError);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('a rotated ring opens secrets sealed under the previous key and re-seals them under the new one', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 20 }), (plain, context) => {
          const oldKey = randomBytes(32);
          const before = seal(keyRing(oldKey), context, plain);
          const rotated = keyRing(randomBytes(32), [oldKey]);
          const again = seal(rotated, context, open(rotated, context, before));
          assert.notEqual(envelopeKeyId(again), envelopeKeyId(before));
          assert.equal(open(keyRing(rotated.keys.get(rotated.currentKeyId)!), context, again).toString(), plain);
          assert.throws(() => open(keyRing(randomBytes(32)), context, before), SecretDecryptError);
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('rate limits', () => {
    const stores = limiterStores();

    it('within one window exactly min(requests, limit) pass, first come first served, and the headers never lie', async () => {
      for (const [kind, store] of stores) {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), async (limit, requests, concurrent) => {
            const pool = new LimiterPool(store, `prop_${process.pid}_${Date.now()}_${run++}`, 60);
            const key = `k${run}`;
            const outcomes = concurrent
              ? await Promise.all(Array.from({ length: requests }, () => consume(pool.get(limit), key)))
              : await (async () => {
                  const out = [];
                  for (let i = 0; i < requests; i++) out.push(await consume(pool.get(limit), key));
                  return out;
                })();
            const allowed = outcomes.filter((o) => o.allowed).length;
            assert.equal(allowed, Math.min(requests, limit), `${kind}: ${allowed} of ${requests} passed with limit ${limit}`);
            for (const o of outcomes) {
              assert.equal(o.limit, limit);
              assert.ok(o.remaining >= 0 && o.remaining <= limit);
              assert.ok(o.resetSeconds >= 1 && o.resetSeconds <= 60);
            }
            if (!concurrent) {
              const firstRefusal = outcomes.findIndex((o) => !o.allowed);
              if (firstRefusal >= 0) assert.ok(outcomes.slice(firstRefusal).every((o) => !o.allowed), 'no request passes after a refusal in the same window');
              outcomes.forEach((o, i) => o.allowed && assert.equal(o.remaining, limit - i - 1));
            }
            // Another key has its own budget.
            assert.equal((await consume(pool.get(limit), `${key}-other`)).allowed, true);
          }),
          { numRuns: 25 },
        );
      }
    });

    it('sign-in guard: refuses after five failures for a username and address, success clears it, other addresses unaffected', async () => {
      const [, store] = stores[0]!;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 8 }), fc.stringMatching(/^[a-z]{3,10}$/), async (failures, user) => {
          const guard = new LoginGuard(store, { perUserIp: 5, perUser: 100, perIp: 1000 });
          const name = `${user}${Date.now()}${Math.random()}`;
          for (let i = 0; i < failures; i++) await guard.failed(name, '10.0.0.1');
          const check = await guard.check(name.toUpperCase(), '10.0.0.1');
          assert.equal(check.allowed, failures < 5);
          if (!check.allowed) assert.ok(check.retryAfterSeconds > 0 && check.retryAfterSeconds <= 3600);
          assert.equal((await guard.check(name, '10.0.0.2')).allowed, true);
          if (failures < 5) {
            await guard.succeeded(name, '10.0.0.1');
            assert.equal((await guard.check(name, '10.0.0.1')).allowed, true);
          }
        }),
        { numRuns: 15 },
      );
    });
  });

  describe('policy and permissions', () => {
    it('no spelling of an /api path escapes the guard', () => {
      const table = new PolicyTable();
      fc.assert(
        fc.property(fc.stringMatching(/^[a-z0-9/_.-]{0,30}$/), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (rest, upper) => {
          const prefix = ['a', 'p', 'i', '/'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          const path = `/${prefix}${rest}`;
          assert.equal(isGuardedPath(path), true);
          const m = table.match('GET', path);
          if (m) assert.notEqual(m.policy.access, undefined);
        }),
      );
    });

    it('a token can never do more than its role or its scopes allow', () => {
      fc.assert(
        fc.property(fc.subarray<string>(ALL_PERMISSIONS), fc.option(fc.subarray<string>(ALL_PERMISSIONS), { nil: null }), (rolePerms, scopes) => {
          const out = narrow(rolePerms, scopes === null ? null : new Set(scopes));
          for (const p of out) {
            assert.ok(rolePerms.includes(p));
            if (scopes !== null) assert.ok(scopes.includes(p));
          }
          assert.equal(out.size, rolePerms.filter((p) => scopes === null || scopes.includes(p)).length);
        }),
      );
    });

    it('latency percentiles from buckets bound the true percentile from above', () => {
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 4000, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (samples, p) => {
          const counts = new Map<number, number>();
          for (const s of samples) counts.set(bucketOf(s), (counts.get(bucketOf(s)) ?? 0) + 1);
          const sorted = [...samples].sort((a, b) => a - b);
          const truth = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
          const est = percentileFromBuckets(counts, p)!;
          assert.ok(est >= truth, `${est} < ${truth}`);
          const lower = [0, ...LATENCY_BUCKETS_MS][LATENCY_BUCKETS_MS.indexOf(est as (typeof LATENCY_BUCKETS_MS)[number])] ?? 0;
          assert.ok(truth >= lower);
        }),
      );
    });
  });
});
