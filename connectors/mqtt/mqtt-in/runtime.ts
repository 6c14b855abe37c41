/** mqtt-in: a run per MQTT message (see listener.ts). */
import type { NodeRuntime } from '../../../server/engine/node-api.ts';
import type { MqttLink } from '../driver.ts';
import { MqttInListener, readParams } from './listener.ts';

export const mqttInRuntime: NodeRuntime = {
  type: 'mqtt-in',
  async create(ctx) {
    const params = readParams(ctx.params);
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
