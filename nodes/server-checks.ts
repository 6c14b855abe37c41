/** Save-time checks that need server-side tools (the script sandbox's compiler, the RE2 compiler). */
import type { FlowNode } from '../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../core/node-spec.ts';
import { validateScriptCode } from './script/validate-code.ts';
import { switchRuleIssues } from './switch/validate-rules.ts';

export type ServerNodeCheck = (node: FlowNode, spec: NodeSpec) => ValidationIssue[];

const scriptCompiles: ServerNodeCheck = (node) =>
  node.type === 'script' && typeof node.params?.['code'] === 'string' ? validateScriptCode(node.params['code']) : [];

const switchRegexesCompile: ServerNodeCheck = (node) => (node.type === 'switch' && node.params ? switchRuleIssues(node.params) : []);

export const serverNodeChecks: ServerNodeCheck[] = [scriptCompiles, switchRegexesCompile];
