/**
 * How frames travel between the server and a runner: over a pipe of their own (the child's
 * fd 3), each frame as `[header bytes: u32][payload bytes: u32][header JSON][payload]`. The
 * payload is the one big string of a frame (a batch's messages, a batch's results, a log line…)
 * written as UTF-8 as it is — no second serialisation, no escaping — which is what makes a
 * batch cheap to send. Node's IPC channel (`process.send`) serialises every string again.
 */
import type { Socket } from 'node:net';

/** which field of each frame type travels as the payload */
const PAYLOAD: Readonly<Record<string, string>> = {
  batch: 'input',
  compile: 'code',
  lines: 'values',
  settle: 'line',
  log: 'text',
  call: 'b',
  reply: 'value',
};

const NO_PAYLOAD = 0xffffffff;
const MAX_HEADER_BYTES = 1024 * 1024;
/** a frame's payload; a message as JSON is limited far below (limits.ts) */
const MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024;

export class WireError extends Error {}

/** Writes frames; `cork`/`uncork` around a tick's frames makes them one write. */
export class FrameWriter {
  constructor(private readonly socket: Socket) {}

  write(frame: { t: string } & Record<string, unknown>): void {
    const field = PAYLOAD[frame.t];
    const payload = field === undefined ? undefined : frame[field];
    const header = typeof payload === 'string' ? JSON.stringify(frame, (key, value: unknown) => (key === field ? undefined : value)) : JSON.stringify(frame);
    const prefix = Buffer.allocUnsafe(8);
    prefix.writeUInt32BE(Buffer.byteLength(header), 0);
    prefix.writeUInt32BE(typeof payload === 'string' ? Buffer.byteLength(payload) : NO_PAYLOAD, 4);
    this.socket.write(prefix);
    this.socket.write(header);
    if (typeof payload === 'string' && payload.length > 0) this.socket.write(payload);
  }

  /** bytes written but not yet taken by the OS */
  get backlog(): number {
    return this.socket.writableLength;
  }
}

/**
 * Reads frames from a byte stream. A frame that is not well formed (lengths out of range, a
 * header that is not a JSON object) throws a WireError: the stream cannot be trusted after it.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (frame: unknown) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 8) return;
      const head = this.take(8, false);
      const headerBytes = head.readUInt32BE(0);
      const payloadBytes = head.readUInt32BE(4);
      if (headerBytes > MAX_HEADER_BYTES) throw new WireError('a frame header is too long');
      if (payloadBytes !== NO_PAYLOAD && payloadBytes > MAX_PAYLOAD_BYTES) throw new WireError('a frame payload is too long');
      const total = 8 + headerBytes + (payloadBytes === NO_PAYLOAD ? 0 : payloadBytes);
      if (this.buffered < total) return;
      const bytes = this.take(total, true);
      let frame: unknown;
      try {
        frame = JSON.parse(bytes.toString('utf8', 8, 8 + headerBytes));
      } catch {
        throw new WireError('a frame header is not JSON');
      }
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) throw new WireError('a frame header is not an object');
      if (payloadBytes !== NO_PAYLOAD) {
        const field = PAYLOAD[(frame as { t?: unknown }).t as string];
        if (field === undefined) throw new WireError('a frame of this type carries no payload');
        (frame as Record<string, unknown>)[field] = bytes.toString('utf8', 8 + headerBytes, total);
      }
      this.onFrame(frame);
    }
  }

  /** the first `count` buffered bytes as one buffer; consumed when `consume` */
  private take(count: number, consume: boolean): Buffer {
    const first = this.chunks[0]!;
    let bytes: Buffer;
    if (first.length >= count) {
      bytes = first.subarray(0, count);
    } else {
      bytes = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [bytes];
    }
    if (consume) {
      const head = this.chunks[0]!;
      if (head.length === count) this.chunks.shift();
      else this.chunks[0] = head.subarray(count);
      this.buffered -= count;
    }
    return bytes;
  }
}
