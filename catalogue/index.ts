/**
 * Every node type and connection type the product has: the one list to add a node type or a
 * connector to. Pure (specs, profiles and their pure logic): the editor imports it. The server
 * finds each entry's runtime, driver and server-side checks from it by convention
 * (catalogue/server.ts).
 */
import type { ConnectionTypeDef, Connector } from '../core/connection-types.ts';
import type { NodeDefinition, NodeSpec, NodeSpecLogic } from '../core/node-spec.ts';
import { timerNode } from '../nodes/timer/spec.ts';
import { injectNode } from '../nodes/inject/spec.ts';
import { loopNode } from '../nodes/loop/spec.ts';
import { switchNode } from '../nodes/switch/spec.ts';
import { setNode } from '../nodes/set/spec.ts';
import { logNode } from '../nodes/log/spec.ts';
import { scriptNode } from '../nodes/script/spec.ts';
import { mysqlConnector } from '../connectors/mysql/connector.ts';
import { postgresConnector } from '../connectors/postgres/connector.ts';
import { oracleConnector } from '../connectors/oracle/connector.ts';
import { httpConnector } from '../connectors/http/connector.ts';
import { kafkaConnector } from '../connectors/kafka/connector.ts';
import { mqttConnector } from '../connectors/mqtt/connector.ts';

/** node types that need no connection, in nodes/<type>/ */
export const coreNodes: readonly NodeDefinition[] = [timerNode, injectNode, loopNode, switchNode, setNode, logNode, scriptNode];

/** connectors, in connectors/<type>/ */
export const connectors: readonly Connector[] = [mysqlConnector, postgresConnector, oracleConnector, httpConnector, kafkaConnector, mqttConnector];

/** every node type, in palette order */
export const nodeDefinitions: readonly NodeDefinition[] = [...coreNodes, ...connectors.flatMap((c) => c.nodes)];

export const allSpecs: readonly NodeSpec[] = nodeDefinitions.map((d) => d.spec);
export const specsByType: ReadonlyMap<string, NodeSpec> = new Map(allSpecs.map((s) => [s.type, s]));
export const logicByType: ReadonlyMap<string, NodeSpecLogic> = new Map(
  nodeDefinitions.flatMap((d): [string, NodeSpecLogic][] => (d.logic ? [[d.spec.type, d.logic]] : [])),
);

/** connection types by name, in form order */
export const CONNECTION_TYPES: Readonly<Record<string, ConnectionTypeDef>> = Object.fromEntries(connectors.map((c) => [c.profile.type, c.profile]));
export const CONNECTION_TYPE_NAMES: readonly string[] = connectors.map((c) => c.profile.type);

export function connectionTypeOf(type: unknown): ConnectionTypeDef | undefined {
  return typeof type === 'string' && Object.hasOwn(CONNECTION_TYPES, type) ? CONNECTION_TYPES[type] : undefined;
}
