import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

test('hooks port: --hooks-port or TRIBUTARY_HOOKS_PORT; unset means /hooks on the main port; it must differ from the port', () => {
  assert.equal(loadConfig([], {}).hooksPort, undefined);
  assert.equal(loadConfig(['--hooks-port', '1891'], {}).hooksPort, 1891);
  assert.equal(loadConfig([], { TRIBUTARY_HOOKS_PORT: '1892' }).hooksPort, 1892);
  assert.equal(loadConfig(['--hooks-port=1893'], { TRIBUTARY_HOOKS_PORT: '1892' }).hooksPort, 1893, 'the flag wins');
  assert.throws(() => loadConfig(['--hooks-port', 'x'], {}), (e: unknown) => e instanceof ConfigError && /hooks port must be an integer/.test(e.message));
  assert.throws(() => loadConfig(['--port', '1890', '--hooks-port', '1890'], {}), /must differ/);
});

test('TRIBUTARY_ALLOWED_ORIGINS: comma-separated origins, normalized; a path or another scheme is refused', () => {
  assert.deepEqual(loadConfig([], { TRIBUTARY_ALLOWED_ORIGINS: 'https://Ops.Example.com, http://10.0.0.5:8080/' }).allowedOrigins, ['https://ops.example.com', 'http://10.0.0.5:8080']);
  assert.deepEqual(loadConfig([], { TRIBUTARY_ALLOWED_ORIGINS: 'https://a.example:443' }).allowedOrigins, ['https://a.example']);
  for (const bad of ['https://a.example/app', 'ftp://a.example', 'a.example', 'https://user@a.example']) {
    assert.throws(() => loadConfig([], { TRIBUTARY_ALLOWED_ORIGINS: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes(`"${bad}"`), bad);
  }
});
