// Frames between the server and a runner: whatever way the bytes are cut, the same frames come
// out; bytes that are not frames stop the reader instead of being guessed at.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { FrameReader, FrameWriter, WireError } from './wire.ts';

function encode(frames: ({ t: string } & Record<string, unknown>)[]): Buffer {
  const parts: Buffer[] = [];
  const socket = { write: (chunk: Buffer | string) => void parts.push(Buffer.from(chunk)), writableLength: 0 } as unknown as Socket;
  const writer = new FrameWriter(socket);
  for (const frame of frames) writer.write(frame);
  return Buffer.concat(parts);
}

function read(bytes: Buffer, cut: number): unknown[] {
  const out: unknown[] = [];
  const reader = new FrameReader((frame) => out.push(frame));
  for (let at = 0; at < bytes.length; at += cut) reader.push(bytes.subarray(at, Math.min(bytes.length, at + cut)));
  return out;
}

const frames = [
  { t: 'batch', sid: 1, scid: 2, first: 10, count: 2, timeoutMs: 1000, input: '[{"a":"é ✓ 😀"},{"b":"line\\nbreak"}]' },
  { t: 'ping', seq: 7 },
  { t: 'lines', first: 10, index: 0, kinds: 'vu', values: '[{"a":1},0]' },
  { t: 'reply', cid: 3 },
  { t: 'reply', cid: 4, value: '' },
  { t: 'log', token: 10, level: 1, text: 'x'.repeat(100_000) },
];

describe('frames on the wire', () => {
  test('the payload travels as raw text; frames come out whole however the bytes are cut', () => {
    const bytes = encode(frames);
    assert.ok(bytes.includes(Buffer.from('[{"a":"é ✓ 😀"}')), 'the payload is not serialised a second time');
    for (const cut of [1, 3, 7, 64, 4096, bytes.length]) assert.deepEqual(read(bytes, cut), frames, `cut every ${cut} bytes`);
  });

  test('no payload and an empty payload stay different', () => {
    const [none, empty] = read(encode([{ t: 'reply', cid: 1 }, { t: 'reply', cid: 2, value: '' }]), 5) as Record<string, unknown>[];
    assert.equal('value' in none!, false);
    assert.equal(empty!['value'], '');
  });

  test('bytes that are not frames stop the reader', () => {
    const reader = new FrameReader(() => assert.fail('no frame expected'));
    assert.throws(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])), WireError);
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]), Buffer.from('{{{')]);
    assert.throws(() => new FrameReader(() => {}).push(notJson), /not JSON/);
    const list = Buffer.concat([Buffer.from([0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]), Buffer.from('[]')]);
    assert.throws(() => new FrameReader(() => {}).push(list), /not an object/);
    const payloadOnPing = Buffer.concat([Buffer.from([0, 0, 0, 12, 0, 0, 0, 1]), Buffer.from('{"t":"ping"}x')]);
    assert.throws(() => new FrameReader(() => {}).push(payloadOnPing), /carries no payload/);
  });
});
