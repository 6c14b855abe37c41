/** mqtt-out: publishes on the profile's shared link and passes the input message on. */
import { NodeError, type NodeRuntime } from '../../../server/engine/node-api.ts';
import type { MqttLink } from '../driver.ts';
import { linkStatus } from '../status.ts';
import { topicNameIssue } from '../topic.ts';
import { payloadBytes } from './encode.ts';
import type { MqttOutParams } from './spec.ts';
import { errorMessage } from '../../../core/guards.ts';

export const mqttOutRuntime: NodeRuntime<MqttOutParams> = {
  type: 'mqtt-out',
  async create(ctx) {
    // acquired here so a broker that cannot be reached fails the flow's start with its error
    const lease = await ctx.connections.acquire<MqttLink>(ctx.params.connection, 'mqtt');
    const link = lease.client;
    const off = link.onState((s) => ctx.setStatus(linkStatus(s)));
    ctx.setStatus(linkStatus(link.state));
    return {
      async onMessage(msg, io) {
        const topic = io.params.topic;
        if (typeof topic !== 'string') throw new NodeError(`topic must be text, got ${topic === null ? 'nothing' : typeof topic}`, 'MQTT_TOPIC', false);
        const issue = topicNameIssue(topic);
        if (issue) throw new NodeError(`topic ${JSON.stringify(topic)} ${issue}`, 'MQTT_TOPIC', false);
        const qos = ctx.params.qos;
        const retain = ctx.params.retain;
        try {
          await link.publish(topic, payloadBytes(io.params.payload), { qos, retain }, io.signal);
        } catch (err) {
          throw new NodeError(`publish to "${topic}" failed: ${errorMessage(err)}`, 'MQTT_PUBLISH');
        }
        io.send({ ...msg, mqtt: { topic, qos, retain } });
      },
      async stop() {
        off();
        await lease.release();
      },
    };
  },
};

export default mqttOutRuntime;
