/** The `http` connector: its connection profile and node types. Pure. */
import type { Connector } from '../../core/connection-types.ts';
import { httpProfile } from './profile.ts';
import { httpInNode } from './http-in/spec.ts';
import { httpResponseNode } from './http-response/spec.ts';
import { httpRequestNode } from './http-request/spec.ts';

export const httpConnector: Connector = { profile: httpProfile, nodes: [httpInNode, httpResponseNode, httpRequestNode] };
