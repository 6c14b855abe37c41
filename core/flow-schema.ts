/** JSON Schema of the flow document's envelope (SPEC §4); node params are checked by each node type's schema. */
import type { JsonSchema } from './node-spec.ts';

const position: JsonSchema = {
  type: 'object',
  properties: { x: { type: 'number' }, y: { type: 'number' } },
  required: ['x', 'y'],
};

const node: JsonSchema = {
  type: 'object',
  required: ['id', 'type'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', minLength: 1 },
    name: { type: 'string', maxLength: 200 },
    params: { type: 'object' },
    position,
    disabled: { type: 'boolean' },
    retry: {
      type: 'object',
      required: ['attempts'],
      properties: {
        attempts: { type: 'integer', minimum: 0, maximum: 10 },
        backoffMs: { type: 'integer', minimum: 0, maximum: 60000 },
      },
      additionalProperties: false,
    },
    onError: { enum: ['stop', 'continue', 'port'] },
  },
};

const edge: JsonSchema = {
  type: 'object',
  required: ['source', 'target'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string', minLength: 1 },
    sourcePort: { type: 'string', minLength: 1 },
    target: { type: 'string', minLength: 1 },
    targetPort: { type: 'string', minLength: 1 },
  },
};

const retentionLimits: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxRuns: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    maxAgeDays: { type: 'number', exclusiveMinimum: 0, maximum: 36_500 },
  },
};

/** `settings.retention` of a flow, and the server's TRIBUTARY_RETENTION */
export const retentionSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { succeeded: retentionLimits, failed: retentionLimits },
};

export const documentSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'nodes', 'edges'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    nodes: { type: 'array', items: node, maxItems: 2000 },
    edges: { type: 'array', items: edge, maxItems: 10000 },
    settings: {
      type: 'object',
      properties: {
        trace: { enum: ['full', 'sampled', 'errors', 'off'] },
        traceSample: { type: 'number', minimum: 0, maximum: 1 },
        traceMaxSteps: { type: 'integer', minimum: 10, maximum: 100_000 },
        scriptMemoryMb: { type: 'integer', minimum: 8, maximum: 1024 },
        scriptMessageMb: { type: 'integer', minimum: 1, maximum: 256 },
        scriptFlowMemoryMb: { type: 'integer', minimum: 1, maximum: 1024 },
        scriptStateKb: { type: 'integer', minimum: 1, maximum: 262144 },
        retention: retentionSchema,
      },
    },
  },
};
