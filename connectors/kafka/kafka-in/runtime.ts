/** kafka-in: a consumer group member per node that starts a run per record (see consumer.ts). */
import type { NodeRuntime } from '../../../server/engine/node-api.ts';
import { KafkaInConsumer } from './consumer.ts';
import type { KafkaInParams } from './spec.ts';

export const kafkaInRuntime: NodeRuntime<KafkaInParams> = {
  type: 'kafka-in',
  create(ctx) {
    const consumer = new KafkaInConsumer(ctx, ctx.params);
    return {
      start: () => consumer.start(),
      stop: () => consumer.stop(),
      operate: (action, body) => consumer.operate(action, body),
    };
  },
};

export default kafkaInRuntime;
