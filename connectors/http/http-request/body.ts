/** Request bodies from param values, and response bodies as message payloads. */
import { labelBinary, NodeError } from '../../../server/engine/node-api.ts';

export type ResponseType = 'auto' | 'json' | 'text' | 'base64';

export interface EncodedBody { body: string | Uint8Array<ArrayBuffer>; contentType: string }

/** `undefined` for no body; text as is, bytes as octets, anything else as JSON */
export function encodeBody(value: unknown): EncodedBody | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return { body: value, contentType: 'text/plain; charset=utf-8' };
  // copied: fetch takes only ArrayBuffer-backed views
  if (value instanceof Uint8Array) return { body: new Uint8Array(value), contentType: 'application/octet-stream' };
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function isText(type: string): boolean {
  return (
    type.startsWith('text/') || type.endsWith('+xml') || type === 'application/xml' ||
    type === 'application/javascript' || type === 'application/x-www-form-urlencoded' || type === 'application/yaml'
  );
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return null;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new NodeError(`the response is not valid JSON: ${(err as Error).message}`, 'BAD_RESPONSE', false);
  }
}

/** the payload for a response body of `contentType` */
export function decodeBody(bytes: Buffer, contentType: string | null, as: ResponseType): unknown {
  switch (as) {
    case 'json':
      return parseJson(bytes);
    case 'text':
      return bytes.toString('utf8');
    case 'base64':
      return bytes.toString('base64');
    default: {
      if (bytes.length === 0) return null;
      const type = mediaType(contentType);
      if (isJson(type)) return parseJson(bytes);
      if (type === '' || isText(type)) return bytes.toString('utf8');
      labelBinary(bytes, type);
      return bytes;
    }
  }
}
