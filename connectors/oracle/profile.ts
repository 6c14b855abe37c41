/** The `oracle` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs, port, mode, requireUnlessProfessional, standardOnly } from '../profile-parts.ts';

export const oracleProfile: ConnectionTypeDef = {
  type: 'oracle',
  label: 'Oracle',
  database: true,
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mode,
      host: { type: 'string', title: 'Host', minLength: 1 },
      port: port(1521),
      serviceName: { type: 'string', title: 'Service name' },
      pdb: { type: 'string', title: 'PDB' },
      user: { type: 'string', title: 'User' },
      timeoutMs,
    },
    ...requireUnlessProfessional(['host', 'user']),
  },
  secrets: [
    { name: 'password', label: 'Password' },
    { name: 'connectString', label: 'Connect string', showIf: { mode: ['professional'] }, required: true },
  ],
  ui: {
    order: ['mode', 'host', 'port', 'serviceName', 'pdb', 'user', 'timeoutMs'],
    showIf: { host: standardOnly, port: standardOnly, serviceName: standardOnly, pdb: standardOnly },
  },
};
