/** A message value as MQTT payload bytes: what mqtt-out publishes. */

/**
 * Text as is, bytes as bytes (also a Buffer that went through JSON: {type:'Buffer', data}),
 * null/undefined as an empty payload (with retain it clears the topic's retained message),
 * anything else as JSON.
 */
export function payloadBytes(v: unknown): Buffer | string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (isJsonBuffer(v)) return Buffer.from(v.data);
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

function isJsonBuffer(v: unknown): v is { type: 'Buffer'; data: number[] } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { type?: unknown; data?: unknown };
  return o.type === 'Buffer' && Array.isArray(o.data) && Object.keys(o).length === 2;
}
