/** The `mqtt` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { mqttProfile } from './profile.ts';
import { mqttInNode } from './mqtt-in/spec.ts';
import { mqttOutNode } from './mqtt-out/spec.ts';

export const mqttConnector: Connector = { profile: mqttProfile, nodes: [mqttInNode, mqttOutNode] };
