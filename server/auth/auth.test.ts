import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/store.ts';
import { ConflictError, ValidationError } from '../store/errors.ts';
import { hashPassword, verifyPassword, hashPasswordSync, verifyPasswordSync, needsRehash } from './password.ts';
import { hashToken, newSessionToken } from './tokens.ts';
import { authenticateToken, createSession, purgeExpiredSessions, revokeSession, SESSION_TTL_MS } from './sessions.ts';
import { ensureFirstAdmin } from './first-admin.ts';
import { can } from './roles.ts';
import { createUser, deleteUser, updateUser, verifyCredentials } from './users.ts';
import { createAuthService } from './auth-service.ts';

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-auth-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
const fresh = (): Store => openStore({ dataDir: join(dir, `s${++n}`) });

describe('password hashing (scrypt)', () => {
  test('salted hash with its parameters; verify accepts only the password', async () => {
    const h1 = await hashPassword('correct horse');
    const h2 = await hashPassword('correct horse');
    assert.match(h1, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(h1, h2, 'random salt');
    assert.equal(await verifyPassword('correct horse', h1), true);
    assert.equal(await verifyPassword('correct horse!', h1), false);
    assert.equal(await verifyPassword('', h1), false);
    assert.equal(needsRehash(h1), false);
  });

  test('sync variants agree with async ones', async () => {
    const h = hashPasswordSync('pässwörd');
    assert.equal(await verifyPassword('pässwörd', h), true);
    assert.equal(verifyPasswordSync('pässwörd', await hashPassword('pässwörd')), true);
    assert.equal(verifyPasswordSync('password', h), false);
  });

  test('malformed or tampered hashes never verify and never throw', async () => {
    const h = await hashPassword('secret-pass');
    const parts = h.split('$');
    const flipped = [...parts.slice(0, 5), Buffer.from('x'.repeat(32)).toString('base64url')].join('$');
    for (const bad of ['', 'plain', 'scrypt$1$1$1$a$b', flipped, h.replace('$32768$', '$1073741824$'), h.replace('$32768$', '$1000$')]) {
      assert.equal(await verifyPassword('secret-pass', bad), false, bad);
    }
  });
});

describe('session tokens', () => {
  test('32 random bytes base64url; only the SHA-256 is stored', () => {
    const t = newSessionToken();
    assert.match(t, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(t, newSessionToken());
    assert.equal(hashToken(t).length, 64);
    const store = fresh();
    try {
      const u = store.users.create({ username: 'x', passwordHash: 'h', role: 'viewer' });
      const s = createSession(store, u.id);
      const rows = store.db.prepare('SELECT token_hash FROM sessions').pluck().all();
      assert.deepEqual(rows, [hashToken(s.token)]);
      assert.ok(!rows.includes(s.token));
    } finally {
      store.close();
    }
  });

  test('valid for 7 days, revocable, purged when expired, gone with the user', () => {
    const store = fresh();
    try {
      const u = store.users.create({ username: 'v', passwordHash: 'h', role: 'viewer' });
      const t0 = new Date('2025-01-01T00:00:00.000Z');
      const s = createSession(store, u.id, t0);
      assert.equal(s.expiresAt, new Date(t0.getTime() + SESSION_TTL_MS).toISOString());
      assert.equal(authenticateToken(store, s.token, new Date('2025-01-07T23:59:59.000Z'))?.username, 'v');
      assert.equal(authenticateToken(store, s.token, new Date('2025-01-08T00:00:00.000Z')), undefined, 'expired');
      assert.equal(authenticateToken(store, 'x'.repeat(43), t0), undefined);
      assert.equal(authenticateToken(store, '', t0), undefined);
      assert.equal(purgeExpiredSessions(store, new Date('2025-02-01T00:00:00.000Z')), 1);

      const s2 = createSession(store, u.id);
      assert.ok(authenticateToken(store, s2.token));
      assert.equal(revokeSession(store, s2.token), true);
      assert.equal(authenticateToken(store, s2.token), undefined);

      const s3 = createSession(store, u.id);
      store.users.create({ username: 'boss', passwordHash: 'h', role: 'admin' });
      store.users.delete(u.id);
      assert.equal(authenticateToken(store, s3.token), undefined, 'sessions cascade with the user');
    } finally {
      store.close();
    }
  });
});

describe('first admin', () => {
  test('with the env password', async () => {
    const store = fresh();
    try {
      assert.deepEqual(await ensureFirstAdmin(store, 'from-env-password'), { created: true });
      const u = await verifyCredentials(store, 'admin', 'from-env-password');
      assert.equal(u?.role, 'admin');
      assert.deepEqual(await ensureFirstAdmin(store, 'other'), { created: false }, 'only on an empty store');
      assert.equal(await verifyCredentials(store, 'admin', 'other'), undefined);
    } finally {
      store.close();
    }
  });

  test('generated strong password when none is given', async () => {
    const store = fresh();
    try {
      const r = await ensureFirstAdmin(store);
      assert.equal(r.created, true);
      assert.match(r.generatedPassword ?? '', /^[A-Za-z0-9_-]{24}$/);
      assert.equal((await verifyCredentials(store, 'admin', r.generatedPassword ?? ''))?.username, 'admin');
      assert.equal((await ensureFirstAdmin(store)).generatedPassword, undefined);
    } finally {
      store.close();
    }
  });
});

describe('roles', () => {
  test('viewer reads; editor reads and writes; admin does all', () => {
    assert.deepEqual(['read', 'write', 'admin'].map((a) => can('viewer', a as 'read')), [true, false, false]);
    assert.deepEqual(['read', 'write', 'admin'].map((a) => can('editor', a as 'read')), [true, true, false]);
    assert.deepEqual(['read', 'write', 'admin'].map((a) => can('admin', a as 'read')), [true, true, true]);
  });
});

describe('user management and login', () => {
  test('a hash made with older, weaker parameters still logs in and is upgraded at that login', async () => {
    const store = fresh();
    try {
      const old = await createUser(store, { username: 'olda', password: 'old-password', role: 'viewer' });
      // what a 16 MiB hash of an earlier version looks like in the users table
      const salt = randomBytes(16);
      const key = scryptSync('old-password', salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 << 20 });
      store.users.update(old.id, { passwordHash: `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}` });
      assert.equal(needsRehash(store.users.findByUsername('olda')?.passwordHash ?? ''), true);
      assert.equal(await verifyCredentials(store, 'olda', 'wrong-password'), undefined);
      assert.match(store.users.findByUsername('olda')?.passwordHash ?? '', /^scrypt\$16384\$/, 'a failed login changes nothing');
      assert.equal((await verifyCredentials(store, 'olda', 'old-password'))?.id, old.id);
      const upgraded = store.users.findByUsername('olda')?.passwordHash ?? '';
      assert.match(upgraded, /^scrypt\$32768\$8\$1\$/);
      assert.equal(await verifyPassword('old-password', upgraded), true);
      assert.equal((await verifyCredentials(store, 'olda', 'old-password'))?.id, old.id, 'and logs in again');
    } finally {
      store.close();
    }
  });

  test('create, validate, change password ends sessions, last admin protected', async () => {
    const store = fresh();
    try {
      await ensureFirstAdmin(store, 'first-owner-pw');
      await assert.rejects(createUser(store, { username: 'bad name', password: 'long-enough-pw', role: 'viewer' }),
        (e: unknown) => e instanceof ValidationError && e.details[0]?.path === 'username');
      await assert.rejects(createUser(store, { username: 'eve', password: 'short', role: 'viewer' }),
        (e: unknown) => e instanceof ValidationError && e.details[0]?.path === 'password');
      await assert.rejects(createUser(store, { username: 'eve', password: 'long-enough-pw', role: 'root' as 'admin' }),
        (e: unknown) => e instanceof ValidationError && e.details[0]?.path === 'role');
      const eve = await createUser(store, { username: 'eve', password: 'long-enough-pw', role: 'editor' });
      await assert.rejects(createUser(store, { username: 'eve', password: 'long-enough-pw', role: 'viewer' }), ConflictError);

      const auth = createAuthService(store);
      const login = await auth.login('eve', 'long-enough-pw');
      assert.ok(login);
      assert.equal(login.user.role, 'editor');
      assert.equal('passwordHash' in login.user, false);
      assert.equal(auth.authenticate(login.token)?.id, eve.id);
      assert.equal(await auth.login('eve', 'wrong-password'), undefined);
      assert.equal(await auth.login('nobody', 'long-enough-pw'), undefined);

      assert.equal((await updateUser(store, eve.id, { password: 'brand-new-pw' }))?.id, eve.id);
      assert.equal(auth.authenticate(login.token), undefined, 'password change ends sessions');
      assert.ok(await auth.login('eve', 'brand-new-pw'));
      assert.equal((await updateUser(store, eve.id, { role: 'viewer' }))?.role, 'viewer');

      const admin = store.users.findByUsername('admin');
      assert.ok(admin);
      assert.throws(() => deleteUser(store, admin.id), ConflictError);
      await assert.rejects(updateUser(store, admin.id, { role: 'editor' }), ConflictError);
      assert.equal(deleteUser(store, eve.id), true);

      const again = await auth.login('admin', 'first-owner-pw');
      assert.ok(again);
      auth.logout(again.token);
      assert.equal(auth.authenticate(again.token), undefined);
    } finally {
      store.close();
    }
  });
});
