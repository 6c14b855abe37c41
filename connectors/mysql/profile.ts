/** The `mysql` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs, port, mode, requireUnlessProfessional, standardOnly } from '../profile-parts.ts';

export const mysqlProfile: ConnectionTypeDef = {
  type: 'mysql',
  label: 'MySQL / MariaDB',
  database: true,
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mode,
      host: { type: 'string', title: 'Host', minLength: 1 },
      port: port(3306),
      database: { type: 'string', title: 'Database' },
      user: { type: 'string', title: 'User' },
      charset: { type: 'string', title: 'Charset', default: 'utf8mb4' },
      timeoutMs,
    },
    ...requireUnlessProfessional(['host', 'user']),
  },
  secrets: [
    { name: 'password', label: 'Password', showIf: standardOnly },
    { name: 'connectionString', label: 'Connection string', showIf: { mode: ['professional'] }, required: true },
  ],
  ui: {
    order: ['mode', 'host', 'port', 'database', 'user', 'charset', 'timeoutMs'],
    showIf: { host: standardOnly, port: standardOnly, database: standardOnly, user: standardOnly, charset: standardOnly },
  },
};
