/**
 * Save-time validation of a flow document (SPEC §4): shape, node types and params,
 * edges and ports, cycles, and expressions (syntax; referenced node exists and is upstream).
 * Invalid flows are refused whole; every issue names its path.
 */
import { ERROR_PORT, NODE_ID_PATTERN, type FlowDocument, type FlowNode } from './flow-types.ts';
import { outputsOf, type NodeSpec, type NodeSpecLogic, type ValidationIssue } from './node-spec.ts';
import { SchemaChecker } from './schema-check.ts';
import { findCycle, normalEdge, reachable } from './graph/index.ts';
import { checkValue, collectRefs } from './expressions/index.ts';
import { documentSchema } from './flow-schema.ts';

const RESERVED_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ValidateOptions {
  specs: ReadonlyMap<string, NodeSpec>;
  /** the node types' pure logic: ports from params, checks beyond the schema */
  logic?: ReadonlyMap<string, NodeSpecLogic>;
  /** server-side checks that need I/O-free but heavy tools (script compile) */
  extraNodeChecks?: (node: FlowNode, spec: NodeSpec) => ValidationIssue[];
  checker?: SchemaChecker;
}

export function validateFlow(doc: unknown, options: ValidateOptions): ValidationIssue[] {
  const checker = options.checker ?? new SchemaChecker();
  const shapeIssues = checker.check(documentSchema, doc, '');
  if (shapeIssues.length > 0) return shapeIssues.map((i) => ({ ...i, path: i.path.replace(/^\./, '') || '(document)' }));
  const flow = doc as FlowDocument;
  const issues: ValidationIssue[] = [];
  const byId = new Map<string, { node: FlowNode; index: number; spec?: NodeSpec }>();

  flow.nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    if (!NODE_ID_PATTERN.test(node.id)) issues.push({ path: `${at}.id`, message: 'must be 1–64 characters of A–Z, a–z, 0–9, _ or -' });
    // ids become keys of objects (statuses, outputs by node): these would name Object's own members
    else if (RESERVED_IDS.has(node.id)) issues.push({ path: `${at}.id`, message: `"${node.id}" is reserved; choose another id` });
    else if (byId.has(node.id)) issues.push({ path: `${at}.id`, message: `duplicate node id "${node.id}"` });
    const spec = options.specs.get(node.type);
    if (!spec) issues.push({ path: `${at}.type`, message: `unknown node type "${node.type}"` });
    byId.set(node.id, { node, index: i, spec });
    if (!spec) return;
    node.params ??= {};
    issues.push(...checker.check(spec.paramsSchema, node.params, `${at}.params`));
    const validate = options.logic?.get(node.type)?.validate;
    if (validate) issues.push(...prefixed(validate(node.params), `${at}.params`));
    if (options.extraNodeChecks) issues.push(...prefixed(options.extraNodeChecks(node, spec), `${at}.params`));
  });

  flow.edges.forEach((edge, i) => {
    const e = normalEdge(edge);
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    if (!src) issues.push({ path: `edges[${i}].source`, message: `no node "${e.source}" in this flow` });
    else if (src.spec) {
      const ports = outputsOf(src.spec, options.logic?.get(src.node.type), src.node.params);
      const withError = src.spec.inputs.length > 0 ? [...ports, ERROR_PORT] : ports;
      if (!withError.includes(e.sourcePort))
        issues.push({ path: `edges[${i}].sourcePort`, message: `node "${e.source}" has no output port "${e.sourcePort}" (ports: ${withError.join(', ') || 'none'})` });
    }
    if (!dst) issues.push({ path: `edges[${i}].target`, message: `no node "${e.target}" in this flow` });
    else if (dst.spec && !dst.spec.inputs.includes(e.targetPort))
      issues.push({ path: `edges[${i}].targetPort`, message: `node "${e.target}" has no input port "${e.targetPort}" (ports: ${dst.spec.inputs.join(', ') || 'none'})` });
  });

  const cycle = findCycle([...byId.keys()], flow.edges);
  if (cycle) issues.push({ path: 'edges', message: `the graph has a cycle (${cycle.join(' → ')}); use a loop node to repeat work` });

  for (const { node, index, spec } of byId.values()) {
    if (spec) issues.push(...checkExpressions(node, index, spec, byId, flow, cycle === null));
  }
  return issues;
}

function checkExpressions(
  node: FlowNode,
  index: number,
  spec: NodeSpec,
  byId: ReadonlyMap<string, unknown>,
  flow: FlowDocument,
  acyclic: boolean,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const raw = new Set(spec.rawParams ?? []);
  let upstream: Set<string> | undefined;
  for (const [field, value] of Object.entries(node.params ?? {})) {
    if (raw.has(field)) continue;
    const at = `nodes[${index}].params.${field}`;
    const syntax = checkValue(value);
    if (syntax.length > 0) {
      issues.push(...syntax.map((s) => ({ path: at + s.path, message: s.message })));
      continue;
    }
    for (const ref of collectRefs(value)) {
      if (ref.nodeId === undefined) continue;
      if (!byId.has(ref.nodeId)) {
        issues.push({ path: at, message: `expression \${${ref.source}} names node "${ref.nodeId}", which is not in this flow` });
        continue;
      }
      if (!acyclic) continue;
      upstream ??= reachable(flow.edges, node.id, true);
      if (!upstream.has(ref.nodeId))
        issues.push({ path: at, message: `expression \${${ref.source}} names node "${ref.nodeId}", which is not upstream of node "${node.id}"` });
    }
  }
  return issues;
}

function prefixed(list: ValidationIssue[], prefix: string): ValidationIssue[] {
  return list.map((i) => ({ path: i.path ? `${prefix}.${i.path.replace(/^\./, '')}` : prefix, message: i.message }));
}
