import { useState } from 'react';
import { SECRET_MASK } from '../../../core/connection-types.ts';
import { SecretInput } from '../connections/SecretInput.tsx';
import type { FieldProps } from './field-types.ts';

/**
 * A node param marked sensitive: write-only like a connection secret. The server shows a stored
 * one as "***", which is sent back to keep it; typing replaces it, Clear removes it (null).
 */
export function SecretField({ name, value, invalid, onChange }: FieldProps) {
  // remembered from when the node was opened, so clearing the box returns to "keep"
  const [storedAtOpen] = useState(() => value === SECRET_MASK);
  const stored = storedAtOpen || value === SECRET_MASK;
  return (
    <SecretInput
      name={name}
      value={typeof value === 'string' ? value : value === null ? null : undefined}
      stored={stored}
      invalid={invalid}
      onChange={onChange}
    />
  );
}
