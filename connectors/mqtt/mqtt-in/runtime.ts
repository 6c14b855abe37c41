/** mqtt-in: a run per MQTT message (see listener.ts). */
import type { NodeRuntime } from '../../../server/engine/node-api.ts';
import type { MqttLink } from '../driver.ts';
import { MqttInListener } from './listener.ts';
import type { MqttInParams } from './spec.ts';

export const mqttInRuntime: NodeRuntime<MqttInParams> = {
  type: 'mqtt-in',
  async create(ctx) {
    const params = ctx.params;
    // acquired here so a broker that cannot be reached fails the flow's start with its error
    const lease = await ctx.connections.acquire<MqttLink>(params.connection, 'mqtt');
    const listener = new MqttInListener(ctx, params, lease);
    return {
      start: () => listener.start(),
      stop: () => listener.stop(),
    };
  },
};

export default mqttInRuntime;
