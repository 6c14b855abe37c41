/** The `kafka` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { kafkaProfile } from './profile.ts';
import { kafkaInNode } from './kafka-in/spec.ts';
import { kafkaOutNode } from './kafka-out/spec.ts';

export const kafkaConnector: Connector = { profile: kafkaProfile, nodes: [kafkaInNode, kafkaOutNode] };
