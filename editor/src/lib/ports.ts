/**
 * A node's ports as the server checks them (core/validate-flow.ts): inputs, outputs (some
 * computed from params, e.g. switch rule1…/else, script out/out2…), and the `error` port of
 * every node that has an input.
 */
import { ERROR_PORT } from '../../../core/flow-types.ts';
import { outputsOf } from '../../../core/node-spec.ts';
import { logicByType, specsByType } from '../../../catalogue/index.ts';
import type { NodeTypeInfo } from '../api/types.ts';


export function outputPorts(info: NodeTypeInfo | undefined, params: Record<string, unknown>): string[] {
  if (!info) return ['out'];
  const spec = specsByType.get(info.type);
  return spec ? outputsOf(spec, logicByType.get(info.type), params) : info.outputs;
}

export function allOutputPorts(info: NodeTypeInfo | undefined, params: Record<string, unknown>): string[] {
  const outs = outputPorts(info, params);
  return info?.errorPort ? [...outs, ERROR_PORT] : outs;
}

export function inputPorts(info: NodeTypeInfo | undefined): string[] {
  return info ? info.inputs : ['in'];
}
