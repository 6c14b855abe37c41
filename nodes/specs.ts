/** Specs of every node type. Pure: the editor imports this. */
import type { NodeSpec } from '../core/node-spec.ts';
import { timerSpec } from './timer/spec.ts';
import { injectSpec } from './inject/spec.ts';
import { loopSpec } from './loop/spec.ts';
import { switchSpec } from './switch/spec.ts';
import { setSpec } from './set/spec.ts';
import { logSpec } from './log/spec.ts';
import { scriptSpec } from './script/spec.ts';
import { mysqlSpec } from '../connectors/mysql/mysql/spec.ts';
import { postgresSpec } from '../connectors/postgres/postgres/spec.ts';
import { oracleSpec } from '../connectors/oracle/oracle/spec.ts';
import { httpInSpec } from '../connectors/http/http-in/spec.ts';
import { httpResponseSpec } from '../connectors/http/http-response/spec.ts';
import { httpRequestSpec } from '../connectors/http/http-request/spec.ts';
import { kafkaInSpec } from '../connectors/kafka/kafka-in/spec.ts';
import { kafkaOutSpec } from '../connectors/kafka/kafka-out/spec.ts';
import { mqttInSpec } from '../connectors/mqtt/mqtt-in/spec.ts';
import { mqttOutSpec } from '../connectors/mqtt/mqtt-out/spec.ts';

export const allSpecs: NodeSpec[] = [
  timerSpec, injectSpec, loopSpec, switchSpec, setSpec, logSpec, scriptSpec,
  mysqlSpec, postgresSpec, oracleSpec,
  httpInSpec, httpResponseSpec, httpRequestSpec,
  kafkaInSpec, kafkaOutSpec,
  mqttInSpec, mqttOutSpec,
];

export const specsByType: ReadonlyMap<string, NodeSpec> = new Map(allSpecs.map((s) => [s.type, s]));
