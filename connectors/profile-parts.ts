/** Param schemas shared by several connection profiles (connectors/<type>/profile.ts). Pure data. */
import { DEFAULT_TIMEOUT_MS } from '../core/connection-types.ts';

export const timeoutMs = {
  type: 'integer', title: 'Timeout (ms)', minimum: 100, maximum: 600000, default: DEFAULT_TIMEOUT_MS,
} as const;
export const port = (dflt: number) => ({ type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: dflt }) as const;
export const mode = {
  type: 'string', title: 'Mode', enum: ['standard', 'professional'], default: 'standard',
} as const;
/** standard mode needs host and user; professional mode puts everything in a secret string */
export const requireUnlessProfessional = (fields: string[]) => ({
  if: { properties: { mode: { const: 'professional' } }, required: ['mode'] },
  then: {},
  else: { required: fields },
});
export const standardOnly = { mode: ['standard'] };
