/** The `postgres` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { postgresProfile } from './profile.ts';
import { postgresNode } from './postgres/spec.ts';

export const postgresConnector: Connector = { profile: postgresProfile, nodes: [postgresNode] };
