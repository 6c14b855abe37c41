/**
 * AES-256-GCM for a JSON object of secrets. Format: `v1:<iv>:<tag>:<ciphertext>`, each part
 * base64; a fresh 12-byte IV per encryption. The optional `aad` (e.g. the connection id) is
 * authenticated too, so a ciphertext copied onto another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptError extends Error {
  constructor(message = 'cannot decrypt secrets: wrong TRIBUTARY_SECRET_KEY / secret.key, or the data was altered') {
    super(message);
    this.name = 'SecretDecryptError';
  }
}

export interface SecretBox {
  encrypt(value: Record<string, string>, aad?: string): string;
  /** throws SecretDecryptError on a wrong key, tampering or a malformed string */
  decrypt(text: string, aad?: string): Record<string, string>;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  return {
    encrypt: (value, aad) => encryptJson(key, value, aad),
    decrypt: (text, aad) => {
      const out = decryptJson(key, text, aad);
      if (typeof out !== 'object' || out === null || Array.isArray(out)) throw new SecretDecryptError('secrets are not an object');
      for (const v of Object.values(out)) if (typeof v !== 'string') throw new SecretDecryptError('secret values must be strings');
      return out as Record<string, string>;
    },
  };
}

export function encryptJson(key: Buffer, value: unknown, aad?: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptJson(key: Buffer, text: string, aad?: string): unknown {
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretDecryptError('unknown secret format');
  const iv = Buffer.from(parts[1] ?? '', 'base64');
  const tag = Buffer.from(parts[2] ?? '', 'base64');
  const body = Buffer.from(parts[3] ?? '', 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptError('malformed secret string');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new SecretDecryptError();
  }
}
