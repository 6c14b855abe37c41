/** /api/node-types: every node type's ports, params schema and UI hints, from its spec. */
import { Router } from 'express';
import type { NodeDefinition } from '../../../core/node-spec.ts';

export function nodeTypeView({ spec, logic }: NodeDefinition): Record<string, unknown> {
  return {
    type: spec.type,
    category: spec.category,
    label: spec.label,
    description: spec.description ?? '',
    inputs: spec.inputs,
    outputs: spec.outputs,
    dynamicOutputs: logic?.outputs !== undefined,
    errorPort: spec.inputs.length > 0,
    trigger: spec.trigger !== undefined,
    paramsSchema: spec.paramsSchema,
    rawParams: spec.rawParams ?? [],
    lazyParams: spec.lazyParams ?? [],
    sensitiveParams: spec.sensitiveParams ?? [],
    connectionTypes: spec.connectionTypes ?? [],
    ui: spec.ui ?? {},
  };
}

export function nodeTypesRouter(definitions: readonly NodeDefinition[]): Router {
  const r = Router();
  const body = definitions.map(nodeTypeView);
  r.get('/', (_req, res) => res.json(body));
  return r;
}
