/** The `mysql` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { mysqlProfile } from './profile.ts';
import { mysqlNode } from './mysql/spec.ts';

export const mysqlConnector: Connector = { profile: mysqlProfile, nodes: [mysqlNode] };
