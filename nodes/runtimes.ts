/** Runtimes of every node type (server only: pulls drivers and the sandbox). */
import type { NodeRuntime } from '../server/engine/node-api.ts';
import { timerRuntime } from './timer/runtime.ts';
import { injectRuntime } from './inject/runtime.ts';
import { loopRuntime } from './loop/runtime.ts';
import { switchRuntime } from './switch/runtime.ts';
import { setRuntime } from './set/runtime.ts';
import { logRuntime } from './log/runtime.ts';
import { scriptRuntime } from './script/runtime.ts';
import { mysqlRuntime } from './mysql/runtime.ts';
import { postgresRuntime } from './postgres/runtime.ts';
import { oracleRuntime } from './oracle/runtime.ts';
import { httpInRuntime } from './http-in/runtime.ts';
import { httpResponseRuntime } from './http-response/runtime.ts';
import { httpRequestRuntime } from './http-request/runtime.ts';
import { kafkaInRuntime } from './kafka-in/runtime.ts';
import { kafkaOutRuntime } from './kafka-out/runtime.ts';

export const allRuntimes: NodeRuntime[] = [
  timerRuntime, injectRuntime, loopRuntime, switchRuntime, setRuntime, logRuntime, scriptRuntime,
  mysqlRuntime as NodeRuntime, postgresRuntime as NodeRuntime, oracleRuntime as NodeRuntime,
  httpInRuntime, httpResponseRuntime, httpRequestRuntime,
  kafkaInRuntime, kafkaOutRuntime,
];
