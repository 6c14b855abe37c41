/** Save-time checks that need server-side tools (the script sandbox's compiler). */
import type { FlowNode } from '../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../core/node-spec.ts';
import { validateScriptCode } from './script/validate-code.ts';

export type ServerNodeCheck = (node: FlowNode, spec: NodeSpec) => ValidationIssue[];

const scriptCompiles: ServerNodeCheck = (node) =>
  node.type === 'script' && typeof node.params?.['code'] === 'string' ? validateScriptCode(node.params['code']) : [];

export const serverNodeChecks: ServerNodeCheck[] = [scriptCompiles];
