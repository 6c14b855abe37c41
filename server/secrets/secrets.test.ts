import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox, decryptJson, encryptJson, SecretDecryptError } from './cipher.ts';
import { deriveKey, KEY_FILE, loadSecretKey } from './key.ts';
import { makeMasker, isSensitiveKey } from './mask.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-secrets-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('AES-256-GCM secrets', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  test('round trip, fresh IV every time, versioned format', () => {
    const secrets = { password: 'p@ss:wörd', 'sasl.password': 'k' };
    const a = box.encrypt(secrets, 'c_1');
    const b = box.encrypt(secrets, 'c_1');
    assert.match(a, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b);
    assert.notEqual(a.split(':')[1], b.split(':')[1]);
    assert.ok(!a.includes('p@ss'));
    assert.deepEqual(box.decrypt(a, 'c_1'), secrets);
    assert.deepEqual(decryptJson(key, encryptJson(key, [1, 'x'])), [1, 'x']);
  });

  test('tampering, another key or another row is detected', () => {
    const text = box.encrypt({ password: 'secret-value' }, 'c_1');
    const [v, iv, tag, body] = text.split(':') as [string, string, string, string];
    const flip = (b64: string): string => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] = (buf[0] ?? 0) ^ 1;
      return buf.toString('base64');
    };
    assert.throws(() => box.decrypt([v, iv, tag, flip(body)].join(':'), 'c_1'), SecretDecryptError);
    assert.throws(() => box.decrypt([v, iv, flip(tag), body].join(':'), 'c_1'), SecretDecryptError);
    assert.throws(() => box.decrypt([v, flip(iv), tag, body].join(':'), 'c_1'), SecretDecryptError);
    assert.throws(() => box.decrypt(text, 'c_2'), SecretDecryptError, 'bound to its row');
    assert.throws(() => createSecretBox(randomBytes(32)).decrypt(text, 'c_1'), SecretDecryptError, 'wrong key');
    assert.throws(() => box.decrypt('v2:a:b:c', 'c_1'), SecretDecryptError);
    assert.throws(() => box.decrypt('garbage', 'c_1'), SecretDecryptError);
  });
});

describe('secret key', () => {
  test('generated key file: 32 bytes, mode 0600, reused next time', () => {
    const d = join(dir, 'data');
    const first = loadSecretKey({ dataDir: d });
    assert.equal(first.source, 'file-created');
    const file = join(d, KEY_FILE);
    assert.equal(first.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file).length, 32);
    const second = loadSecretKey({ dataDir: d });
    assert.equal(second.source, 'file');
    assert.ok(second.key.equals(first.key));
  });

  test('a corrupt key file is refused, not replaced', () => {
    const d = join(dir, 'corrupt');
    loadSecretKey({ dataDir: d });
    writeFileSync(join(d, KEY_FILE), 'short');
    assert.throws(() => loadSecretKey({ dataDir: d }), /32 bytes/);
  });

  test('TRIBUTARY_SECRET_KEY: any string, derived deterministically, no file written', () => {
    const d = join(dir, 'env');
    const k = loadSecretKey({ dataDir: d, envKey: 'my passphrase' });
    assert.equal(k.source, 'env');
    assert.equal(k.key.length, 32);
    assert.ok(k.key.equals(deriveKey('my passphrase')));
    assert.ok(!k.key.equals(deriveKey('my passphrasE')));
    assert.throws(() => statSync(join(d, KEY_FILE)));
  });
});

describe('masker', () => {
  test('replaces secrets inside strings, deeply, without touching the input', () => {
    const mask = makeMasker(['hunter22', 'ab', 'tok-123', 'hunter2']);
    const input = {
      payload: { msg: 'login with hunter22 and tok-123 please', list: ['xhunter2x', 42, null, true] },
      nested: [{ deep: { s: 'tok-123' } }],
      short: 'ab stays',
    };
    const copy = structuredClone(input);
    assert.deepEqual(mask(input), {
      payload: { msg: 'login with *** and *** please', list: ['x***x', 42, null, true] },
      nested: [{ deep: { s: '***' } }],
      short: 'ab stays',
    });
    assert.deepEqual(input, copy, 'input unchanged');
    assert.equal(mask('a.b*c(hunter22)'), 'a.b*c(***)');
    assert.equal(makeMasker(['a.b'])('axb a.b'), 'axb ***', 'regex characters are literal');
  });

  test('masks values of sensitive keys whatever they are', () => {
    const mask = makeMasker([]);
    assert.deepEqual(mask({
      password: 'x', Password: 1, db_password: 'y', clientSecret: { a: 1 }, accessToken: 't', apiKey: 'k', 'api-key': 'k',
      Authorization: 'Bearer abc', headers: { authorization: 'Basic zzz', cookie: 'sid=1' }, name: 'ok', empty: '', token: null,
    }), {
      password: '***', Password: '***', db_password: '***', clientSecret: '***', accessToken: '***', apiKey: '***', 'api-key': '***',
      Authorization: '***', headers: { authorization: '***', cookie: '***' }, name: 'ok', empty: '', token: null,
    });
    assert.equal(isSensitiveKey('monkey'), false);
    assert.equal(isSensitiveKey('passthrough'), false);
  });

  test('survives cycles and leaves non-plain objects alone', () => {
    const mask = makeMasker(['secret-1']);
    const a: Record<string, unknown> = { s: 'secret-1' };
    a['self'] = a;
    assert.deepEqual(mask(a), { s: '***', self: '[Circular]' });
    const date = new Date(0);
    assert.equal(mask(date), date);
    assert.equal(mask(undefined), undefined);
  });
});
