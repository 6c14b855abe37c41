/** Param schemas shared by the mqtt-in and mqtt-out specs. Pure data. */
import type { JsonSchema } from '../../core/node-spec.ts';

export const connectionParam: JsonSchema = { type: 'string', minLength: 1, title: 'Connection' };

export const qosParam: JsonSchema = {
  enum: [0, 1, 2],
  default: 0,
  title: 'QoS',
  'x-enumLabels': { 0: '0 · at most once', 1: '1 · at least once', 2: '2 · exactly once' },
};
