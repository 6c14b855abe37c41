/**
 * Binary data in messages (Buffer, Uint8Array and other typed arrays, ArrayBuffer) and the
 * summary a trace holds instead of the bytes:
 * `{"$binary": {"type", "bytes", "sha256", "head"}}` — the media type when the node that made
 * the bytes knew it (http-in, http-request), the size, a digest and the first 64 bytes in base64.
 */
import { createHash } from 'node:crypto';

/** bytes of the head shown in base64 */
export const BINARY_HEAD_BYTES = 64;
/** larger data is not hashed: sha256 costs ~1 ms per MB of main thread, per traced value */
export const BINARY_HASH_LIMIT = 8 * 1024 * 1024;

export type BinaryData = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

export interface BinarySummary {
  /** media type when known (e.g. `application/pdf`), else the JavaScript type (`Buffer`, `Uint8Array`…) */
  type: string;
  bytes: number;
  /** hex; null when not hashed (over BINARY_HASH_LIMIT, or the head held a secret) */
  sha256: string | null;
  /** base64 of the first BINARY_HEAD_BYTES bytes; null when they held a secret */
  head: string | null;
  note?: string;
}

/** media types given by the node that produced the bytes; a weak map, so nothing is kept alive */
const mediaTypes = new WeakMap<object, string>();

/** Record the media type of `data`, shown in its trace summary (and kept by cloneValue). */
export function labelBinary(data: BinaryData, mediaType: string): void {
  if (mediaType) mediaTypes.set(data, mediaType);
}

export function binaryLabel(data: object): string | undefined {
  return mediaTypes.get(data);
}

export function isBinary(value: object): value is BinaryData {
  if (ArrayBuffer.isView(value)) return true;
  // by tag, not instanceof: buffers copied out of the script sandbox come from another realm
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

function bytesOf(data: BinaryData): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data as ArrayBuffer);
}

function jsType(data: BinaryData): string {
  if (Buffer.isBuffer(data)) return 'Buffer';
  return Object.prototype.toString.call(data).slice(8, -1);
}

/**
 * The trace summary of `data`. `hasSecret` tells whether text holds a known secret: the head
 * (and the digest, which could confirm a guess) is then withheld.
 */
export function binarySummary(data: BinaryData, hasSecret?: (text: string) => boolean, lookAhead = 0): BinarySummary {
  const bytes = bytesOf(data);
  const summary: BinarySummary = { type: binaryLabel(data) ?? jsType(data), bytes: bytes.length, sha256: null, head: null };
  // a secret that starts in the head may end past it: look as far as the longest secret
  if (hasSecret?.(bytes.subarray(0, BINARY_HEAD_BYTES + lookAhead).toString('utf8'))) {
    summary.note = 'the first bytes hold a secret: head and digest withheld';
    return summary;
  }
  summary.head = bytes.subarray(0, BINARY_HEAD_BYTES).toString('base64');
  if (bytes.length <= BINARY_HASH_LIMIT) summary.sha256 = createHash('sha256').update(bytes).digest('hex');
  else summary.note = `not hashed above ${BINARY_HASH_LIMIT / (1024 * 1024)} MB`;
  return summary;
}
