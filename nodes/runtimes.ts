/** Runtimes of every node type (server only). Connector runtimes load on first use. */
import type { NodeRuntime } from '../server/engine/node-api.ts';
import { timerRuntime } from './timer/runtime.ts';
import { injectRuntime } from './inject/runtime.ts';
import { loopRuntime } from './loop/runtime.ts';
import { switchRuntime } from './switch/runtime.ts';
import { setRuntime } from './set/runtime.ts';
import { logRuntime } from './log/runtime.ts';
import { scriptRuntime } from './script/runtime.ts';
import { httpInRuntime } from '../connectors/http/http-in/runtime.ts';
import { httpResponseRuntime } from '../connectors/http/http-response/runtime.ts';
import { httpRequestRuntime } from '../connectors/http/http-request/runtime.ts';
import { lazyRuntime } from './lazy-runtime.ts';

export const allRuntimes: NodeRuntime[] = [
  timerRuntime, injectRuntime, loopRuntime, switchRuntime, setRuntime, logRuntime, scriptRuntime,
  httpInRuntime, httpResponseRuntime, httpRequestRuntime,
  lazyRuntime('mysql', async () => (await import('../connectors/mysql/mysql/runtime.ts')).mysqlRuntime as NodeRuntime),
  lazyRuntime('postgres', async () => (await import('../connectors/postgres/postgres/runtime.ts')).postgresRuntime as NodeRuntime),
  lazyRuntime('oracle', async () => (await import('../connectors/oracle/oracle/runtime.ts')).oracleRuntime as NodeRuntime),
  lazyRuntime('kafka-in', async () => (await import('../connectors/kafka/kafka-in/runtime.ts')).kafkaInRuntime),
  lazyRuntime('kafka-out', async () => (await import('../connectors/kafka/kafka-out/runtime.ts')).kafkaOutRuntime),
  lazyRuntime('mqtt-in', async () => (await import('../connectors/mqtt/mqtt-in/runtime.ts')).mqttInRuntime),
  lazyRuntime('mqtt-out', async () => (await import('../connectors/mqtt/mqtt-out/runtime.ts')).mqttOutRuntime),
];
