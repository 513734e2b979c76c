import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { opencartFormValue, opencartPasswordMatches, verifyOpencartLogin } from '../../src/auth/opencart-users';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { opencartPasswordHash } from '../support/opencart-dump';

/** OpenCart's admin password check, as OpenCart itself stores and compares (NOTES §1, §5). */
describe('security: OpenCart admin credentials', () => {
  let db: TestDatabase;
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  before(async () => {
    db = await createTestDatabase({ prefix: 'pw_', migrate: false });
    const add = (id: number, username: string, password: string, salt: string, status: number) =>
      db.knex.raw(`INSERT INTO pw_user (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
        VALUES (?, 1, ?, ?, ?, '', '', '', '', '', '', ?, NOW())`, [id, username, password, salt, status]);
    // What OpenCart stored for a password typed as ` a&b"<c ` (its request filter encoded and trimmed it first).
    await add(2, 'ayse', opencartPasswordHash('a&amp;b&quot;&lt;c', 'Zx9'), 'Zx9', 1);
    await add(3, 'legacy', md5('old-pass'), '', 1);
    await add(4, 'off', opencartPasswordHash('pw', 's1'), 's1', 0);
  });
  after(async () => {
    await db?.drop();
  });

  it('hashes what OpenCart would have stored: entity-encoded and trimmed', async () => {
    assert.equal(opencartFormValue(' a&b"<c '), 'a&amp;b&quot;&lt;c');
    assert.equal(opencartFormValue("it's"), "it's", 'single quotes stay, as with ENT_COMPAT');
    assert.equal((await verifyOpencartLogin(db.knex, 'pw_', 'ayse', ' a&b"<c '))?.userId, 2);
    assert.equal(await verifyOpencartLogin(db.knex, 'pw_', 'ayse', 'a&amp;b&quot;&lt;c'), null, 'the stored form is not the password');
  });

  it('accepts the legacy unsalted MD5, refuses disabled users, wrong passwords and unknown users alike', async () => {
    assert.equal((await verifyOpencartLogin(db.knex, 'pw_', 'legacy', 'old-pass'))?.userId, 3);
    assert.equal(await verifyOpencartLogin(db.knex, 'pw_', 'off', 'pw'), null);
    assert.equal(await verifyOpencartLogin(db.knex, 'pw_', 'ayse', 'nope'), null);
    assert.equal(await verifyOpencartLogin(db.knex, 'pw_', 'nobody', 'x'), null);
    assert.equal(await verifyOpencartLogin(db.knex, 'pw_', '', ''), null);
    assert.equal(opencartPasswordMatches('x', 'not-a-hash', ''), false);
  });
});
