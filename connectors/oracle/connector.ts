/** The `oracle` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { oracleProfile } from './profile.ts';
import { oracleNode } from './oracle/spec.ts';

export const oracleConnector: Connector = { profile: oracleProfile, nodes: [oracleNode] };
