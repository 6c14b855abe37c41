/** The `postgres` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs, port } from '../profile-parts.ts';

export const postgresProfile: ConnectionTypeDef = {
  type: 'postgres',
  label: 'PostgreSQL',
  database: true,
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'user'],
    properties: {
      host: { type: 'string', title: 'Host', minLength: 1 },
      port: port(5432),
      database: { type: 'string', title: 'Database' },
      user: { type: 'string', title: 'User' },
      ssl: { type: 'boolean', title: 'SSL', default: false },
      timeoutMs,
    },
  },
  secrets: [{ name: 'password', label: 'Password' }],
  ui: { order: ['host', 'port', 'database', 'user', 'ssl', 'timeoutMs'] },
};
