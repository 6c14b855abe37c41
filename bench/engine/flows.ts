/**
 * The flows measured, written once for each side so both do the same work:
 * (a) 10 nodes each copying `payload.value` into a new payload field,
 * (b) 10 nodes each running the same line of user JavaScript,
 * (c) an HTTP endpoint answering a JSON body computed by user JavaScript.
 */
import type { FlowDocument, FlowNode, FlowEdge, TraceMode } from '../../core/flow-types.ts';

export const CHAIN_LENGTH = 10;
export type ChainKind = 'set' | 'script';
export const HTTP_PATH = 'bench';

/** the user code of node i (1-based), identical in script and function nodes */
export function chainCode(i: number): string {
  return `msg.payload.n${i} = msg.payload.value + ${i};\nreturn msg;`;
}

export const HTTP_CODE = 'msg.payload = { ok: true, n: msg.payload.n + 1 };\nreturn msg;';

function chainNode(kind: ChainKind, i: number): FlowNode {
  const id = `n${i}`;
  if (kind === 'set') return { id, type: 'set', params: { fields: { [`payload.s${i}`]: '${payload.value}' } } };
  return { id, type: 'script', params: { code: chainCode(i) } };
}

/** inject → n1 → … → n10; the engine's trigger fires `in` once per message */
export function tributaryChain(kind: ChainKind, trace: TraceMode): FlowDocument {
  const nodes: FlowNode[] = [{ id: 'in', type: 'inject', params: {} }];
  const edges: FlowEdge[] = [];
  let prev = 'in';
  for (let i = 1; i <= CHAIN_LENGTH; i++) {
    const node = chainNode(kind, i);
    nodes.push(node);
    edges.push({ source: prev, target: node.id });
    prev = node.id;
  }
  return { name: `bench ${CHAIN_LENGTH} × ${kind}`, nodes, edges, settings: { trace } };
}

export function tributaryHttp(trace: TraceMode): FlowDocument {
  return {
    name: 'bench http',
    nodes: [
      { id: 'in', type: 'http-in', params: { method: 'POST', path: HTTP_PATH } },
      { id: 'js', type: 'script', params: { code: HTTP_CODE } },
      { id: 'out', type: 'http-response', params: {} },
    ],
    edges: [{ source: 'in', target: 'js' }, { source: 'js', target: 'out' }],
    settings: { trace },
  };
}

type NodeRedNode = Record<string, unknown> & { id: string; type: string };
const TAB = 'bench-tab';

/** change ×10 or function ×10 on one tab; the harness feeds `n1` and counts what leaves `n10` */
export function nodeRedChain(kind: ChainKind): NodeRedNode[] {
  const nodes: NodeRedNode[] = [{ id: TAB, type: 'tab', label: 'bench', disabled: false, info: '' }];
  for (let i = 1; i <= CHAIN_LENGTH; i++) {
    const wires = i < CHAIN_LENGTH ? [[`n${i + 1}`]] : [[]];
    if (kind === 'set') {
      nodes.push({
        id: `n${i}`, type: 'change', z: TAB, name: '',
        rules: [{ t: 'set', p: `payload.s${i}`, pt: 'msg', to: 'payload.value', tot: 'msg' }],
        action: '', property: '', from: '', to: '', reg: false, x: 100 + i * 120, y: 100, wires,
      });
    } else {
      nodes.push({
        id: `n${i}`, type: 'function', z: TAB, name: '', func: chainCode(i), outputs: 1, timeout: 0, noerr: 0,
        initialize: '', finalize: '', libs: [], x: 100 + i * 120, y: 100, wires,
      });
    }
  }
  return nodes;
}

export function nodeRedHttp(): NodeRedNode[] {
  return [
    { id: TAB, type: 'tab', label: 'bench', disabled: false, info: '' },
    { id: 'in', type: 'http in', z: TAB, name: '', url: `/${HTTP_PATH}`, method: 'post', upload: false, swaggerDoc: '', x: 100, y: 100, wires: [['js']] },
    { id: 'js', type: 'function', z: TAB, name: '', func: HTTP_CODE, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: 250, y: 100, wires: [['out']] },
    { id: 'out', type: 'http response', z: TAB, name: '', statusCode: '', headers: {}, x: 400, y: 100, wires: [] },
  ];
}
