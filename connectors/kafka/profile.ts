/** The `kafka` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs } from '../profile-parts.ts';

export const kafkaProfile: ConnectionTypeDef = {
  type: 'kafka',
  label: 'Kafka',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['brokers'],
    properties: {
      brokers: {
        type: 'array', title: 'Brokers', minItems: 1,
        items: { type: 'string', title: 'host:port', pattern: '^[^\\s:]+:\\d{1,5}$' },
      },
      clientId: { type: 'string', title: 'Client id', default: 'tributary' },
      ssl: { type: 'boolean', title: 'SSL', default: false },
      sasl: {
        type: 'object',
        title: 'SASL',
        additionalProperties: false,
        required: ['mechanism'],
        properties: {
          mechanism: { type: 'string', title: 'Mechanism', enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
          username: { type: 'string', title: 'Username' },
        },
      },
      timeoutMs,
    },
  },
  secrets: [{ name: 'sasl.password', label: 'SASL password' }],
  ui: { order: ['brokers', 'clientId', 'ssl', 'sasl', 'timeoutMs'] },
};
