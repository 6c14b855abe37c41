/** The `mqtt` connection profile (SPEC §8): params schema with defaults, secret fields, form hints. Pure data. */
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import { timeoutMs } from '../profile-parts.ts';

export const mqttProfile: ConnectionTypeDef = {
  type: 'mqtt',
  label: 'MQTT broker',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', title: 'URL', pattern: '^(mqtts?|wss?)://.+' },
      clientId: { type: 'string', title: 'Client id' },
      username: { type: 'string', title: 'Username' },
      ca: { type: 'string', title: 'CA certificate (PEM)' },
      cert: { type: 'string', title: 'Client certificate (PEM)' },
      keepalive: { type: 'integer', minimum: 0, maximum: 65535, default: 60, title: 'Keep-alive (s)' },
      clean: { type: 'boolean', default: true, title: 'Clean session (shared client)' },
      timeoutMs,
    },
  },
  secrets: [
    { name: 'password', label: 'Password' },
    { name: 'key', label: 'Client key (PEM)', multiline: true },
  ],
  ui: { order: ['url', 'clientId', 'username', 'ca', 'cert', 'timeoutMs'] },
};
