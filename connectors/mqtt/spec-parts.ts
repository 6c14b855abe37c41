/** Param schemas shared by the mqtt-in and mqtt-out specs. Pure. */
import { Enum, Type, withDefault } from '../../core/params-schema.ts';

export const connectionParam = Type.String({ minLength: 1, title: 'Connection' });

export const qosParam = withDefault(
  Enum([0, 1, 2], { title: 'QoS', 'x-enumLabels': { 0: '0 · at most once', 1: '1 · at least once', 2: '2 · exactly once' } }),
  0,
);
