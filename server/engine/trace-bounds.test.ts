/**
 * Adversarial values for the trace serialiser: each must cost about TRACE_VALUE_LIMIT, not the
 * size of the value, and come out masked, summarised (binary) and marked where it was cut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { traceJson, traceText, TRACE_VALUE_LIMIT, TRACE_LIST_LIMIT, TRACE_MAX_DEPTH } from './trace-value.ts';
import { labelBinary, BINARY_HASH_LIMIT } from './binary.ts';
import { makeMasker } from '../secrets/mask.ts';

/** the fastest of three runs, in ms (the machine is shared: the best run is the least disturbed) */
function fastest(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

interface Truncated { __truncated: true; bytes: number; preview: string }
const parse = (json: string | undefined): unknown => JSON.parse(json!);
/** the cost allowed for any value: a few ms (32 KB of JSON is ~0.1 ms to write) */
const BOUND_MS = 25;

test('a 90 MB string costs about the limit: cut with a marker, size counted', () => {
  const huge = Buffer.alloc(90 * 1024 * 1024, 'x').toString('latin1');
  let json = '';
  const ms = fastest(() => (json = traceJson({ payload: huge }, makeMasker(['s3cret']))!));
  assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
  const t = parse(json) as Truncated;
  assert.equal(t.__truncated, true);
  assert.ok(t.bytes >= huge.length, `bytes ${t.bytes}`);
  assert.equal(t.preview.length, TRACE_VALUE_LIMIT);
  assert.ok(t.preview.startsWith('{"payload":"xxx'));
});

test('a million-row list deep in a message costs about the limit: cut at TRACE_LIST_LIMIT items', () => {
  const rows = Array.from({ length: 1_000_000 }, (_, i) => ({ id: i, name: `row ${i}` }));
  const msg = { payload: { result: { page: { rows } } } };
  let json = '';
  const ms = fastest(() => (json = traceJson(msg, undefined)!));
  assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
  const v = parse(json) as { payload: { result: { page: { rows: unknown[] } } } };
  const cut = v.payload.result.page.rows;
  assert.equal(cut.length, TRACE_LIST_LIMIT + 1);
  assert.deepEqual(cut.at(-1), { __truncated: true, items: 1_000_000 });
});

test('an object of 2,000 fields of 50 KB each (100 MB) costs about the limit', () => {
  const big = 'y'.repeat(50_000);
  const wide: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) wide[`f${i}`] = `${big}${i}`;
  let json = '';
  const ms = fastest(() => (json = traceJson({ payload: wide }, makeMasker([]))!));
  assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
  const t = parse(json) as Truncated;
  assert.equal(t.__truncated, true);
  assert.ok(t.preview.startsWith('{"payload":{"f0":"yyy'));
});

test('an object of a million keys costs one listing of its keys (V8 has no cheaper way to its first key), not two', () => {
  const o: Record<string, number> = {};
  for (let i = 0; i < 1_000_000; i++) o[`k${i}`] = i;
  // counted, not timed: a timing bound flakes on a busy machine, the number of listings does not
  let listings = 0;
  const counted = new Proxy(o, { ownKeys: (target) => (listings++, Reflect.ownKeys(target)) });
  // wrapped in an object of many small keys: the big list is the one handed to the walker
  const outer: Record<string, unknown> = { payload: counted };
  for (let i = 0; i < 200; i++) outer[`x${i}`] = i;
  const json = traceJson(outer, undefined)!;
  assert.equal(listings, 1, `the keys were listed ${listings} times`);
  assert.ok((parse(json) as Truncated).preview.startsWith('{"payload":{"k0":0,"k1":1,'));
});

test('deep and cyclic values: bounded depth marker, [Circular], no stack overflow', () => {
  let deep: Record<string, unknown> = { end: true };
  for (let i = 0; i < 100_000; i++) deep = { d: deep };
  let json = '';
  const ms = fastest(() => (json = traceJson(deep, undefined)!));
  assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
  assert.match(json, new RegExp(`\\{"__truncated":true,"depth":${TRACE_MAX_DEPTH}\\}`));
  const a: Record<string, unknown> = { name: 'a', big: 'z'.repeat(100) };
  a['self'] = a;
  assert.deepEqual(parse(traceJson({ payload: a }, undefined)), { payload: { name: 'a', big: 'z'.repeat(100), self: '[Circular]' } });
});

test('a 1 MB Buffer is a $binary summary (sha256, size, head), never a number array', () => {
  const bytes = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
  let json = '';
  const ms = fastest(() => (json = traceJson({ payload: bytes }, makeMasker(['s3cret']))!));
  assert.ok(ms < BOUND_MS, `took ${ms.toFixed(1)} ms`);
  assert.doesNotMatch(json, /"type":"Buffer","data":\[/);
  assert.deepEqual(parse(json), {
    payload: {
      $binary: {
        type: 'Buffer', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
        head: bytes.subarray(0, 64).toString('base64'),
      },
    },
  });
  labelBinary(bytes, 'application/pdf');
  assert.equal((parse(traceJson(bytes, undefined)) as { $binary: { type: string } }).$binary.type, 'application/pdf', 'the media type when a node named it');
});

test('Uint8Array, ArrayBuffer and other typed arrays are summarised too; over the hash limit no digest', () => {
  const u8 = new Uint8Array([1, 2, 3]);
  const sum = (v: unknown) => (parse(traceJson({ v }, undefined)) as { v: { $binary: Record<string, unknown> } }).v.$binary;
  assert.deepEqual(sum(u8), { type: 'Uint8Array', bytes: 3, sha256: createHash('sha256').update(u8).digest('hex'), head: 'AQID' });
  assert.equal(sum(u8.buffer).type, 'ArrayBuffer');
  assert.equal(sum(new Float64Array(4)).bytes, 32);
  const view = new Uint8Array(new Uint8Array([9, 9, 1, 2, 9]).buffer, 2, 2);
  assert.equal(sum(view).head, Buffer.from([1, 2]).toString('base64'), 'a view shows its own bytes, not the whole buffer');
  const large = Buffer.alloc(BINARY_HASH_LIMIT + 1);
  const s = sum(large);
  assert.equal(s.sha256, null);
  assert.equal(s.note, 'not hashed above 8 MB');
  assert.equal(s.bytes, BINARY_HASH_LIMIT + 1);
});

test('masking still applies inside a cut value: sensitive keys, secrets, a secret at the cut, a secret in binary', () => {
  const secret = 'hunter2-secret-value';
  const mask = makeMasker([secret]);
  const json = traceJson({ password: 'pw-not-a-known-secret', note: `before ${secret} after`, filler: 'f'.repeat(100_000) }, mask)!;
  const t = parse(json) as Truncated;
  assert.equal(t.__truncated, true);
  assert.ok(t.preview.includes('"password":"***"'), t.preview.slice(0, 80));
  assert.ok(t.preview.includes('"note":"before *** after"'));
  assert.doesNotMatch(json, /pw-not-a-known-secret|hunter2/);

  // the secret straddles the cut: no part of it may show at the end of the preview
  for (let shift = 0; shift < secret.length; shift++) {
    const text = `${'a'.repeat(TRACE_VALUE_LIMIT - 12 + shift)}${secret}${'b'.repeat(1000)}`;
    const p = (parse(traceJson({ text }, mask)) as Truncated).preview;
    assert.ok(!p.endsWith(secret.slice(0, 3)) && !p.includes('hunter'), `shift ${shift}: …${p.slice(-12)}`);
  }
  const cut = traceText(`${'e'.repeat(TRACE_VALUE_LIMIT - 5)}${secret}`, mask);
  assert.doesNotMatch(cut, /hunt/);
  assert.match(cut, /cut: \d+ characters/);

  const binary = parse(traceJson({ payload: Buffer.from(`user=ann&pass=${secret}`) }, mask)) as { payload: { $binary: Record<string, unknown> } };
  assert.equal(binary.payload.$binary.head, null);
  assert.equal(binary.payload.$binary.sha256, null);
  assert.match(String(binary.payload.$binary.note), /secret/);
});

test('a secret holding a quote or backslash is masked (its JSON text is escaped)', () => {
  for (const secret of ['pa"ss"word', 'back\\slash\\pw', 'tab\tpw']) {
    const json = traceJson({ note: `x ${secret} y`, n: 1 }, makeMasker([secret]))!;
    assert.deepEqual(parse(json), { note: 'x *** y', n: 1 }, secret);
  }
});

test('the walker writes plain data exactly as JSON.stringify did before (masked or not)', () => {
  const values: unknown[] = [
    { a: 1, b: 'two', c: [1, 'x', null, true, { d: -0 }], e: { f: { g: 'é✓ "q" \\ \n \u0001' } } },
    { when: new Date(0), n: Number.NaN, inf: Number.POSITIVE_INFINITY, u: undefined, list: [undefined, () => 1], big: 10n },
    [], {}, 'text', 42, null, true, [[[[]]]],
    { nested: Array.from({ length: 150 }, (_, i) => ({ i })) },
  ];
  const mask = makeMasker(['k3y-value']);
  for (const v of values) {
    const viaMask = traceJson({ v, token: 't' }, mask);
    const old = JSON.stringify(mask(JSON.parse(JSON.stringify({ v, token: 't' }, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)))));
    const expected = old.replace(/\[(\{"i":0\}.*?\{"i":99\})(,\{"i":\d+\})+\]/, `[$1,{"__truncated":true,"items":150}]`);
    assert.equal(viaMask, expected, JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)));
  }
});
