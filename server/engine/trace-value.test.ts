import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepDataJson, traceJson, TRACE_LIST_LIMIT } from './trace-value.ts';
import { makeMasker } from '../secrets/mask.ts';

test('long lists are cut with a marker; the rest of the value is kept', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i }));
  const json = JSON.parse(traceJson({ payload: rows, topic: 't' }, undefined)!) as { payload: unknown[]; topic: string };
  assert.equal(json.topic, 't');
  assert.equal(json.payload.length, TRACE_LIST_LIMIT + 1);
  assert.deepEqual(json.payload.at(-1), { __truncated: true, items: 5000 });
  assert.equal(rows.length, 5000, 'the message itself is not changed');
});

test('big values are truncated with a marker; secrets and sensitive keys are masked', () => {
  const big = JSON.parse(traceJson({ text: 'x'.repeat(100_000) }, undefined)!) as { __truncated: boolean; bytes: number };
  assert.equal(big.__truncated, true);
  assert.ok(big.bytes > 100_000);
  const mask = makeMasker(['s3cr3t-value']);
  const masked = JSON.parse(traceJson({ note: 'uses s3cr3t-value here', password: 'pw', nested: { apiKey: 'k' } }, mask)!);
  assert.deepEqual(masked, { note: 'uses *** here', password: '***', nested: { apiKey: '***' } });
  const plain = traceJson({ a: 1 }, mask);
  assert.equal(plain, '{"a":1}');
});

test('a step serialises once into the stored shape, sensitive params masked', () => {
  const data = JSON.parse(stepDataJson(
    { nodeId: 'n', status: 'failed', startedAt: 'a', input: { payload: 1n }, error: 'boom', params: { token: 't0ken', url: 'u' }, logs: ['l'] },
    makeMasker([]),
    ['token'],
  ));
  assert.deepEqual(data, { input: { payload: '1' }, error: 'boom', params: { token: '***', url: 'u' }, logs: ['l'] });
});

test('adversarial: a secret with quotes or backslashes is masked although JSON escapes it', () => {
  const secret = 'p"a\\ss\tword';
  const json = traceJson({ payload: { echo: `got ${secret}` } }, makeMasker([secret]))!;
  assert.ok(!json.includes(JSON.stringify(secret).slice(1, -1)), json);
  assert.deepEqual(JSON.parse(json), { payload: { echo: 'got ***' } });
});
