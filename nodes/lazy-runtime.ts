/**
 * A node runtime loaded on first use: connector runtimes pull heavy client libraries
 * (mysql2, pg, kafkajs, mqtt, oracledb), which a server that never uses them should not carry.
 */
import type { NodeRuntime } from '../server/engine/node-api.ts';

export function lazyRuntime(type: string, load: () => Promise<NodeRuntime>): NodeRuntime {
  let loading: Promise<NodeRuntime> | undefined;
  return {
    type,
    async create(ctx) {
      loading ??= load();
      return (await loading).create(ctx);
    },
  };
}
