export type { NodeSpec } from '../../core/node-spec.ts';
export type { NodeRuntime } from './node-api.ts';
