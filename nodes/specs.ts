/** Specs of every node type. Pure: the editor imports this. */
import type { NodeSpec } from '../core/node-spec.ts';
import { timerSpec } from './timer/spec.ts';
import { injectSpec } from './inject/spec.ts';
import { loopSpec } from './loop/spec.ts';
import { switchSpec } from './switch/spec.ts';
import { setSpec } from './set/spec.ts';
import { logSpec } from './log/spec.ts';
import { scriptSpec } from './script/spec.ts';
import { mysqlSpec } from './mysql/spec.ts';
import { postgresSpec } from './postgres/spec.ts';
import { oracleSpec } from './oracle/spec.ts';
import { httpInSpec } from './http-in/spec.ts';
import { httpResponseSpec } from './http-response/spec.ts';
import { httpRequestSpec } from './http-request/spec.ts';
import { kafkaInSpec } from './kafka-in/spec.ts';
import { kafkaOutSpec } from './kafka-out/spec.ts';
import { mqttInSpec } from './mqtt-in/spec.ts';
import { mqttOutSpec } from './mqtt-out/spec.ts';

export const allSpecs: NodeSpec[] = [
  timerSpec, injectSpec, loopSpec, switchSpec, setSpec, logSpec, scriptSpec,
  mysqlSpec, postgresSpec, oracleSpec,
  httpInSpec, httpResponseSpec, httpRequestSpec,
  kafkaInSpec, kafkaOutSpec,
  mqttInSpec, mqttOutSpec,
];

export const specsByType: ReadonlyMap<string, NodeSpec> = new Map(allSpecs.map((s) => [s.type, s]));
