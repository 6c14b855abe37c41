/** The `http` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs } from '../profile-parts.ts';

export const httpProfile: ConnectionTypeDef = {
  type: 'http',
  label: 'HTTP API',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl'],
    properties: {
      baseUrl: { type: 'string', title: 'Base URL', pattern: '^https?://.+' },
      auth: { type: 'string', title: 'Authentication', enum: ['none', 'basic', 'bearer', 'apiKey'], default: 'none' },
      /** user name of basic auth */
      username: { type: 'string', title: 'Username' },
      /** header that carries the api key */
      apiKeyHeader: { type: 'string', title: 'API key header', minLength: 1, default: 'X-API-Key' },
      headers: { type: 'object', title: 'Default headers', additionalProperties: { type: 'string' } },
      timeoutMs,
    },
  },
  // the password (basic), the token (bearer) or the key (apiKey)
  secrets: [{ name: 'secret', label: 'Password / token / API key', showIf: { auth: ['basic', 'bearer', 'apiKey'] } }],
  ui: {
    order: ['baseUrl', 'auth', 'username', 'apiKeyHeader', 'headers', 'timeoutMs'],
    showIf: { username: { auth: ['basic'] }, apiKeyHeader: { auth: ['apiKey'] } },
  },
};
